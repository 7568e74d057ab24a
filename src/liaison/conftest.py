"""Personas shared by every test: one signed-in user per role, and an outsider."""

from types import SimpleNamespace

import pytest

from liaison.core.choices import InstitutionKind, Role
from liaison.core.tests.factories import (
    CountryFactory,
    InstitutionFactory,
    PartnerBodyFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings):
    # The manifest is written by collectstatic at install; tests read the source files.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _messages_in_english():
    # Tests read messages in English; the product's default language is Korean. Requests
    # still switch to the user's language, as the language tests show.
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings, request):
    # Argon2 is the product's hasher (tested in core/tests/test_auth.py); the rest of the
    # suite hashes faster so that creating personas does not dominate its run time.
    if "argon2" not in request.keywords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _sign_ins_not_rate_limited(settings):
    """Tests sign several people in from one address within a minute; the tests of the
    rate limit set the rate they are about."""
    settings.LIAISON_LOGIN_RATE = "10000/m"


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache is shared (files per test worker, or Redis): each test starts with none of
    what an earlier test kept there."""
    from django.core.cache import cache

    cache.clear()


def build_institutions() -> SimpleNamespace:
    hq = InstitutionFactory(
        code="npa-hq",
        name_en="National Police Agency",
        name_ko="경찰청",
        kind=InstitutionKind.HEADQUARTERS,
    )
    ico = InstitutionFactory(
        code="npa-ico",
        name_en="International Cooperation Office",
        name_ko="국제협력관",
        kind=InstitutionKind.OFFICE,
        parent=hq,
    )
    university = InstitutionFactory(
        code="police-university",
        name_en="Korean National Police University",
        name_ko="경찰대학",
        kind=InstitutionKind.EDUCATION,
        parent=hq,
    )
    seoul = InstitutionFactory(
        code="seoul-mpa",
        name_en="Seoul Metropolitan Police Agency",
        name_ko="서울경찰청",
        kind=InstitutionKind.REGIONAL_AGENCY,
        parent=hq,
    )
    return SimpleNamespace(hq=hq, ico=ico, university=university, seoul=seoul)


def build_cambodia_police():
    return PartnerBodyFactory(
        name_en="Cambodian National Police",
        name_ko="캄보디아 국가경찰",
        abbreviation="CNP",
        country=CountryFactory(),
    )


def build_personas(institutions, cambodia_police) -> SimpleNamespace:
    """admin, ico (ICO officer), requester (Police University), commissioner, overseas
    (officer in Cambodia), analyst, auditor, partner (CNP liaison) and outsider (a requester
    at the Seoul agency)."""
    i = institutions
    return SimpleNamespace(
        admin=UserFactory(username="admin", role=Role.ADMINISTRATOR, institution=i.hq),
        ico=UserFactory(username="ico", role=Role.ICO_OFFICER, institution=i.ico),
        requester=UserFactory(username="requester", role=Role.REQUESTER, institution=i.university),
        commissioner=UserFactory(
            username="commissioner", role=Role.COMMISSIONER_OFFICE, institution=i.hq
        ),
        overseas=UserFactory(
            username="overseas",
            role=Role.OVERSEAS_OFFICER,
            institution=i.ico,
            time_zone="Asia/Phnom_Penh",
        ),
        analyst=UserFactory(username="analyst", role=Role.ANALYST, institution=i.ico),
        auditor=UserFactory(username="auditor", role=Role.AUDITOR, institution=None),
        partner=UserFactory(
            username="partner",
            role=Role.PARTNER_LIAISON,
            institution=None,
            partner_body=cambodia_police,
        ),
        outsider=UserFactory(username="outsider", role=Role.REQUESTER, institution=i.seoul),
    )


# The builders above as fixtures; a module that shares one set of records among its tests
# (test_url_permissions.py) calls the builders itself.
@pytest.fixture
def institutions(db):
    return build_institutions()


@pytest.fixture
def cambodia_police(db):
    return build_cambodia_police()


@pytest.fixture
def personas(institutions, cambodia_police):
    return build_personas(institutions, cambodia_police)


@pytest.fixture
def client():
    """An anonymous browser that asks for English (the product's default is Korean)."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def client_for():
    """`client_for(user)`: a test client signed in as that user, second factor included."""
    from django.test import Client

    from liaison.core.tests.second_factor import verify_session

    def make(user):
        c = Client(HTTP_ACCEPT_LANGUAGE="en")
        c.force_login(user)
        verify_session(c, user)
        return c

    return make


from liaison.core.tests.browser import browser_page  # noqa: E402, F401 — the browser fixture
from liaison.core.tests.queue import queue  # noqa: E402, F401 — the real queue, worked off here
