"""The database router: without a replica every query goes where it went before (the
router answers None); with one, only reads inside a replica scope go to it, and never for
a browser that wrote within the pin window, a request that has written, or a read inside
a transaction. The replica itself at work, lagging, is in test_replica_cluster.py."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.db import router
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from liaison.cases.models import Case
from liaison.core import routing
from liaison.core.middleware import ReplicaPinMiddleware
from liaison.core.models import User
from liaison.settings import db_pool_options

# The tests with a replica name one in DATABASES, which Django warns may surprise.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
ROUTER = routing.PrimaryReplicaRouter()


def read_in_scope(model=Case) -> str | None:
    return routing.read_on_replica(lambda: ROUTER.db_for_read(model))


# --- without a replica: everything as before ---


def test_without_a_replica_reads_and_writes_are_django_s_own_choice():
    assert "replica" not in django_settings.DATABASES
    assert ROUTER.db_for_read(Case) is None
    assert read_in_scope() is None
    assert routing.read_on_replica(lambda: router.db_for_read(Case)) == "default"
    assert ROUTER.db_for_write(Case) is None
    assert router.db_for_write(Case) == "default"


def test_migrations_run_on_the_primary_and_never_on_the_replica():
    assert ROUTER.allow_migrate("default", "cases") is None
    assert router.allow_migrate("default", "cases") is True
    assert ROUTER.allow_migrate("replica", "cases") is False
    assert router.allow_migrate("replica", "cases") is False


def test_without_a_replica_a_write_sets_no_pin_cookie(client_for, personas):
    response = client_for(personas.ico).post(
        reverse("cases:filter_save"), {"name": "Cambodia", "query": "country=KH"}
    )
    assert response.status_code == 302
    assert ReplicaPinMiddleware.COOKIE not in response.cookies


def test_without_a_replica_the_dashboard_reads_as_before(client_for, personas):
    response = client_for(personas.analyst).get(reverse("cases:dashboard"))
    assert response.status_code == 200


# --- with a replica configured (no query is made: the router's answers only) ---


@pytest.fixture
def replica(settings):
    # The alias is only named: these tests ask the router and never query the replica.
    settings.DATABASES = {**settings.DATABASES, "replica": {"ENGINE": "unused"}}


def test_reads_outside_a_replica_scope_stay_on_the_primary(replica):
    assert ROUTER.db_for_read(Case) is None


def test_reads_in_a_replica_scope_go_to_the_replica(replica):
    assert read_in_scope() == "replica"
    assert routing.read_on_replica(lambda: router.db_for_read(Case)) == "replica"


def test_a_pinned_request_reads_the_primary_in_a_replica_scope(replica):
    with routing.request_reads(pinned=True):
        assert read_in_scope() is None


def test_after_its_first_write_a_request_reads_the_primary(replica):
    with routing.request_reads(pinned=False) as reads:
        assert read_in_scope() == "replica"
        assert ROUTER.db_for_write(Case) is None  # the write itself: Django's choice
        assert reads.wrote
        assert read_in_scope() is None


def test_writing_the_session_is_not_a_write_that_pins(replica):
    with routing.request_reads(pinned=False) as reads:
        ROUTER.db_for_write(Session)
        assert not reads.wrote
        assert read_in_scope() == "replica"


def test_a_read_inside_a_transaction_reads_the_primary(replica, db):
    # The test runs inside a transaction (pytest-django's): what it wrote is not on the
    # replica yet.
    assert read_in_scope() is None


def test_a_record_read_from_the_replica_is_saved_to_the_primary(replica):
    case = Case()
    case._state.db = "replica"
    assert ROUTER.db_for_write(Case, instance=case) == "default"
    assert router.db_for_write(Case, instance=case) == "default"
    user = User()
    user._state.db = "default"
    assert ROUTER.allow_relation(case, user) is True


def test_a_record_of_another_database_is_read_there(replica):
    case = Case()
    case._state.db = "bench"
    assert routing.read_on_replica(lambda: ROUTER.db_for_read(Case, instance=case)) is None


# --- the pin: a signed cookie for LIAISON_REPLICA_PIN_SECONDS after a write ---


def _through_middleware(request, *, write=None):
    """The request through ReplicaPinMiddleware to a page that reads in a replica scope
    (after writing `write`, when given); returns the response and where the page read."""
    seen = {}

    def page(request):
        if write is not None:
            ROUTER.db_for_write(write)
        seen["read"] = read_in_scope()
        return HttpResponse("ok")

    response = ReplicaPinMiddleware(page)(request)
    return response, seen["read"]


def _pin_cookie():
    response, _ = _through_middleware(RequestFactory().post("/cases/filters/"))
    return response.cookies[ReplicaPinMiddleware.COOKIE]


def test_a_post_pins_the_browser_for_the_pin_window(replica, settings):
    cookie = _pin_cookie()
    assert cookie["max-age"] == settings.LIAISON_REPLICA_PIN_SECONDS == 5
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_a_pinned_browser_reads_the_primary_until_the_window_passes(
    replica, settings, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
    cookie = _pin_cookie()
    factory = RequestFactory()
    factory.cookies[ReplicaPinMiddleware.COOKIE] = cookie.value
    time_machine.shift(datetime.timedelta(seconds=4))
    assert _through_middleware(factory.get("/cases/dashboard/"))[1] is None
    time_machine.shift(datetime.timedelta(seconds=2))
    assert _through_middleware(factory.get("/cases/dashboard/"))[1] == "replica"


def test_a_cookie_we_did_not_sign_pins_nothing(replica):
    factory = RequestFactory()
    factory.cookies[ReplicaPinMiddleware.COOKIE] = "1"
    assert _through_middleware(factory.get("/cases/dashboard/"))[1] == "replica"


def test_a_get_that_wrote_pins_the_browser_and_one_that_kept_the_session_alive_does_not(
    replica,
):
    wrote, _ = _through_middleware(RequestFactory().get("/cases/?export=csv"), write=Case)
    assert ReplicaPinMiddleware.COOKIE in wrote.cookies
    kept, read = _through_middleware(RequestFactory().get("/cases/dashboard/"), write=Session)
    assert ReplicaPinMiddleware.COOKIE not in kept.cookies
    assert read == "replica"


# --- the connection pool's setting ---


@pytest.mark.parametrize(
    ("value", "sizes"),
    [(None, None), ("0", None), ("off", None), ("1", (2, 10)), ("on", (2, 10)), ("2:4", (2, 4))],
)
def test_the_pool_setting_reads_on_off_and_min_max(value, sizes):
    options = db_pool_options(value)
    assert (None if options is None else (options["min_size"], options["max_size"])) == sizes


@pytest.mark.parametrize("value", ["lots", "4:2", "1:2:3", "0:0"])
def test_a_pool_setting_that_means_nothing_is_refused_with_the_forms_it_takes(value):
    with pytest.raises(ImproperlyConfigured, match="LIAISON_DB_POOL"):
        db_pool_options(value)
