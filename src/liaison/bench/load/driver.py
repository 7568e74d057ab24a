"""The signed-in users of a load run. Each signs in through the login form (its CSRF token
and all), then asks for the pages and API calls of its round one after another, as fast as
they are answered, on the node it was given; the time of each request is taken by the
client, from sending it to reading the last byte of the answer."""

from __future__ import annotations

import http.client
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

KINDS = ("list", "search", "detail", "api_list", "intake_page", "intake_api")
# One user's round: the reads an officer does most (the list, a case, a search), the API
# list as a partner system polls it, and a report through each intake now and then.
ROUND = (
    *("list", "detail", "search", "api_list", "detail", "intake_page"),
    *("list", "detail", "search", "api_list", "detail", "intake_api"),
)
TIMEOUT = 60
SIGN_IN = "/login/"
SECOND_STEP = "/login/second-factor/"


@dataclass
class Sample:
    kind: str
    ms: float
    status: int


@dataclass
class Failure:
    """A request answered with anything but 2xx or 3xx, or not answered at all."""

    kind: str
    status: int  # 0 when the connection failed
    path: str
    detail: str


@dataclass
class Account:
    username: str
    token: str
    # Single-use codes for the sign-in's second step, spent from this very list (shared
    # with the prepared accounts, so that a later run of the benchmark takes the next).
    recovery_codes: list[str] = field(default_factory=list)


@dataclass
class Data:
    """What the requests pick from: cases to open and names to search for."""

    case_ids: list[int]
    searches: list[str]
    numbers: itertools.count = field(default_factory=lambda: itertools.count(1))


class Client:
    """One HTTP client on one node with its cookies (a browser, or a machine client when
    it sends none). Gunicorn's sync workers close the connection after each answer: the
    next request opens another, as a browser's would."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.location = ""  # of the last answer
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)

    def send(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        cookies: bool = True,
        signing_in: bool = False,
    ) -> tuple[int, bytes]:
        """The status and the body of the answer; a redirect to the sign-in page (the
        session lost) is answered here as 401, so that it counts as the failure it is."""
        sent = {"Accept-Language": "en", **(headers or {})}
        if cookies and self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=sent)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        if cookies:
            self._keep(response.headers.get_all("Set-Cookie") or [])
        if response.will_close:
            self.connection.close()
        location = self.location = response.headers.get("Location", "")
        if response.status in (301, 302) and location.startswith(SIGN_IN) and not signing_in:
            return 401, f"signed out: redirected to {location}".encode()
        return response.status, content

    def _keep(self, headers: list[str]) -> None:
        for header in headers:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def close(self) -> None:
        self.connection.close()


class SignInFailed(RuntimeError):
    pass


def _form(fields: dict) -> bytes:
    return urlencode(fields, doseq=True).encode()


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Officer:
    """One signed-in user: a browser for the pages and a token for the API."""

    def __init__(self, account: Account, password: str, port: int, data: Data, offset: int):
        self.account = account
        self.password = password
        self.data = data
        self.offset = offset
        self.browser = Client(port)
        self.api = Client(port)
        self.port = port

    def sign_in(self) -> None:
        self.browser.send("GET", SIGN_IN)
        token = self.browser.cookies.get("csrftoken", "")
        fields = {
            "csrfmiddlewaretoken": token,
            "username": self.account.username,
            "password": self.password,
            "acknowledge": "on",  # the system-use notice (ignored by older revisions)
            "next": "",
        }
        status, page = self.browser.send(
            "POST", SIGN_IN, body=_form(fields), headers=FORM, signing_in=True
        )
        if status == 302 and self.browser.location.startswith(SECOND_STEP):
            fields = {
                "csrfmiddlewaretoken": self.browser.cookies.get("csrftoken", ""),  # rotated
                "code": self.account.recovery_codes.pop(0),
            }
            status, page = self.browser.send(
                "POST", SECOND_STEP, body=_form(fields), headers=FORM, signing_in=True
            )
        if status != 302 or "sessionid" not in self.browser.cookies:
            raise SignInFailed(
                f"{self.account.username} could not sign in on port {self.port}: HTTP {status} "
                f"{page[:300].decode(errors='replace')}"
            )

    def _pick(self, values: list, n: int):
        return values[(n * 7 + self.offset) % len(values)]

    def ask(self, kind: str) -> tuple[int, str, bytes]:
        """One request of `kind`: its status, its path and its answer."""
        n = next(self.data.numbers)
        bearer = {"Authorization": f"Bearer {self.account.token}"}
        if kind == "list":
            return self._get("/cases/")
        if kind == "search":
            return self._get("/cases/?" + urlencode({"q": self._pick(self.data.searches, n)}))
        if kind == "detail":
            return self._get(f"/cases/{self._pick(self.data.case_ids, n)}/")
        if kind == "api_list":
            status, body = self.api.send("GET", "/api/v1/cases/", headers=bearer, cookies=False)
            return status, "/api/v1/cases/", body
        if kind == "intake_page":
            path = "/cases/reports/quick/"
            fields = {**quick_report(n), "csrfmiddlewaretoken": self.browser.cookies["csrftoken"]}
            status, body = self.browser.send("POST", path, body=_form(fields), headers=FORM)
            return status, path, body
        if kind == "intake_api":
            path = "/api/v1/cases/reports"
            status, body = self.api.send(
                "POST",
                path,
                body=json.dumps(api_report(n)).encode(),
                headers={**bearer, "Content-Type": "application/json"},
                cookies=False,
            )
            return status, path, body
        raise ValueError(kind)

    def _get(self, path: str) -> tuple[int, str, bytes]:
        status, body = self.browser.send("GET", path)
        return status, path, body

    def close(self) -> None:
        self.browser.close()
        self.api.close()


def quick_report(n: int) -> dict:
    """A night call through the quick-intake page; unique, so that no report is a
    duplicate of another."""
    return {
        "narrative": f"Load report {n}: confined in a compound after a job offer.",
        "country": "KH",
        "city": "Sihanoukville",
        "person": f"KIM Loadtest {n}",
        "reporter_contact": f"+82 10-{n // 10_000 % 10_000:04d}-{n % 10_000:04d}",
        "categories": ["confinement"],
        "life_at_risk": "on",
        "intake_form": "quick",
    }


def api_report(n: int) -> dict:
    """A hotline system's report through the API, as `bench cases` posts them."""
    return {
        "channel": "family",
        "country": "KH",
        "province": "Preah Sihanouk",
        "city": "Sihanoukville",
        "categories": ["confinement", "employment_scam"],
        "narrative": f"Load report {n}: held in a compound after a job offer.",
        "person_name": "김민준",
        "person_name_latin": f"KIM Minjun {n}",
        "person_phone": f"+855 12 {n % 1_000_000:06d}",
        "passport_number": f"M{20_000_000 + n}",
        "life_at_risk": True,
    }


