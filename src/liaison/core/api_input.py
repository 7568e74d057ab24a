"""What the JSON API takes in, checked once for every operation: no string (in the query,
the form fields or the JSON body) that the database cannot store, and integers within the
database's range. A refusal is 422 naming the field, like every other invalid field
(OWASP ASVS 5.0 V1.2/V2.2: input validated, positively, before it is used)."""

from __future__ import annotations

import json
from typing import Annotated

from django.conf import settings
from django.http import HttpRequest
from ninja import Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination
from pydantic import Field

from . import text

# PostgreSQL's `integer`, the narrowest integer column the models use: a larger number in
# an offset or an id cannot match anything, and some backends fail on it instead.
DB_INT_MAX = 2**31 - 1

# A year the domain can mean (agreements and annual reports run in the 21st century;
# Python's dates stop at 9999 and answer a larger one with an error).
Year = Annotated[int, Field(ge=1900, le=2100)]
Offset = Annotated[int, Field(ge=0, le=DB_INT_MAX)]


def refuse_unstorable(request: HttpRequest) -> None:
    """Raises a 422 naming every field of the query, the form or the JSON body that holds
    text the database cannot store (core.text). Called before any operation runs; a body
    that is not JSON is left to the operation's own parsing (400)."""
    found = [(("query", *path), reason) for path, reason in text.problems(_lists(request.GET))]
    if request.method not in ("GET", "HEAD", "OPTIONS") and request.body:
        if request.content_type == "application/json":
            try:
                body = json.loads(request.body)
            except ValueError:
                body = None
        else:
            body = _lists(request.POST)
        found += [(("body", *path), reason) for path, reason in text.problems(body)]
    if found:
        raise NinjaValidationError(
            [{"loc": loc, "msg": reason, "type": "unstorable"} for loc, reason in found]
        )


def _lists(query) -> dict[str, str | list[str]]:
    # One value as itself, so that the field is named `q`, not `q.0`.
    return {key: values[0] if len(values) == 1 else values for key, values in query.lists()}


class Pagination(LimitOffsetPagination):
    """Limit and offset, the offset within the database's range (see DB_INT_MAX)."""

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=DB_INT_MAX)
        offset: Offset = 0
