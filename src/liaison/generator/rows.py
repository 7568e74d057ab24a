"""The rows of one run of the generator: each given its id here (a case names its victims
and a suspect its identifiers before any of them is written), with the name keys and the
labels many rows repeat computed once."""

from __future__ import annotations

import datetime

from django.db import models

from liaison.cases import names
from liaison.cases.models import TimelineEntry

from .writer import ORDER, BulkWriter


class Rows:
    """Rows added to the bulk writer, numbered past the ids the tables already hold."""

    def __init__(self, writer: BulkWriter, *, actor_id: int | None):
        self.writer = writer
        self.actor_id = actor_id
        self.ids = {m: self._max_id(m) for m in ORDER}
        self.keys_cache: dict[str, list[str]] = {}
        self.labels: dict[tuple, str] = {}

    @staticmethod
    def _max_id(model: type[models.Model]) -> int:
        return model.objects.aggregate(m=models.Max("pk"))["m"] or 0

    def next_id(self, model: type[models.Model]) -> int:
        self.ids[model] += 1
        return self.ids[model]

    def add(self, model: type[models.Model], **row) -> None:
        self.writer.add(model, **row)

    def label(self, choices: type[models.Choices], value: str) -> str:
        """A choice's label in the active language, translated once per run."""
        key = (choices, value)
        found = self.labels.get(key)
        if found is None:
            found = self.labels[key] = str(choices(value).label)
        return found

    def keys(self, *parts: str) -> str:
        """names.name_keys(*parts), from a cache per name: name_keys joins the keys of each
        name in turn, dropping repeats, and so does this."""
        keys: list[str] = []
        for part in parts:
            found = self.keys_cache.get(part)
            if found is None:
                found = self.keys_cache[part] = names.name_keys(part).split()
            keys += [k for k in found if k not in keys]
        return " ".join(keys)

    def entry(self, case_id: int, kind: str, at: datetime.datetime, body: str) -> None:
        """A line of the case's timeline, written by the run's actor."""
        self.add(
            TimelineEntry,
            id=self.next_id(TimelineEntry),
            case_id=case_id,
            kind=kind,
            at=at,
            author_id=self.actor_id,
            body=body,
            recorded_at=at,
            is_illustrative=True,
        )
