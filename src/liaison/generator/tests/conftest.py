"""The generator's tests write cases with passport numbers: each test has its own keys."""

from liaison.cases.tests.conftest import _keys_and_media_in_tmp  # noqa: F401 — autouse fixture