@dataclass
class Tally:
    """What the users saw: every timed request and every failure, warm-up included."""

    samples: list[Sample] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, ms: float, status: int, path: str, body: bytes, timed: bool) -> None:
        with self.lock:
            if timed:
                self.samples.append(Sample(kind, ms, status))
            if not 200 <= status < 400:
                detail = body[:200].decode(errors="replace").replace("\n", " ")
                self.failures.append(Failure(kind, status, path, detail))


def _one(officer: Officer, kind: str, tally: Tally, *, timed: bool) -> None:
    started = time.perf_counter()
    try:
        status, path, body = officer.ask(kind)
    except (OSError, http.client.HTTPException) as error:
        status, path, body = 0, kind, repr(error).encode()
    tally.add(kind, (time.perf_counter() - started) * 1000, status, path, body, timed)


def _in_threads(officers: list[Officer], work: Callable[[Officer], None]) -> list[BaseException]:
    """Runs `work` for every officer at once; the errors raised, if any."""
    raised: list[BaseException] = []

    def run(officer: Officer) -> None:
        try:
            work(officer)
        except Exception as error:  # told to the caller, which stops the run
            raised.append(error)

    threads = [threading.Thread(target=run, args=(o,), daemon=True) for o in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return raised


def sign_in_all(officers: list[Officer]) -> None:
    raised = _in_threads(officers, Officer.sign_in)
    if raised:
        raise raised[0]


def warm_up(officers: list[Officer], tally: Tally) -> None:
    """Each user asks for each kind once, untimed: every worker has loaded its templates and
    opened its database connection before the clock starts."""
    _in_threads(officers, lambda o: [_one(o, kind, tally, timed=False) for kind in KINDS])


def drive(officers: list[Officer], tally: Tally, *, seconds: float) -> float:
    """Every user goes round its requests until `seconds` have passed; the seconds the
    run took until the last answer."""
    started = time.perf_counter()
    deadline = started + seconds

    def go_round(officer: Officer) -> None:
        for step in itertools.count(officer.offset):
            if time.perf_counter() >= deadline:
                return
            _one(officer, ROUND[step % len(ROUND)], tally, timed=True)

    _in_threads(officers, go_round)
    return time.perf_counter() - started
