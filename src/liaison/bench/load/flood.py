"""`liaison bench login-flood`: the case list of a signed-in officer while 8 clients flood
`/login/` from one address, with the sign-in rate limit off (as before it existed) and on.
Issue 14 measured 20 ms without a flood and 1.1 s under one: each attempt hashes a password
with Argon2, which is slow on purpose, and the flood takes every worker."""

from __future__ import annotations

import http.client
import os
import secrets
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from ..timing import percentile
from . import servers, sides
from .benchmark import Out, Plan, prepare
from .driver import FORM, SIGN_IN, TIMEOUT, Account, Client, Data, Officer, _form

CASE_LIST = "/cases/"
FLOOD_ADDRESS = "127.0.0.2"
UNLIMITED = "1000000/m"  # the limit off: every attempt reaches the password check


@contextmanager
def _login_rate(rate: str | None) -> Iterator[None]:
    """The nodes started inside read this rate (Side.env passes the environment on)."""
    previous = os.environ.get("LIAISON_LOGIN_RATE")
    if rate is None:
        os.environ.pop("LIAISON_LOGIN_RATE", None)
    else:
        os.environ["LIAISON_LOGIN_RATE"] = rate
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("LIAISON_LOGIN_RATE", None)
        else:
            os.environ["LIAISON_LOGIN_RATE"] = previous


def _flood(port: int, stop: threading.Event, statuses: Counter, lock: threading.Lock) -> None:
    client = Client(port)
    # From an address of its own (all of 127/8 is this machine): the officer, on 127.0.0.1,
    # is another address, as a stranger's flood and an officer are.
    client.connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=TIMEOUT, source_address=(FLOOD_ADDRESS, 0)
    )
    client.send("GET", SIGN_IN)
    fields = {
        "csrfmiddlewaretoken": client.cookies.get("csrftoken", ""),
        "username": "nobody.flood",
        "password": secrets.token_urlsafe(12),
    }
    while not stop.is_set():
        try:
            status, _body = client.send("POST", SIGN_IN, body=_form(fields), headers=FORM)
        except OSError:
            status = 0
        with lock:
            statuses[status] += 1


def _case_list_ms(officer: Officer, samples: int) -> list[float]:
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        status, _body = officer.browser.send("GET", CASE_LIST)
        timings.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"the case list answered HTTP {status}")
    return timings


def _measure(side, prepared, plan: Plan, password: str, folder: Path, clients: int, samples: int):
    data = Data(case_ids=prepared["case_ids"], searches=prepared["searches"])
    with servers.serving(side, nodes=1, workers=plan.workers, folder=folder) as (node,):
        officer = Officer(Account(**prepared["users"][0]), password, node.port, data, offset=0)
        officer.sign_in()
        _case_list_ms(officer, 3)  # warm
        quiet = _case_list_ms(officer, samples)
        stop, statuses, lock = threading.Event(), Counter(), threading.Lock()
        threads = [
            threading.Thread(target=_flood, args=(node.port, stop, statuses, lock), daemon=True)
            for _ in range(clients)
        ]
        for thread in threads:
            thread.start()
        time.sleep(2)  # the flood under way
        flooded = _case_list_ms(officer, samples)
        stop.set()
        for thread in threads:
            thread.join(timeout=70)
        officer.close()
    return quiet, flooded, statuses


def run(plan: Plan, out: Out, *, clients: int, samples: int, create_database) -> None:
    password = secrets.token_urlsafe(18)
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="liaison-flood-")))
        overlay = sides.write_overlay(folder / "settings")
        side = sides.Side(
            key="after",
            label=sides.checkout_label(sides.HERE),
            src=sides.HERE,
            database_url=plan.database_url,
            var_dir=plan.var_dir / "load" / sides.database_name(plan.database_url),
            overlay=overlay,
        )
        if create_database(side.database_url):
            out(f"Created the database {sides.database_name(side.database_url)}.")
        prepared = prepare(side, plan, password, out)
        out(
            f"{clients} clients flood {SIGN_IN} from {FLOOD_ADDRESS}; the case list of one "
            f"signed-in officer, {samples} requests one at a time, on 1 node of "
            f"{plan.workers} workers ({prepared['cases']:,} cases, {prepared['vendor']})."
        )
        for label, rate in (("limit off (before)", UNLIMITED), ("limit on (after)", None)):
            with _login_rate(rate):
                quiet, flooded, statuses = _measure(
                    side, prepared, plan, password, folder, clients, samples
                )
            shown = rate or os.environ.get("LIAISON_LOGIN_RATE") or "10/m (default)"
            out(
                f"{label:20} rate {shown:16} case list p50/p95: quiet "
                f"{percentile(quiet, 0.5):.0f}/{percentile(quiet, 0.95):.0f} ms, "
                f"flooded {percentile(flooded, 0.5):.0f}/{percentile(flooded, 0.95):.0f} ms; "
                f"flood answers {dict(sorted(statuses.items()))}"
            )
