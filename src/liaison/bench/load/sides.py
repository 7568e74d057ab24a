"""What is served under load: this checkout ("after") and, for the A/B, an older revision
("before") checked out in a temporary git worktree. Each side has its own database and its
own var/ folder (its field keys), and its gunicorn imports its own code (PYTHONPATH): the
older revision is never installed."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import liaison

# The source tree of the code running now; its parent is the checkout.
HERE = Path(liaison.__file__).resolve().parent.parent
# Settings of the deployment that would make a local HTTP run measure something else: TLS
# redirects and secure-only cookies, another host name, files of another var/ folder.
NOT_PASSED = (
    "LIAISON_DEPLOYMENT",
    "LIAISON_ALLOWED_HOSTS",
    "LIAISON_DEBUG",
    "LIAISON_FIELD_KEYS_FILE",
    "LIAISON_STATIC_ROOT",
    "LIAISON_MEDIA_ROOT",
    "DJANGO_SETTINGS_MODULE",
)
# Pages name their static files through the manifest `collectstatic` writes; without it
# (a checkout, an older revision) they are named as they are, as `bench cases` does. The
# lookup either way is a dictionary read; the static files themselves are not requested.
OVERLAY = """from liaison.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
"""
OVERLAY_MODULE = "liaison_load_settings"


class RevisionUnavailable(RuntimeError):
    """The revision to compare with cannot be checked out."""


@dataclass
class Side:
    """One revision as served: its code, its database, its var/ folder."""

    key: str  # "after" or "before"
    label: str
    src: Path
    database_url: str
    var_dir: Path
    overlay: Path
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(50))

    @property
    def env(self) -> dict[str, str]:
        """The environment of its gunicorn and of its preparation. The cache and the queue
        (LIAISON_REDIS_URL) and the database pool pass through as configured."""
        env = {k: v for k, v in os.environ.items() if k not in NOT_PASSED}
        return env | {
            "PYTHONPATH": os.pathsep.join([str(self.src), str(self.overlay)]),
            "DJANGO_SETTINGS_MODULE": OVERLAY_MODULE,
            "DATABASE_URL": self.database_url,
            "LIAISON_VAR_DIR": str(self.var_dir),
            "LIAISON_FIELD_KEYS_FILE": str(self.var_dir / "keys" / "field-keys.json"),
            # Both nodes sign the same sessions.
            "LIAISON_SECRET_KEY": self.secret_key,
            "LIAISON_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Every simulated officer signs in from this one address: not a flood.
            "LIAISON_LOGIN_RATE": "100000/m",
        }


def write_overlay(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{OVERLAY_MODULE}.py").write_text(OVERLAY)
    return folder


def beside(url: str, suffix: str) -> str:
    """The URL of a database named after `url`'s with `suffix`: `liaison_load_before`, or
    `liaison-load-before.sqlite3` in the same folder."""
    base, _sep, query = url.partition("?")
    head, name = base.rsplit("/", 1)
    if url.startswith("sqlite"):
        stem, dot, extension = name.partition(".")
        renamed = f"{stem}-{suffix}{dot}{extension}"
    else:
        renamed = f"{name}_{suffix}"
    return f"{head}/{renamed}" + (f"?{query}" if query else "")


def database_name(url: str) -> str:
    return url.partition("?")[0].rsplit("/", 1)[-1].partition(".")[0]


def _git(*args: str, cwd: Path) -> str:
    done = subprocess.run(  # noqa: S603  # nosec B603, B607
        ["git", *args],  # noqa: S607
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RevisionUnavailable(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


def checkout_label(src: Path) -> str:
    """This checkout as `abc1234`, marked when it holds changes not committed."""
    try:
        head = _git("rev-parse", "--short", "HEAD", cwd=src)
        dirty = _git("status", "--porcelain", "--untracked-files=no", cwd=src)
    except (RevisionUnavailable, OSError):
        return "this checkout"
    return f"this checkout ({head}{', with changes' if dirty else ''})"


@contextmanager
def revision(rev: str, folder: Path) -> Iterator[tuple[Path, str]]:
    """`rev` checked out (detached) in a temporary git worktree under `folder`, with this
    checkout's virtual environment linked in; removed on the way out, whatever happens.
    Yields its `src` and a label."""
    repo = HERE.parent
    try:
        top = Path(_git("rev-parse", "--show-toplevel", cwd=repo))
        commit = _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", cwd=top)
    except OSError as error:
        raise RevisionUnavailable(f"git is not available: {error}") from error
    short = _git("rev-parse", "--short", commit, cwd=top)
    tree = folder / "before"
    _git("worktree", "add", "--detach", "--quiet", str(tree), commit, cwd=top)
    try:
        if (top / ".venv").exists():
            (tree / ".venv").symlink_to(top / ".venv")
        yield tree / "src", rev if rev == short else f"{rev} ({short})"
    finally:
        try:
            _git("worktree", "remove", "--force", str(tree), cwd=top)
        except RevisionUnavailable:
            shutil.rmtree(tree, ignore_errors=True)
            _git("worktree", "prune", cwd=top)
