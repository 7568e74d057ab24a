"""The purpose of an access to personal data (EU LED art. 25: the log of a consultation or
a disclosure keeps its justification). Revealing a passport number and exporting personal
data ask for it, from a short list and, for "other", in the person's own words; the audit
entry keeps it. The last one given is offered again for the rest of the session."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .choices import AccessPurpose
from .formstyle import bootstrapify

SESSION_KEY = "liaison_last_purpose"
FIELDS = ("purpose", "purpose_note")


class PurposeForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=[("", "—"), *AccessPurpose.choices],
        error_messages={
            "required": _("Say for what purpose you open or export these personal data."),
            "invalid_choice": _("Choose a purpose from the list."),
        },
    )
    purpose_note = forms.CharField(
        label=_("In your words"),
        required=False,
        max_length=200,
        help_text=_("Required for “other”: the case, request or proceedings it is for."),
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("purpose") == AccessPurpose.OTHER and not data.get("purpose_note", "").strip():
            self.add_error("purpose_note", _("Describe the purpose when it is “other”."))
        return data

    @property
    def stated(self) -> str:
        """The purpose as the audit entry keeps it: its code, then the person's words."""
        data = self.cleaned_data
        words = " ".join(data.get("purpose_note", "").split())
        return f"{data['purpose']}: {words}" if words else data["purpose"]


def purpose_form(request: HttpRequest, data: Mapping | None = None) -> PurposeForm:
    """The form bound to `data`, or empty with the session's last purpose chosen."""
    if data is not None:
        return bootstrapify(PurposeForm({k: data.get(k, "") for k in FIELDS}))
    return bootstrapify(PurposeForm(initial=request.session.get(SESSION_KEY, {})))


def stated_purpose(data: Mapping) -> str:
    """The purpose given in `data` (a query or a form), or a ValidationError naming the
    field at fault: a service that opens personal data refuses to go on without it."""
    form = PurposeForm({k: data.get(k, "") for k in FIELDS})
    if not form.is_valid():
        raise ValidationError({k: list(v) for k, v in form.errors.items()})
    return form.stated


def require_purpose(purpose: str) -> None:
    """For a service given a purpose already stated: an empty one is refused."""
    code = purpose.partition(": ")[0]
    if code not in AccessPurpose.values:
        raise ValidationError(
            {"purpose": PurposeForm.base_fields["purpose"].error_messages["required"]}
        )


def remember(request: HttpRequest, purpose: str) -> None:
    """Keeps the purpose for this session, to be chosen first the next time it is asked."""
    if not hasattr(request, "session"):  # an export job renders the view without one
        return
    code, _sep, words = purpose.partition(": ")
    request.session[SESSION_KEY] = {"purpose": code, "purpose_note": words}
