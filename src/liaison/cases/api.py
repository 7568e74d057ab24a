"""The cases API: intake for machines and other systems, case lists and records."""

from ninja import Router

router = Router(tags=["cases"])
