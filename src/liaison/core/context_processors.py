import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from .jobs import has_unseen_results, label_of
from .models import User
from .permissions import Perm, can
from .selectors import unseen_finished_jobs

# The domains in the navigation bar: key, label, view, icon, and the permission to open it.
NAVIGATION = (
    ("home", _("Home"), "home", "house", None),
    ("cases", _("Cases"), "cases:list", "life-preserver", Perm.VIEW_CASES),
    ("agreements", _("Agreements"), "agreements:list", "file-earmark-text", Perm.VIEW_AGREEMENTS),
    ("partners", _("Partners"), "partners:body_list", "globe2", Perm.VIEW_DIRECTORY),
    (
        "institutions",
        _("Institutions"),
        "core:institution_list",
        "diagram-3",
        Perm.VIEW_INSTITUTIONS,
    ),
    ("users", _("Users"), "core:user_list", "people", Perm.MANAGE_USERS),
    ("audit", _("Audit trail"), "core:audit_list", "journal-check", Perm.VIEW_AUDIT),
    ("jobs", _("Jobs"), "core:job_list", "hourglass-split", Perm.MANAGE_JOBS),
    ("retention", _("Retention"), "core:retention", "calendar-x", Perm.MANAGE_RETENTION),
)


@functools.lru_cache(maxsize=64)
def _link(view: str, prefix: str, urlconf: str) -> str:
    # Kept: the bar is on every page, and a reverse() costs more than the rest of an item.
    return reverse(view, urlconf=urlconf)


def navigation(user) -> list[dict]:
    """The domains in the navigation bar, each shown only to those who may open it."""
    prefix, urlconf = get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
    return [
        {"key": key, "label": label, "url": _link(view, prefix, urlconf), "icon": icon}
        for key, label, view, icon, perm in NAVIGATION
        if perm is None or can(user, perm)
    ]


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
        "finished_jobs": (
            [(job, label_of(job)) for job in unseen_finished_jobs(user)]
            if isinstance(user, User) and has_unseen_results(user)
            else []
        ),
        "agency_name": settings.LIAISON_AGENCY_NAME,
        "nav_items": navigation(user) if authenticated else [],
        "perms_of_user": PermissionsOf(user),
    }
