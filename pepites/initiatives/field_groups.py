"""Field groups of an initiative, in the order of the case study: the forms, the services,
the history and the contributions compose their own lists from them (a plain module, so
that the history, which models.py imports, can use them too)."""

CASE_STUDY_FIELDS = ("title", "summary", "context", "actions", "results", "replication")
# The sections typed in Markdown, cleaned on input (pepites/core/richtext.py).
RICH_TEXT_FIELDS = ("context", "actions", "results", "replication")
PORTEUR_FIELDS = ("porteur_name", "porteur_kind", "partners", "funders", "target_public")
