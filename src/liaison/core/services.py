"""Every write of the core domain: sign-in and lockout, users, preferences, API tokens,
institutions. Each service validates, writes and records its audit entry in one transaction."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from . import audit
from .choices import AuditAction, Role
from .models import ApiToken, Institution, User
from .permissions import Perm, require

USER_EDITABLE_FIELDS = [
    "full_name",
    "email",
    "role",
    "institution_id",
    "partner_body_id",
    "language",
    "time_zone",
    "is_active",
    "expires_at",
]

log = logging.getLogger("liaison.auth")


class LoginRefused(Exception):
    """Sign-in refused; the message is safe to show."""


LOCKED_MESSAGE = _lazy(
    "This account is locked after repeated failed sign-ins. An administrator must release it."
)


def user_login(*, request: HttpRequest, username: str, password: str, reason: str = "") -> User:
    """Checks the password with lockout (CJIS AC-7): repeated failures within the window
    lock the account until an administrator releases it. `reason` goes into the LOGIN
    entry (the acknowledged system-use notice)."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username__iexact=username).first()
        locked = user is not None and user.is_locked
        if not locked:
            authenticated = authenticate(
                request, username=user.username if user else username, password=password
            )
            if authenticated is not None:
                User.objects.filter(pk=authenticated.pk).update(
                    failed_login_count=0, last_failed_login_at=None
                )
                audit.record(
                    AuditAction.LOGIN, actor=authenticated, obj=authenticated, reason=reason
                )
                return authenticated
            _register_failure(user, username, reason="")
    if locked:
        # Outside the transaction above, which a refusal would otherwise roll back with
        # this row: every attempt on a locked account stays in the audit trail.
        audit.record(
            AuditAction.LOGIN_FAILED,
            actor=None,
            obj=user,
            reason="locked",
            actor_label=username[:150],
        )
    if user is not None:
        user.refresh_from_db(fields=["locked_at"])
        if user.is_locked:
            raise LoginRefused(str(LOCKED_MESSAGE))
    raise LoginRefused(_("The username or password is not correct."))


@transaction.atomic
def register_failed_sign_in(user: User | None, username: str, reason: str) -> bool:
    """A failed sign-in step other than the password (a wrong second factor): audited and
    counted toward the same lockout. Returns whether the account is now locked."""
    if user is not None:
        user = User.objects.select_for_update().get(pk=user.pk)
    return _register_failure(user, username, reason=reason)


def _register_failure(user: User | None, username: str, *, reason: str) -> bool:
    audit.record(
        AuditAction.LOGIN_FAILED,
        actor=None,
        obj=user,
        reason=reason,
        actor_label=username[:150],
        object_type="" if user else "core.user",
        object_repr=(user and str(user)) or username[:150],
    )
    if user is None or user.is_locked:
        return user is not None
    now = timezone.now()
    window = timedelta(seconds=settings.LIAISON_LOCKOUT_WINDOW_SECONDS)
    recent = user.last_failed_login_at is not None and now - user.last_failed_login_at < window
    user.failed_login_count = user.failed_login_count + 1 if recent else 1
    user.last_failed_login_at = now
    locks = user.failed_login_count >= settings.LIAISON_LOCKOUT_FAILURES
    if locks:
        user.locked_at = now
        audit.record(
            AuditAction.LOCKOUT,
            actor=None,
            obj=user,
            actor_label=username[:150],
            reason=f"{user.failed_login_count} failed sign-ins",
        )
        locked_user = user
        transaction.on_commit(lambda: _alert_administrators(_lock_alert, locked_user))
    user.save(update_fields=["failed_login_count", "last_failed_login_at", "locked_at"])
    return locks


def _lock_alert(user: User) -> tuple[str, str]:
    """CJIS AC-7 asks that a lock be noticed."""
    subject = _("Liaison: the account %(username)s is locked") % {"username": user.username}
    body = _(
        "The account %(user)s was locked after %(count)s failed sign-ins at %(time)s. "
        "It stays locked until an administrator releases it on its page in Liaison."
    ) % {
        "user": str(user),
        "count": user.failed_login_count,
        "time": timezone.localtime(user.locked_at).strftime("%Y-%m-%d %H:%M"),
    }
    return subject, body


