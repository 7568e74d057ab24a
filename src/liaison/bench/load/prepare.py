"""The data a load run needs, written by the code that will serve it: run as a script by
`liaison bench load` (`python -P prepare.py`) with the served revision's `src` first on
PYTHONPATH, so that an older revision migrates its own database with its own migrations
and writes its own rows. Only long-standing parts are used (`liaison.bench.dataset`, the
accounts and the API tokens), so the script serves older revisions too.

It migrates, generates the benchmark's cases afresh, gives each load user an account (an
ICO officer, who sees and works every case) with the run's password and a fresh API token,
and prints what the driver needs as one JSON line after PREPARED_MARK."""

from __future__ import annotations

import argparse
import json
import os
import sys

import django

PREPARED_MARK = "LOAD-PREPARED "
LOAD_USER = "load.officer.{:02d}"
TOKEN_NAME = "load benchmark"  # noqa: S105 — the name, not the secret  # nosec B105
# What the driver picks from: spread over the data, few enough to print on one line.
SAMPLES = 200
SIGN_INS_PER_USER = 50  # one per measured run of the benchmark: a few node counts, repeats


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _users(count: int, password: str) -> list[dict]:
    # Django's models are importable only once django.setup() has run (see main).
    from liaison.core.choices import Role
    from liaison.core.models import ApiToken, User
    from liaison.core.services import api_token_create

    accounts = []
    for index in range(1, count + 1):
        user, _created = User.objects.get_or_create(
            username=LOAD_USER.format(index),
            defaults={
                "full_name": f"Load officer {index}",
                "role": Role.ICO_OFFICER,
                "email": f"load.{index}@bench.liaison.invalid",
                "language": "en",
            },
        )
        user.set_password(password)
        user.is_active = True
        user.save()
        # A run after a stopped one must not find the account locked by its failures.
        User.objects.filter(pk=user.pk).update(
            failed_login_count=0, last_failed_login_at=None, locked_at=None
        )
        ApiToken.objects.filter(user=user, name=TOKEN_NAME).delete()
        _token, raw = api_token_create(actor=user, name=TOKEN_NAME)
        accounts.append(
            {"username": user.username, "token": raw, "recovery_codes": _second_factor(user)}
        )
    return accounts


def _second_factor(user) -> list[str]:
    """Recovery codes for the second step of the sign-in, one per sign-in of the run (an
    authenticator's code could not serve the same user twice within 30 seconds). None
    for a revision from before the second factor."""
    from django.apps import apps

    if not apps.is_installed("django_otp.plugins.otp_static"):
        return []
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [f"load{n:04d}" for n in range(SIGN_INS_PER_USER)]
    for code in codes:
        device.token_set.create(token=code)
    return codes


def _spread(values: list, k: int) -> list:
    step = max(len(values) // k, 1)
    return values[::step][:k]


def prepare(*, cases: int, users: int, password: str, force: bool) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from liaison.bench import dataset
    from liaison.cases.models import Case, Victim
    from liaison.partners.models import Country

    call_command("migrate", interactive=False, verbosity=0)
    if not Country.objects.exists():
        call_command("sync_countries", verbosity=0)
    foreign = dataset.foreign_cases()
    if foreign and not force:
        raise SystemExit(
            f"{connection.settings_dict['NAME']} holds {foreign} cases the benchmark did not "
            "write; the load benchmark does not write beside them without --force."
        )
    existing = dataset.bench_cases()
    if foreign and existing:
        _say(f"  {existing:,} benchmark cases beside {foreign:,} others: used as they are")
    else:
        # Generated afresh every time (a few seconds): each run, and each side of the A/B,
        # starts from the same cases, without the reports the last run's intake left.
        if existing:
            dataset.wipe()
        _say(f"  generating {cases:,} cases in {connection.settings_dict['NAME']}…")
        generated = dataset.generate(cases=cases, people=cases * 2, out=_say, dedicated=not foreign)
        _say(f"  generated in {generated['seconds']} s")
    mine = Case.objects.filter(created_by__username=dataset.BENCH_USER)
    ids = list(mine.order_by("pk").values_list("pk", flat=True))
    names = list(
        Victim.objects.filter(case__in=mine)
        .exclude(name_latin="")
        .order_by("pk")
        .values_list("name_latin", flat=True)[: SAMPLES * 20]
    )
    return {
        "vendor": connection.vendor,
        "database": str(connection.settings_dict["NAME"]),
        "cases": len(ids),
        "case_ids": _spread(ids, SAMPLES),
        "searches": _spread(names, SAMPLES),
        "users": _users(users, password),
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, required=True)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    # The password comes through the environment, not the command line that `ps` shows.
    password = os.environ["LIAISON_LOAD_PASSWORD"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    django.setup()
    found = prepare(cases=args.cases, users=args.users, password=password, force=args.force)
    print(PREPARED_MARK + json.dumps(found), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
