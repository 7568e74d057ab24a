"""Small pieces of wording shared by the domains' messages."""

from django.utils.translation import gettext as _


def and_list(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c": how a refusal names everything that is missing."""
    if len(items) == 1:
        return items[0]
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}
