"""The shapes of the API's error answers that every domain's endpoints declare in their
OpenAPI responses. The answers themselves are written by the project's exception handlers
(liaison.api), one for each kind of error, so every domain answers alike."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field


class FieldError(Schema):
    field: str = Field(..., description="The input at fault; empty for the request as a whole.")
    message: str


class ConflictOut(Schema):
    """409: the record changed since the client read it (`expected_version` is stale)."""

    detail: str = Field(..., description="Who changed what: reload the record, then retry.")
    errors: list[FieldError] = Field([], description="Always empty: no input is at fault.")
    current_version: int | None = Field(None, description="The version the record is at now.")


# The responses of an endpoint that takes `expected_version`, for its OpenAPI description.
STALE = {409: ConflictOut}
