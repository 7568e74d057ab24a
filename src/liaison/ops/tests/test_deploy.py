"""The deployment files are what their tools accept: the compose file for `docker compose`,
the systemd units for `systemd-analyze`, and the environment example names every setting
Liaison reads."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import liaison

ROOT = Path(liaison.__file__).resolve().parent.parent.parent
DEPLOY = ROOT / "deploy"
EXAMPLE = DEPLOY / "liaison.env.example"
# Read only by the test suite, never by a deployment.
TEST_ONLY = {"LIAISON_TEST_SQLITE_NAME"}


DOCKER = shutil.which("docker")
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


def docker_compose() -> list[str] | None:
    """`docker compose` (v2), or else Debian's `docker-compose` (v1.29, the one its
    bookworm release packages): the file keeps to what both read."""
    if DOCKER is not None:
        found = subprocess.run([DOCKER, "compose", "version"], capture_output=True, check=False)
        if found.returncode == 0:
            return [DOCKER, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


COMPOSE = docker_compose()


@pytest.mark.skipif(COMPOSE is None, reason="neither `docker compose` nor docker-compose")
def test_docker_compose_accepts_the_compose_file_with_the_example_environment():
    assert COMPOSE is not None
    result = subprocess.run(
        [*COMPOSE, "-f", str(DEPLOY / "compose.yaml"), "config", "-q"],
        env={**os.environ, "LIAISON_ENV_FILE": str(EXAMPLE)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units():
    units = sorted(str(p) for p in (DEPLOY / "systemd").iterdir())
    result = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", *units], capture_output=True, text=True, check=False
    )
    # The one complaint expected on a build machine: the product is not installed in /srv.
    complaints = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line and not re.search(r"Command /srv/liaison/\S+ is not executable", line)
    ]
    assert complaints == []


def test_the_environment_example_names_every_setting_liaison_reads():
    source = (ROOT / "src" / "liaison" / "settings.py").read_text()
    read = set(re.findall(r'"((?:LIAISON|DATABASE|AWS)_[A-Z0-9_]+)"', source)) - TEST_ONLY
    named = set(re.findall(r"^#?((?:LIAISON|DATABASE|AWS)_[A-Z0-9_]+)=", EXAMPLE.read_text(), re.M))
    assert read - named == set()
    assert named - read == {"LIAISON_BACKUP_PASSPHRASE"}  # read by `liaison backup`
