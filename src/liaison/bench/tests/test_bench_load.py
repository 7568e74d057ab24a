"""`liaison bench load` at a tiny size: gunicorn on SQLite, two users for two seconds. It
prepares its own database, signs the users in through the login form, prints the table
with every kind of request and no errors, and leaves no node and no worktree behind."""

import io
import os
import re
import subprocess
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from liaison.bench.load import driver, servers, sides
from liaison.bench.load.report import Measured, run_table

# Long enough for each of two users to reach the round's last kind (intake by API), now
# that the list and the search also write the look they are in the audit trail.
TINY = ["--seconds", "4", "--users", "2", "--nodes", "1", "--no-ab", "--cases", "150"]


def _gone(pids: list[int], within: float = 5) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{pid}").exists() for pid in pids):
            return True
        time.sleep(0.1)
    return False


def test_a_short_run_prints_every_kind_with_no_errors(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    started = []
    serve = servers._start

    def start(*args, **kwargs):
        node = serve(*args, **kwargs)
        started.append(node)
        return node

    monkeypatch.setattr(servers, "_start", start)
    out = io.StringIO()
    url = f"sqlite:///{tmp_path / 'load.sqlite3'}"
    call_command("bench", "load", *TINY, "--database-url", url, "--compare", "3", stdout=out)
    output = out.getvalue()
    lines = output.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split()[:2] == ["kind", "requests"])
    rows = {line.split()[0]: line.split() for line in lines[header + 1 : header + 8]}
    assert list(rows) == [*driver.KINDS, "all"]
    for kind, row in rows.items():
        assert int(row[1]) > 0, f"no {kind} request was made"
        assert row[-1] == "0", f"{kind}: {row[-1]} errors"
    assert "errors: none" in output
    assert "CPU per request:" in output and "ms in gunicorn" in output
    assert "same rows: yes" in output
    worker = re.search(r"worker \(.*\): (\d+) of (\d+) jobs in [\d.]+ s = [\d.]+ jobs/s", output)
    assert worker and worker.group(1) == worker.group(2), output[-800:]
    # The nodes are stopped and their files removed.
    assert started and _gone([pid for node in started for pid in [node.process.pid]])
    assert not any(node.log.exists() for node in started)


def test_a_failure_is_counted_and_printed_with_its_status():
    tally = driver.Tally()
    tally.add("detail", 12.0, 200, "/cases/1/", b"", timed=True)
    tally.add("detail", 30.0, 500, "/cases/2/", b"<h1>Server error</h1>", timed=True)
    tally.add("list", 5.0, 401, "/cases/", b"signed out", timed=False)  # warm-up: not timed
    run = Measured(
        side="after", label="here", nodes=1, workers=2, users=1, seconds=1.0, tally=tally,
        app_cpu=0.02, db_cpu=None, client_cpu=0.001,
    )  # fmt: skip
    printed = "\n".join(run_table(run))
    detail = next(line for line in printed.splitlines() if line.split()[:1] == ["detail"])
    assert detail.split()[1] == "2" and detail.split()[-1] == "1"
    assert "errors: 2 (warm-up included)" in printed
    assert "HTTP 500 /cases/2/" in printed and "HTTP 401 /cases/" in printed
    assert "10.0 ms in gunicorn" in printed  # 20 ms over the two timed requests


def test_a_node_is_stopped_when_the_run_fails(tmp_path):
    side = sides.Side(
        key="after",
        label="here",
        src=sides.HERE,
        database_url=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        var_dir=tmp_path / "var",
        overlay=sides.write_overlay(tmp_path / "settings"),
    )
    with (
        pytest.raises(RuntimeError, match="half-way"),
        servers.serving(side, nodes=1, workers=1, folder=tmp_path) as nodes,
    ):
        pids = nodes[0].pids()
        assert len(pids) == 2  # the master and its worker
        raise RuntimeError("the run failed half-way")
    assert _gone(pids)


def test_the_older_revisions_database_is_named_after_this_ones():
    assert sides.beside("postgres://u@db:5432/liaison_load", "before") == (
        "postgres://u@db:5432/liaison_load_before"
    )
    assert sides.beside("sqlite:////tmp/x/liaison-load.sqlite3", "before") == (
        "sqlite:////tmp/x/liaison-load-before.sqlite3"
    )
    assert sides.database_name("sqlite:////tmp/x/liaison-load.sqlite3") == "liaison-load"
    assert sides.database_name("postgres://u@db/liaison_load?sslmode=require") == "liaison_load"


def _git_checkout() -> bool:
    done = subprocess.run(
        ["git", "rev-parse", "--git-dir"],  # noqa: S607
        cwd=sides.HERE,
        capture_output=True,
        check=False,
    )
    return done.returncode == 0 and "GIT_DIR" not in os.environ


@pytest.mark.skipif(not _git_checkout(), reason="not a git checkout")
def test_the_older_revision_is_checked_out_and_removed_even_on_an_error(tmp_path):
    with pytest.raises(RuntimeError), sides.revision("HEAD", tmp_path) as (src, label):
        assert (src / "liaison" / "settings.py").exists()
        assert label.startswith("HEAD (")
        raise RuntimeError("stopped")
    assert not (tmp_path / "before").exists()
    listed = subprocess.run(
        ["git", "worktree", "list"],  # noqa: S607
        cwd=sides.HERE,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(tmp_path) not in listed