def _alert_administrators(compose: Callable[[User], tuple[str, str]], user: User) -> None:
    """An e-mail about `user` to every active administrator, its subject and body from
    `compose`. Called after the change commits; a mail server that fails is logged, the
    change stays."""
    recipients = list(
        User.objects.filter(role=Role.ADMINISTRATOR, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return
    # In the agency's language: the request behind it may speak a stranger's.
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = compose(user)
    try:
        send_mail(subject, body, None, recipients)
    except OSError:
        log.exception("the alert %r about %s could not be sent", subject, user.username)


def user_logout_recorded(*, user: User) -> None:
    audit.record(AuditAction.LOGOUT, actor=user, obj=user)


def user_session_expired(*, user: User) -> None:
    """A session ended by its absolute time limit, not by its user."""
    audit.record(AuditAction.LOGOUT, actor=user, obj=user, reason="session expired")


def _validate_new_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error


@transaction.atomic
def user_create(*, actor: User, username: str, password: str, **fields) -> User:
    require(actor, Perm.MANAGE_USERS)
    user = User(username=username, **fields)
    _validate_expiry(user.expires_at)
    _validate_new_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit.record_created(user, actor=actor)
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, **fields) -> User:
    require(actor, Perm.MANAGE_USERS)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = audit.snapshot(user, USER_EDITABLE_FIELDS)
    if user.pk == actor.pk and fields.get("is_active") is False:
        raise ValidationError({"is_active": _("You cannot deactivate your own account.")})
    if "expires_at" in fields and fields["expires_at"] != user.expires_at:
        _validate_expiry(fields["expires_at"])
    enabled_again = not user.is_active and fields.get("is_active") is True
    disabled = user.is_active and fields.get("is_active") is False
    for name, value in fields.items():
        setattr(user, name, value)
    if enabled_again:
        if user.expires_at is not None and user.expires_at <= timezone.now():
            raise ValidationError(
                {"expires_at": _("Set a later expiry, or none, to enable this account again.")}
            )
        user.reactivated_at = timezone.now()
    user.full_clean()
    user.save()
    if disabled:
        # Django refuses a disabled account's sessions already; ending them too means an
        # account enabled again does not find the old ones alive (ASVS 5.0 V7.4.2).
        sessions_end(user)
    audit.record_updated(user, before, actor=actor, reason=SESSIONS_ENDED if disabled else "")
    return user


def _validate_expiry(expires_at) -> None:
    # Only a new expiry is checked: an account that has expired may still be edited.
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("An account's expiry must be in the future.")})


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str) -> None:
    """A new password ends every other session of the user. A user changing their own keeps
    the session they changed it in: the view calls `update_session_auth_hash` after this."""
    if actor.pk != user.pk:
        require(actor, Perm.MANAGE_USERS)
    _validate_new_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    sessions_end(user)
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=user,
        changes={"password": {"before": "***", "after": "***"}},
        reason=SESSIONS_ENDED,
    )


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> None:
    """Releases a lock; a session opened before it (perhaps the one that was guessing) ends."""
    require(actor, Perm.MANAGE_USERS)
    User.objects.filter(pk=user.pk).update(
        failed_login_count=0, last_failed_login_at=None, locked_at=None
    )
    sessions_end(user)
    audit.record(AuditAction.UNLOCK, actor=actor, obj=user, reason=SESSIONS_ENDED)


# The reason an audit entry gives when the change ended the user's sessions (all of them,
# but the one a user changing their own password changed it in).
SESSIONS_ENDED = "sessions ended"


