"""The benchmark is tested on the cases' own test data: a case opened through the services
is one the benchmark did not write; each test has its own field-encryption keys."""

from liaison.cases.tests.conftest import (  # noqa: F401 — fixtures, found by name
    _keys_and_media_in_tmp,
    open_case,
    philippines,
    posts,
    received_report,
    task_force_mou,
)
