"""Core API: who am I, institutions, users (administrators), audit trail (auditors), tokens."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.shortcuts import get_object_or_404
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from . import looks, services
from .models import ApiToken, Institution, User
from .permissions import Perm, permissions_of, require
from .selectors import audit_filter, user_filter

router = Router(tags=["core"])


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    role: str
    institution_id: int | None
    partner_body_id: int | None
    language: str
    time_zone: str
    permissions: list[str]


class InstitutionOut(Schema):
    id: int
    code: str
    name_ko: str
    name_en: str
    kind: str
    parent_id: int | None
    is_active: bool
    is_illustrative: bool


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    role: str
    institution_id: int | None
    partner_body_id: int | None
    is_active: bool
    is_locked: bool
    last_login: datetime.datetime | None


class UserIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=256)
    full_name: str = Field(..., min_length=1, max_length=200)
    email: str = ""
    role: str
    institution_id: int | None = None
    partner_body_id: int | None = None
    language: str = "ko"
    time_zone: str = "Asia/Seoul"


class UserPatch(Schema):
    full_name: str | None = None
    email: str | None = None
    role: str | None = None
    institution_id: int | None = None
    partner_body_id: int | None = None
    language: str | None = None
    time_zone: str | None = None
    is_active: bool | None = None


class AuditOut(Schema):
    id: int
    at: datetime.datetime
    actor_id: int | None
    actor_label: str
    actor_role: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict
    reason: str
    ip_address: str | None
    request_id: str


class AuditFilter(FilterSchema):
    q: str = Field("", description="Words in the actor, the record, the reason or the request id")
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    actor: str | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


class TokenIn(Schema):
    name: str = Field(..., max_length=100)
    expires_in_days: int | None = Field(None, ge=1, le=730)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    expires_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


class TokenCreated(TokenOut):
    token: str


def _exists(data: dict, *fields: str) -> None:
    """Each `<field>_id` given names an existing record of the model the user's field
    points to (a partner agency is a record of the partner directory, a layer above)."""
    for field in fields:
        pk = data.get(f"{field}_id")
        model = User._meta.get_field(field).related_model
        # A foreign key's model, resolved once the apps are ready.
        assert isinstance(model, type) and issubclass(model, Model)  # nosec B101 # narrows the type for mypy; true once the apps are loaded
        if pk is not None and not model._default_manager.filter(pk=pk).exists():
            raise ValidationError({field: "No such record."})


@router.get("/me", response=MeOut, summary="The signed-in user and what they may do")
def me(request):
    user = request.user
    return MeOut(
        id=user.pk,
        username=user.username,
        full_name=user.full_name,
        email=user.email,
        role=user.role,
        institution_id=user.institution_id,
        partner_body_id=user.partner_body_id,
        language=user.language,
        time_zone=user.time_zone,
        permissions=permissions_of(user),
    )


@router.get("/institutions", response=list[InstitutionOut])
@paginate
def institution_list(request):
    require(request.user, Perm.VIEW_INSTITUTIONS)
    return Institution.objects.order_by("pk")


@router.get("/institutions/{int:pk}", response=InstitutionOut)
def institution_detail(request, pk: int):
    require(request.user, Perm.VIEW_INSTITUTIONS)
    return get_object_or_404(Institution, pk=pk)


@router.get("/users", response=list[UserOut])
@paginate
def user_list(request, role: str | None = None, q: str = "", institution_id: int | None = None):
    require(request.user, Perm.MANAGE_USERS)
    institution = get_object_or_404(Institution, pk=institution_id) if institution_id else None
    data = {"role": role, "q": q, "institution": institution}
    return user_filter(User.objects.all(), data).order_by("username")


@router.get("/users/{int:pk}", response=UserOut)
def user_detail(request, pk: int):
    require(request.user, Perm.MANAGE_USERS)
    return get_object_or_404(User, pk=pk)


@router.post("/users", response={201: UserOut})
def user_create(request, payload: UserIn):
    require(request.user, Perm.MANAGE_USERS)
    data = payload.dict()
    _exists(data, "institution", "partner_body")
    if User.objects.filter(username__iexact=data["username"]).exists():
        raise ValidationError({"username": "This username is taken."})
    user = services.user_create(
        actor=request.user, username=data.pop("username"), password=data.pop("password"), **data
    )
    return Status(201, user)


@router.patch("/users/{int:pk}", response=UserOut)
def user_update(request, pk: int, payload: UserPatch):
    require(request.user, Perm.MANAGE_USERS)
    user = get_object_or_404(User, pk=pk)
    data = payload.dict(exclude_unset=True)
    _exists(data, "institution", "partner_body")
    return services.user_update(actor=request.user, user=user, **data)


@router.get("/audit", response=list[AuditOut], summary="Search the audit trail (auditors)")
@paginate
def audit_list(request, filters: Query[AuditFilter]):
    require(request.user, Perm.VIEW_AUDIT)
    read = looks.audit_trail_read(
        request.user, shown="audit trail by API", filters=looks.filters_text(request.GET)
    )
    events = audit_filter(looks.trail_before(read), filters.dict())
    return events.order_by("-at", "-id")


@router.get("/tokens", response=list[TokenOut], summary="Your own API tokens")
def token_list(request):
    require(request.user, Perm.USE_API_TOKENS)
    return ApiToken.objects.filter(user=request.user)


@router.post(
    "/tokens", response={201: TokenCreated}, summary="Create a token; the value is shown once"
)
def token_create(request, payload: TokenIn):
    token, raw = services.api_token_create(actor=request.user, **payload.dict())
    return Status(201, TokenCreated(**TokenOut.from_orm(token).dict(), token=raw))


@router.delete("/tokens/{int:pk}", response={204: None}, summary="Revoke one of your tokens")
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(actor=request.user, token=token)
    return Status(204, None)
