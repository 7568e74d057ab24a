"""Every URL of the product refuses an anonymous request unless it is on the allow-list:
a page added later cannot be open by accident."""

import pytest

from liaison.core.tests.url_registry import url_patterns

pytestmark = pytest.mark.django_db

# The probes of the load balancer, the metrics (which ask for their own token) and the
# browsers' reports of the Content-Security-Policy.
ANONYMOUS_ALLOWED = {
    "login/",
    "language/",
    "healthz",
    "healthz/live",
    "healthz/ready",
    "metrics",
    "csp-report/",
}


def _concrete(route: str) -> str:
    import re

    route = route.lstrip("^").rstrip("$")
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(
        r"<(?:str:|slug:|uuid:|path:)?[^>]+>", "00000000-0000-0000-0000-000000000001", route
    )
    return "/" + route


ROUTES = sorted(set(url_patterns()))


def test_the_walk_covers_the_api_and_the_pages():
    assert "api/v1/openapi.json" in ROUTES and "partners/" in ROUTES and len(ROUTES) > 25


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_requests_are_refused(client, route):
    if route in ANONYMOUS_ALLOWED:
        pytest.skip("on the allow-list")
    url = _concrete(route)
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if route.startswith("api/"):
            assert response.status_code == 401, (method, url, response.status_code)
        else:
            assert response.status_code == 302, (method, url, response.status_code)
            assert response.url.startswith("/login/"), (method, url, response.url)


@pytest.mark.parametrize("route", sorted(ANONYMOUS_ALLOWED))
def test_the_allow_list_exists(route):
    assert route in ROUTES
