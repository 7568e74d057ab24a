from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import Perm, can


def navigation(user) -> list[dict]:
    """The domains in the navigation bar, each shown only to those who may open it."""
    items = [
        {
            "label": _("Home"),
            "url": reverse("core:home"),
            "icon": "house",
            "show": True,
            "key": "home",
        },
        {
            "label": _("Cases"),
            "url": reverse("cases:list"),
            "icon": "life-preserver",
            "show": can(user, Perm.VIEW_CASES),
            "key": "cases",
        },
        {
            "label": _("Agreements"),
            "url": reverse("agreements:list"),
            "icon": "file-earmark-text",
            "show": can(user, Perm.VIEW_AGREEMENTS),
            "key": "agreements",
        },
        {
            "label": _("Partners"),
            "url": reverse("partners:body_list"),
            "icon": "globe2",
            "show": can(user, Perm.VIEW_DIRECTORY),
            "key": "partners",
        },
        {
            "label": _("Institutions"),
            "url": reverse("core:institution_list"),
            "icon": "diagram-3",
            "show": can(user, Perm.VIEW_INSTITUTIONS),
            "key": "institutions",
        },
        {
            "label": _("Users"),
            "url": reverse("core:user_list"),
            "icon": "people",
            "show": can(user, Perm.MANAGE_USERS),
            "key": "users",
        },
        {
            "label": _("Audit trail"),
            "url": reverse("core:audit_list"),
            "icon": "journal-check",
            "show": can(user, Perm.VIEW_AUDIT),
            "key": "audit",
        },
    ]
    return [item for item in items if item["show"]]


class PermissionsOf:
    """`perms_of_user.NAME` in a template: whether the user holds the permission NAME,
    worked out when a template asks (a page asks for one or two, not for every one)."""

    def __init__(self, user):
        self.user = user

    def __getitem__(self, name: str) -> bool:
        if name not in Perm.__members__:
            raise KeyError(name)
        return can(self.user, Perm[name])


def liaison(request):
    user = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    return {
        "agency_name": settings.LIAISON_AGENCY_NAME,
        "nav_items": navigation(user) if authenticated else [],
        "perms_of_user": PermissionsOf(user),
    }
