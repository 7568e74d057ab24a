"""The posts of the cases tests (the Joint Task Force in Phnom Penh, the Korean Desk in
Manila) and their per-test encryption keys, shared rather than copied."""

from liaison.cases.tests.conftest import (  # noqa: F401 — fixtures
    _keys_and_media_in_tmp,
    philippines,
    posts,
    task_force_mou,
)
