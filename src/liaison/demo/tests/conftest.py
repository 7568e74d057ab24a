"""The demo writes cases with passport numbers and uploads: each test gets its own key file
and media folder, as the cases tests do."""

from liaison.cases.tests.conftest import _keys_and_media_in_tmp  # noqa: F401 — autouse fixture
