"""Per-process copies of rarely changing data that stay right across processes and nodes.

A value read from the database on every request (the country list) is kept in the
process; a change anywhere bumps a version number in the shared cache (Redis, or files
on one machine), and every process drops its copy when it sees a new version, at its next
read. The cost is one cache read per use instead of one query."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from django.core.cache import cache


class SharedMemo:
    def __init__(self, name: str):
        self.key = f"memo:{name}:version"
        self._version: Any = None
        self._values: dict[Hashable, Any] = {}

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        version = cache.get(self.key)
        if version is None:
            cache.add(self.key, 1, timeout=None)
            version = cache.get(self.key, 1)
        if version != self._version:
            self._values = {}
            self._version = version
        if key not in self._values:
            value = compute()
            if value is None:
                return None  # not kept: it may exist by the next call
            self._values[key] = value
        return self._values[key]

    def forget(self) -> None:
        """Every process, on every node, reads afresh at its next use."""
        try:
            cache.incr(self.key)
        except ValueError:  # no version yet (or it was evicted): start one
            cache.set(self.key, 2, timeout=None)
        self._values = {}
