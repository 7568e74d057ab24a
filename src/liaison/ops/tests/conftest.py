"""New, empty Liaison systems to restore into, each a database of its own reached by the
real `liaison` command in a subprocess; and the cases' test data to back up."""

import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

import liaison

# The cases' fixtures: each test's own key file and media folder, the task force, its MOU,
# a report with a passport number, a case.
from liaison.cases.tests.conftest import (  # noqa: F401 — fixtures, found by name
    _keys_and_media_in_tmp,
    open_case,
    philippines,
    posts,
    received_report,
    task_force_mou,
)

PASSPHRASE = "a passphrase long enough for the backup tests"
# The subprocesses run this checkout's code, whatever the virtualenv's editable install
# points at.
SOURCE = str(Path(liaison.__file__).resolve().parent.parent)


def liaison_command(*args: str, env: dict[str, str], module: str = "liaison"):
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def base_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIAISON_", "DATABASE_"))}
    env.update(
        PYTHONPATH=SOURCE,
        DJANGO_SETTINGS_MODULE="liaison.settings",
        LIAISON_VAR_DIR=str(var_dir),
        LIAISON_DB_CONN_MAX_AGE="0",
    )
    return env


class Postgres:
    """The server the tests run on, for making and dropping whole databases."""

    def __init__(self, settings_dict):
        self.db = settings_dict

    def url(self, name: str) -> str:
        db = self.db
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{name}"

    def execute(self, sql: str) -> None:
        db = self.db
        with psycopg.connect(
            host=db["HOST"],
            port=db["PORT"],
            user=db["USER"],
            password=db.get("PASSWORD") or None,
            dbname="postgres",
            autocommit=True,
        ) as connection:
            connection.execute(sql)


@dataclass
class Template:
    var_dir: Path
    postgres: Postgres | None
    name: str = ""


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """A database migrated once per test session; every empty system starts as a copy."""
    var_dir = tmp_path_factory.mktemp("template")
    env = base_env(var_dir)
    db = settings.DATABASES["default"]
    postgres = Postgres(db) if db["ENGINE"] == "django.db.backends.postgresql" else None
    template = Template(var_dir=var_dir, postgres=postgres)
    if postgres:
        template.name = f"ops_template_{uuid.uuid4().hex[:12]}"
        postgres.execute(f"CREATE DATABASE {template.name}")
        env["DATABASE_URL"] = postgres.url(template.name)
    result = liaison_command("migrate", "-v0", env=env)
    assert result.returncode == 0, result.stderr
    yield template
    if postgres:
        postgres.execute(f"DROP DATABASE IF EXISTS {template.name} WITH (FORCE)")


@pytest.fixture
def empty_system(migrated_template, tmp_path):
    """The environment of a new Liaison: an empty, migrated database, the test's key file
    and an empty upload folder, and the backup passphrase."""
    var_dir = tmp_path / "restored"
    var_dir.mkdir()
    env = base_env(var_dir)
    env.update(
        LIAISON_FIELD_KEYS_FILE=str(settings.LIAISON_FIELD_KEYS_FILE),
        LIAISON_MEDIA_ROOT=str(var_dir / "media"),
        LIAISON_BACKUP_PASSPHRASE=PASSPHRASE,
    )
    postgres, name = migrated_template.postgres, f"ops_restore_{uuid.uuid4().hex[:12]}"
    if postgres:
        postgres.execute(f"CREATE DATABASE {name} TEMPLATE {migrated_template.name}")
        env["DATABASE_URL"] = postgres.url(name)
    else:
        shutil.copy(migrated_template.var_dir / "liaison.sqlite3", var_dir / "liaison.sqlite3")
    yield env
    if postgres:
        postgres.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
