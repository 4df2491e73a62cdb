"""Small helpers shared by the HTML forms: errors tied to their field for screen readers,
and service errors (ValidationError by field) shown next to the fields they concern."""

from django import forms
from django.core.exceptions import ValidationError


class AccessibleErrorsMixin:
    """A field in error points at its message (aria-describedby), next to its help text."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            ids = [f"{bound.auto_id}_error"]
            if bound.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)


def add_service_errors(
    form: forms.Form, exc: ValidationError, *, aliases: dict | None = None
) -> None:
    """Put a service's ValidationError on the form: each message on its field when the form
    has it (through `aliases` for differently named ones), otherwise above the form."""
    aliases = aliases or {}
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for name, errors in exc.message_dict.items():
        target = aliases.get(name, name)
        for message in errors:
            if target in form.fields:
                form.add_error(target, message)
            else:
                form.add_error(None, message)
