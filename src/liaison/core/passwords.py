"""Password rules beyond Django's own (ASVS 6.2): no words an attacker would try first for
this agency and this person. There are no composition rules (ASVS 6.2.5): length, the
common-password list (Django's CommonPasswordValidator) and these words are the checks."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Words every guesser tries against a police system, in both of its languages.
ALWAYS_REFUSED = ("police", "경찰", "liaison")
# Shorter words (an initial, "of", a two-letter code) would refuse half of all passwords.
MIN_WORD_LENGTH = 4


def _words(text: str) -> set[str]:
    return {word for word in re.split(r"[\W_]+", text.casefold()) if word}


class ContextWordsValidator:
    """Refuses a password containing the agency's name or one of its words, "police" and
    "경찰", the username, or the user's names (ASVS 6.2.11)."""

    def __init__(self, min_word_length: int = MIN_WORD_LENGTH):
        self.min_word_length = min_word_length

    def context_words(self, user=None) -> set[str]:
        agency = str(settings.LIAISON_AGENCY_NAME or "")
        words = {agency.casefold().replace(" ", "")} | _words(agency)
        if user is not None:
            for attribute in ("username", "full_name", "first_name", "last_name"):
                value = str(getattr(user, attribute, "") or "")
                words |= {value.casefold()} | _words(value)
            email = str(getattr(user, "email", "") or "")
            words |= _words(email.partition("@")[0])
        long_enough = {word for word in words if len(word) >= self.min_word_length}
        return long_enough | set(ALWAYS_REFUSED)

    def validate(self, password: str, user=None) -> None:
        folded = password.casefold()
        found = sorted(word for word in self.context_words(user) if word and word in folded)
        if found:
            raise ValidationError(
                _(
                    "The password contains a word that is easy to guess here: "
                    "%(word)s. Choose words that have nothing to do with the agency or you."
                )
                % {"word": found[0]},
                code="password_context_word",
            )

    def get_help_text(self) -> str:
        return _(
            "Your password cannot contain the agency's name, “police”, your username or your name."
        )
