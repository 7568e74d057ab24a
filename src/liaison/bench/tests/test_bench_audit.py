"""`liaison bench audit` at a tiny size: it builds a chain that verifies, times verify and
the intake with and without the chain, and writes the figures; it never writes its
invented entries into the configured database."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from liaison.bench import audit as bench_audit
from liaison.core import audit
from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_benchmark_builds_a_chain_that_verifies_and_measures_the_intake_both_ways(
    settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    call_command("sync_countries", verbosity=0)
    lines: list[str] = []
    result = bench_audit.run(entries=300, reports=5, rounds=1, out=lines.append)
    assert result["verify_intact"] and result["entries"] == 300
    assert any(line.startswith("audit verify: 3") for line in lines)
    intake = result["intake"]
    assert intake["best"]["chained"] > 0 and intake["best"]["unchained"] > 0
    assert any("reports/s with the chain" in line for line in lines)
    figures = json.loads((tmp_path / "bench" / f"audit-{connection.vendor}.json").read_text())
    assert figures["verify_s"] >= 0 and "verify_cpu_s" in figures
    # Without the chain only for the measurement: what comes after is chained again.
    assert AuditEvent.objects.filter(seq__lt=0, mac="").exists()
    after = audit.record(AuditAction.VIEW, actor=None, actor_label="after the benchmark")
    assert after.seq > 300 and len(after.mac) == 64


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--database-url", "default"], "database of its own"),
        (["--entries", "0"], "at least 1"),
        (["--intake", "-1"], "at least 0"),
    ],
)
def test_the_audit_benchmark_refuses_bad_input_with_a_message(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("bench", "audit", *arguments, stdout=io.StringIO())
