"""Field groups of an initiative, in the order of the case study: the forms, the services,
the history and the contributions compose their own lists from them (a plain module that
imports nothing)."""

CASE_STUDY_FIELDS = ("title", "summary", "context", "actions", "results", "replication")
# The sections typed in Markdown, cleaned on input (pepites/core/richtext.py).
RICH_TEXT_FIELDS = ("context", "actions", "results", "replication")
PORTEUR_FIELDS = ("porteur_name", "porteur_kind", "partners", "funders", "target_public")
# What the edit form shows and the services accept from a contributor, in the form's order.
CONTRIBUTOR_FIELDS = (
    *CASE_STUDY_FIELDS,
    *PORTEUR_FIELDS,
    "start_year",
    "is_running",
    "address",
    "latitude",
    "longitude",
    "location_status",
    "contact_name",
    "contact_email",
    "contact_phone",
    "contact_consent",
)
