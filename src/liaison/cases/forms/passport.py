"""The exact search by passport or ID number, shared by the list of cases and the list of
reports. The number is sent by POST (PassportSearchForm), so it stays out of addresses,
browser histories and access logs; the session keeps the search as the number's keyed
hashes under a random token, and the list's address carries only that token
(`passport_search`, cleaned by PassportSearchFilter)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import protect


@dataclass(frozen=True)
class PassportSearch:
    """An exact passport or ID search as the session keeps it: the number's keyed hashes
    under every key, and the number masked to show what was searched."""

    hashes: tuple[str, ...]
    masked: str


class PassportSearchForm(forms.Form):
    passport = forms.CharField(label=_("Passport or ID number"), max_length=30)

    def clean_passport(self) -> str:
        number = protect.normalise_document_number(self.cleaned_data["passport"])
        if not number:
            raise ValidationError(_("Give the passport or ID number."))
        return number


class PassportSearchFilter(forms.Form):
    """A list filter form's `passport_search`: the token of a search kept in the session,
    cleaned to that search. Only those who may search by passport are given the field."""

    passport_search = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        may_search_passports: bool = False,
        passport_searches: Mapping[str, PassportSearch] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.passport_searches = passport_searches or {}
        if not may_search_passports:
            del self.fields["passport_search"]

    def clean_passport_search(self) -> PassportSearch | None:
        token = self.cleaned_data.get("passport_search")
        if not token:
            return None
        if token not in self.passport_searches:
            raise ValidationError(
                _("This passport search is no longer kept; search for the number again.")
            )
        return self.passport_searches[token]
