"""The production configuration: `check --deploy` is clean, and missing secrets stop startup."""

import os
import secrets
import subprocess
import sys

import pytest

PRODUCTION_ENV = {
    "LIAISON_DEPLOYMENT": "production",
    # Long and random, as Django's deploy check wants it (security.W009).
    "LIAISON_SECRET_KEY": secrets.token_urlsafe(50),
    "LIAISON_ALLOWED_HOSTS": "liaison.police.example",
    "DATABASE_URL": "sqlite:////tmp/liaison-deploy-check.sqlite3",
}


def run_liaison(*args, env):
    full_env = {
        k: v for k, v in os.environ.items() if not k.startswith(("LIAISON_", "DATABASE_URL"))
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "liaison", *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_in_production():
    result = run_liaison("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    # Clean by meeting every check, not by silencing one (SILENCED_SYSTEM_CHECKS).
    assert "no issues (0 silenced)" in result.stdout, result.stdout
    assert "WARNING" not in result.stderr, result.stderr


@pytest.mark.parametrize("missing", ["LIAISON_SECRET_KEY", "LIAISON_ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_liaison("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_demo_data_refuses_production_without_force():
    result = run_liaison("demo-data", env=PRODUCTION_ENV)
    assert result.returncode != 0 and "production" in result.stderr


def test_in_production_passkeys_are_bound_to_the_sites_host_over_https():
    shown = (
        "from django.conf import settings as s;"
        " print(s.LIAISON_WEBAUTHN_RP_ID, s.OTP_WEBAUTHN_ALLOWED_ORIGINS)"
    )
    result = run_liaison("shell", "-c", shown, env=PRODUCTION_ENV)
    assert (
        result.stdout.strip().splitlines()[-1]
        == "liaison.police.example ['https://liaison.police.example']"
    )
