"""Forms of the posts pages. The services check the rules again; the forms give the
fields, the choices and the first, friendly refusal."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.core.forms import time_zone_choices
from liaison.core.models import User

from .models import Post, PostingRole
from .services import POSTABLE_ROLES


class PostForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = [
            "kind",
            "name_en",
            "name_ko",
            "country",
            "city",
            "host_body",
            "time_zone",
            "is_active",
        ]
        widgets = {"time_zone": forms.Select(choices=[("", "—"), *time_zone_choices()])}


class PostingForm(forms.Form):
    officer = forms.ModelChoiceField(
        label=_("Officer"),
        queryset=User.objects.filter(role__in=POSTABLE_ROLES, is_active=True).order_by(
            "full_name", "username"
        ),
    )
    role = forms.ChoiceField(label=_("Role at the post"), choices=PostingRole.choices)
    started_on = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    ended_on = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty while the officer serves."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].label_from_instance = lambda u: (
            f"{u.full_name or u.username} ({u.get_role_display()})"
        )


class PostingEndForm(forms.Form):
    ended_on = forms.DateField(
        label=_("Last day at the post"),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
    )
