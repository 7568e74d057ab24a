"""`liaison worker` refuses what it cannot run with a sentence, not a traceback."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

BIN = Path(sys.executable).parent


def test_a_worker_on_an_unmigrated_database_says_to_migrate_first(tmp_path):
    run = subprocess.run(
        [str(BIN / "liaison"), "worker"],
        env={"PATH": "/usr/bin:/bin", "LIAISON_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert "run `liaison migrate` first" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize("workers", ["0", "65", "-3"])
def test_a_worker_count_out_of_range_is_refused(workers):
    with pytest.raises(CommandError, match="between 1 and 64"):
        call_command("worker", "--workers", workers)


def test_no_scheduler_and_scheduler_only_exclude_each_other():
    with pytest.raises(CommandError):
        call_command("worker", "--no-scheduler", "--scheduler-only")
