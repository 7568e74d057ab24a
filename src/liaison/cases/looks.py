"""The filters of the case and report lists as the audit trail keeps them: the one place
that decides what of a search is recorded and how (a passport number masked), for the
pages, the API and the exports alike."""

from __future__ import annotations

from collections.abc import Mapping

from liaison.core.looks import filters_text

from . import protect

# The document numbers a list may be searched by; never recorded in clear.
_DOCUMENT_FILTERS = ("passport",)


def audited_filters(query: Mapping[str, str]) -> str:
    kept = dict(query.items())
    for key in _DOCUMENT_FILTERS:
        if kept.get(key):
            kept[key] = protect.mask(protect.normalise_document_number(kept[key]))
    return filters_text(kept)
