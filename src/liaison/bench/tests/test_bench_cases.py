"""`liaison bench cases` at a tiny size: it generates, measures every page against its
floor, prints the table and writes the figures; it refuses to write beside real cases."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from liaison.bench import dataset, pages, timing
from liaison.cases.models import Case

pytestmark = pytest.mark.django_db

TINY = ["--cases", "200", "--people", "400", "--samples", "3", "--intake", "20"]


def run(*args) -> str:
    out = io.StringIO()
    call_command("bench", "cases", *args, stdout=out)
    return out.getvalue()


def test_the_benchmark_prints_the_table_and_writes_the_figures(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    output = run("--database-url", "default", *TINY)
    assert Case.objects.filter(created_by__username=dataset.BENCH_USER).count() == 200
    header = next(line for line in output.splitlines() if line.startswith("page"))
    assert "floor p50" in header and "ratio" in header and "beyond SQL" in header
    for page in ("list", "search", "detail", "dashboard"):
        assert any(line.startswith(page) for line in output.splitlines()), page
    assert "reports/s" in output
    # The framework's own cost, measured as a page is and never judged as one.
    reference = next(line for line in output.splitlines() if line.startswith(timing.REFERENCE))
    assert reference.split()[-1] == "reference"
    figures = json.loads((tmp_path / "bench" / f"cases-{connection.vendor}.json").read_text())
    assert figures["cases"] == 200
    assert {p["name"] for p in figures["pages"]} >= {"list", "search", "detail", "dashboard"}
    for page in figures["pages"]:
        if page["status"] == "ok":
            assert page["p95"] >= page["p50"] > 0
            assert page["floor_p50"] > 0 and page["queries"] > 0
            assert page["beyond_sql"] == round(page["p50"] - page["floor_p50"], 1)
    empty = next(p for p in figures["pages"] if p["name"] == timing.REFERENCE)
    # The session, the user and the device of its second factor (django-otp).
    assert empty["status"] == "ok" and empty["queries"] == 3
    assert figures["intake"]["reports"] == 20 and figures["intake"]["failures"] == 0

    again = run("--database-url", "default", "--reuse", *TINY)
    assert "Reusing 200 benchmark cases" in again


def test_it_refuses_a_database_with_other_cases_unless_forced(open_case, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    with pytest.raises(CommandError, match="--force"):
        run("--database-url", "default", *TINY)
    assert Case.objects.count() == 1


def test_a_page_that_does_not_exist_yet_is_reported_as_not_available():
    figure = timing.Figure("dashboard", status="n/a")
    assert figure.verdict == "n/a"
    assert pages._url("cases:no-such-page") is None


def test_by_default_it_creates_and_uses_a_database_of_its_own(tmp_path):
    """The whole path a person runs: a SQLite file under var/bench/, migrated, filled and
    measured in a child process."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env |= {
        "LIAISON_VAR_DIR": str(tmp_path),
        "LIAISON_FIELD_KEYS_FILE": str(tmp_path / "keys.json"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "liaison", "bench", "cases", *TINY],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parents[4],
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "bench" / "liaison-bench.sqlite3").exists()
    assert "intake (API)" in done.stdout
    assert (tmp_path / "bench" / "cases-sqlite.json").exists()


def test_the_empty_reference_page_is_not_a_url_of_the_product():
    assert pages._url("bench_signed_in_empty") is None
