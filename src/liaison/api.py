"""The JSON API under /api/v1/: one NinjaAPI, the same permission checks as the pages,
errors always as JSON with a message and, for validation, the offending fields."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.utils import check_csrf

from liaison.agreements.api import router as agreements_router
from liaison.cases.api import router as cases_router
from liaison.cases.retention_api import router as case_hold_router
from liaison.core.api import router as core_router
from liaison.core.api_input import refuse_unstorable
from liaison.partners.api import router as partners_router

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class SessionOrToken:
    """A browser's session (with its CSRF token on writes) or a machine's API token; the token
    itself is checked by ApiTokenMiddleware before the view runs."""

    openapi_type = "http"
    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest):
        user = request.user
        if not user.is_authenticated:
            return None
        content_type = request.content_type or ""
        if (
            request.method not in SAFE_METHODS
            and request.body
            and content_type not in ("application/json", "multipart/form-data")
        ):
            raise HttpError(415, _("Send the request body as application/json."))
        session_write = request.api_token is None and request.method not in SAFE_METHODS
        if session_write and check_csrf(request) is not None:
            raise HttpError(
                403, _("CSRF check failed: send the X-CSRFToken header with the session.")
            )
        refuse_unstorable(request)  # before any operation parses it: 422 naming the field
        return user


api = NinjaAPI(
    title="Liaison API",
    version="1",
    description="International cooperation office: partners, agreements, cases. "
    "Authenticate with `Authorization: Bearer <token>` (tokens from your profile page) "
    "or a browser session.",
    auth=SessionOrToken(),
    urls_namespace="api",
    docs_url="/docs",
    # Swagger UI from django-ninja's own static files (ninja is an installed app). Its
    # validator badge would fetch an image from validator.swagger.io: none leaves the network.
    docs=Swagger(settings={"validatorUrl": None}),
    openapi_url="/openapi.json",
)
api.add_router("/", core_router)
api.add_router("/partners/", partners_router)
api.add_router("/agreements/", agreements_router)
api.add_router("/cases/", cases_router)
api.add_router("/cases/", case_hold_router)


def _field_name(location: tuple) -> str:
    parts = [str(p) for p in location if p not in ("body", "payload", "query", "path")]
    return ".".join(parts)


@api.exception_handler(NinjaValidationError)
def on_schema_error(request, exc: NinjaValidationError):
    errors = []
    for error in exc.errors:
        errors.append(
            {"field": _field_name(tuple(error.get("loc", ()))), "message": error.get("msg", "")}
        )
    return api.create_response(
        request, {"detail": _("The request has invalid fields."), "errors": errors}, status=422
    )


@api.exception_handler(ValidationError)
def on_model_validation_error(request, exc: ValidationError):
    if getattr(exc, "code", None) == "stale":
        return on_stale_version(request, exc)
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": field.removesuffix("_id"), "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": "", "message": message} for message in exc.messages]
    return api.create_response(
        request, {"detail": _("The request has invalid fields."), "errors": errors}, status=422
    )


def on_stale_version(request, exc: ValidationError):
    """A stale `expected_version` is a conflict, not bad input: 409 in every domain, so a
    client can tell "reload and retry" from "fix the request" (core.api_errors.ConflictOut)."""
    body = {
        "detail": exc.messages[0],
        "errors": [],
        "current_version": getattr(exc, "current_version", None),
    }
    return api.create_response(request, body, status=409)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return api.create_response(
        request, {"detail": str(exc) or _("Your role does not allow this.")}, status=403
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(
        request, {"detail": _("Not found, or not visible to you.")}, status=404
    )


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(
        request, {"detail": _("Authentication required: sign in or send an API token.")}, status=401
    )
