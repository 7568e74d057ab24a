import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from .choices import AuditAction, Role
from .listing import ListFilterForm
from .models import Institution, User


class _ReadAtOnce(forms.models.ModelChoiceIterator):
    """The options in one query. Django's own reads them through a server-side cursor on
    PostgreSQL: DECLARE, FETCH and CLOSE, three round trips for a short list."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class ShortModelChoiceField(forms.ModelChoiceField):
    """A choice among the rows of a short table (posts, institutions)."""

    iterator = _ReadAtOnce


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    # The system-use notice above the form (CJIS AC-8): no password is checked without it.
    acknowledge = forms.BooleanField(
        label=_("I have read the notice above and accept it."),
        error_messages={"required": _("Acknowledge the system-use notice to sign in.")},
    )


class CodeForm(forms.Form):
    """A second factor's code: the authenticator's six digits or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "text"}
        ),
    )


class ReauthenticateForm(CodeForm):
    password = forms.CharField(
        label=_("Password"),
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["password", "code"]


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput)
    new_password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput,
        help_text=password_validators_help_text_html,
    )
    confirm_password = forms.CharField(
        label=_("Repeat the new password"), widget=forms.PasswordInput
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_current_password(self):
        if not self.user.check_password(self.cleaned_data["current_password"]):
            raise forms.ValidationError(_("The current password is not correct."))
        return self.cleaned_data["current_password"]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("new_password") and data.get("new_password") != data.get("confirm_password"):
            self.add_error("confirm_password", _("The two new passwords differ."))
        return data


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What uses the token, e.g. 'reporting server'."),
    )
    expires_in_days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=730, required=False, initial=90
    )


class UserForm(forms.ModelForm):
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput,
        required=False,
        help_text=password_validators_help_text_html,
    )

    class Meta:
        model = User
        fields = [
            "username",
            "full_name",
            "email",
            "role",
            "institution",
            "partner_body",
            "language",
            "time_zone",
            "is_active",
            "expires_at",
        ]
        widgets = {
            "expires_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "language": forms.Select(choices=settings.LANGUAGES),
            "time_zone": forms.Select(choices=time_zone_choices()),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["password"]
            self.fields["username"].disabled = True
        else:
            self.fields["password"].required = True


class InstitutionForm(forms.ModelForm):
    class Meta:
        model = Institution
        fields = ["code", "name_ko", "name_en", "kind", "parent", "is_active"]


class UserFilterForm(ListFilterForm):
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        required=False,
        queryset=Institution.objects.all(),
        empty_label=_("All"),
    )


class AuditFilterForm(ListFilterForm):
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *AuditAction.choices]
    )
    object_type = forms.CharField(label=_("Record type"), required=False, max_length=100)
    object_id = forms.CharField(label=_("Record id"), required=False, max_length=64)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date comes before the start date."))
        return data