def sessions_end(user: User) -> None:
    """Ends every session of the user made before now, in every browser and on every node
    (ASVS 5.0 V7.4.2, V7.4.3): the generation mixed into the session hash goes up, and
    Django's AuthenticationMiddleware signs out a session whose hash no longer matches.
    `user` is refreshed, so that `update_session_auth_hash(request, user)` can then keep
    the caller's own session."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


SCHEDULER_LABEL = "liaison scheduler"


@dataclass
class StaleAccounts:
    """What the daily review of accounts disabled, and the administrator it left active."""

    expired: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    spared: str = ""


@transaction.atomic
def users_disable_stale(*, now: datetime | None = None) -> StaleAccounts:
    """Disables temporary accounts past their expiry and accounts nobody signed in to for
    LIAISON_INACTIVE_DAYS (CJIS AC-2(3)), each audited as the scheduler's change. Accounts
    that cannot sign in (no usable password: the demo's illustrative officers) are left,
    and so is the last active administrator (`_administrator_to_spare`)."""
    now = now or timezone.now()
    unused_since = now - timedelta(days=settings.LIAISON_INACTIVE_DAYS)
    active = (
        User.objects.select_for_update()
        .filter(is_active=True)
        .annotate(
            last_seen=Greatest(
                Coalesce("last_login", "date_joined"), Coalesce("reactivated_at", "date_joined")
            )
        )
    )
    expired = list(active.filter(expires_at__lte=now))
    unused = (
        active.exclude(pk__in=[user.pk for user in expired])
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .filter(last_seen__lt=unused_since)
    )
    done = StaleAccounts()
    stale = [(user, "account expired", done.expired) for user in expired] + [
        (user, f"unused for {settings.LIAISON_INACTIVE_DAYS} days", done.unused) for user in unused
    ]
    spared = _administrator_to_spare(active, [user for user, *rest in stale])
    for user, reason, disabled in stale:
        if user == spared:
            _spare(user, reason=reason)
            done.spared = user.username
        else:
            _disable(user, reason=reason)
            disabled.append(user.username)
    return done


def _administrator_to_spare(active: QuerySet[User], leaving: list[User]) -> User | None:
    """When every active administrator is about to be disabled, the one most recently
    active: without an administrator nobody could enable an account again, or even this
    one, short of a command on the server."""
    administrators = active.filter(role=Role.ADMINISTRATOR)
    leaving_ids = [user.pk for user in leaving]
    if administrators.exclude(pk__in=leaving_ids).exists():
        return None
    return administrators.filter(pk__in=leaving_ids).order_by("-last_seen", "-pk").first()


def _spare(user: User, *, reason: str) -> None:
    audit.record(
        AuditAction.UPDATE,
        actor=None,
        obj=user,
        reason=f"left active: the last active administrator ({reason})",
        actor_label=SCHEDULER_LABEL,
    )
    transaction.on_commit(lambda: _alert_administrators(_spared_alert, user))


def _spared_alert(user: User) -> tuple[str, str]:
    subject = _("Liaison: the last active administrator, %(username)s, was left active") % {
        "username": user.username
    }
    body = _(
        "The daily review of accounts left %(user)s active although it is expired or unused, "
        "because it is the last active administrator: without one, nobody could manage "
        "accounts. Give the administrator role to another person, or renew this account "
        "(a later expiry, or a sign-in)."
    ) % {"user": str(user)}
    return subject, body


def _disable(user: User, *, reason: str) -> None:
    User.objects.filter(pk=user.pk).update(is_active=False)
    sessions_end(user)
    audit.record(
        AuditAction.UPDATE,
        actor=None,
        obj=user,
        changes={"is_active": {"before": True, "after": False}},
        reason=f"{reason}; {SESSIONS_ENDED}",
        actor_label=SCHEDULER_LABEL,
    )


@transaction.atomic
def user_update_preferences(
    *, actor: User, language: str | None = None, time_zone: str | None = None
) -> User:
    """A user's own language and time zone; anyone may change their own."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    before = audit.snapshot(user, ["language", "time_zone"])
    if language is not None:
        if language not in dict(settings.LANGUAGES):
            raise ValidationError({"language": _("Choose Korean or English.")})
        user.language = language
    if time_zone is not None:
        if time_zone not in zoneinfo.available_timezones():
            raise ValidationError({"time_zone": _("Unknown time zone.")})
        user.time_zone = time_zone
    user.save(update_fields=["language", "time_zone"])
    audit.record_updated(user, before, actor=actor)
    return user


def _hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, actor: User, name: str, expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """A new token; the raw value is returned once and never stored."""
    require(actor, Perm.USE_API_TOKENS)
    name = (name or "").strip()
    if not name:
        raise ValidationError(
            {"name": _("Give the token a name, such as the system that uses it.")}
        )
    if expires_in_days is not None and not 1 <= expires_in_days <= 730:
        raise ValidationError({"expires_in_days": _("A token lasts from 1 to 730 days.")})
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name[:100],
        prefix=prefix,
        token_hash=_hash_token(secret),
        expires_at=timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    audit.record(AuditAction.TOKEN_CREATE, actor=actor, obj=token)
    return token, f"lia_{prefix}_{secret}"


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        require(actor, Perm.MANAGE_USERS)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(AuditAction.TOKEN_REVOKE, actor=actor, obj=token)
    return token


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    try:
        marker, prefix, secret = raw.split("_", 2)
    except ValueError:
        return None
    if marker != "lia":
        return None
    try:
        # get(), not first(): the prefix is unique, so there is nothing to sort per request.
        token = ApiToken.objects.select_related("user").get(prefix=prefix)
    except ApiToken.DoesNotExist:
        return None
    if not hmac.compare_digest(token.token_hash, _hash_token(secret)):
        return None
    if not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    # Record use at most once a minute so a busy client does not write on every request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


INSTITUTION_FIELDS = [
    "code",
    "name_ko",
    "name_en",
    "kind",
    "parent_id",
    "is_active",
    "is_illustrative",
]


@transaction.atomic
def institution_create(*, actor: User, **fields) -> Institution:
    require(actor, Perm.MANAGE_INSTITUTIONS)
    institution = Institution(**fields)
    institution.full_clean()
    institution.save()
    audit.record_created(institution, actor=actor)
    return institution


@transaction.atomic
def institution_update(*, actor: User, institution: Institution, **fields) -> Institution:
    require(actor, Perm.MANAGE_INSTITUTIONS)
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    before = audit.snapshot(institution, INSTITUTION_FIELDS)
    for name, value in fields.items():
        setattr(institution, name, value)
    institution.full_clean()
    institution.save()
    audit.record_updated(institution, before, actor=actor)
    return institution
