"""Every page each demo role reaches works under the Content-Security-Policy, in real
headless Chromium: the browser reports no refused script, style or connection, and no
script fails (ASVS 5.0 V3.4.3)."""

from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.urls import reverse

from liaison.agreements.models import Agreement
from liaison.cases.models import Case, Report
from liaison.core.models import User
from liaison.core.tests.browser import settle, sign_in
from liaison.core.tests.factories import PASSWORD
from liaison.demo import load_demo_data
from liaison.partners.models import PartnerBody
from liaison.personnel.models import Post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Without the home page: each sign-in lands there, under the same watch.
LISTS = [
    "cases:list",
    "cases:dashboard",
    "cases:targets",
    "cases:report_list",
    "cases:report_new",
    "cases:quick_intake",
    "cases:unprocessed",
    "agreements:list",
    "agreements:dashboard",
    "agreements:deadlines",
    "agreements:notifications",
    "partners:body_list",
    "partners:contact_list",
    "posts:post_list",
    "core:profile",
    "core:user_list",
    "core:audit_list",
    "core:job_list",
]


def _first(queryset, name: str) -> list[str]:
    record = queryset.order_by("pk").first()
    return [] if record is None else [reverse(name, args=[record.pk])]


def _pages_of(user: User) -> list[str]:
    """The lists, and the first record of each kind the person can see; records they cannot
    see answer 403 or 404, and those pages must obey the policy too. The API's docs are
    the same page for everyone: the test below renders them."""
    cases = Case.objects.visible_to(user)
    agreements = Agreement.objects.visible_to(user)
    return [
        *(reverse(name) for name in LISTS),
        *_first(cases, "cases:detail"),
        *_first(cases, "cases:summary"),
        *_first(agreements, "agreements:detail"),
        *_first(agreements, "agreements:summary"),
        *_first(PartnerBody.objects.visible_to(user), "partners:body_detail"),
        *_first(Report.objects.all(), "cases:report_detail"),
        *_first(Post.objects.all(), "posts:post_detail"),
    ]


def _watch(page, problems: list[str]) -> None:
    """Chromium reports each refusal on the console ("… violates the following Content
    Security Policy directive …") and fires securitypolicyviolation; both are collected,
    with the page's own errors (a script the policy stopped half-way)."""

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or "Permissions-Policy" in text:
            problems.append(f"{page.url}: {text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: script error {error}"))
    page.context.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )


@pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="what the browser refuses does not depend on the database: the crawl runs once",
)
def test_every_page_of_every_demo_role_runs_without_a_policy_violation(
    browser_page, live_server, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    _, logins = load_demo_data()
    page = browser_page
    problems: list[str] = []
    _watch(page, problems)
    visited = 0
    refusals_checked: set[int] = set()
    for username, login in logins.items():
        sign_in(page, live_server.url, username, login["password"])
        assert urlsplit(page.url).path == reverse("home"), (username, page.url)
        for path in _pages_of(User.objects.get(username=username)):
            response = page.goto(f"{live_server.url}{path}", wait_until="commit")
            assert response is not None and response.status < 500, (username, path)
            visited += 1
            # A refusal (403, 404) is one page for everyone, checked in full the first
            # time; the top bar around it is the person's, as on every page they open.
            if response.status in refusals_checked:
                continue
            if response.status in (403, 404):
                refusals_checked.add(response.status)
            settle(page)  # loaded, and what htmx and the scripts fetched after it too
        settle(page)  # nothing of this person's still out to renew the cookies cleared now
        page.context.clear_cookies()
    assert visited >= 8 * len(LISTS)
    assert refusals_checked == {403, 404}
    assert problems == []


def test_the_api_docs_render_from_the_products_own_files(browser_page, live_server, personas):
    page = browser_page
    problems: list[str] = []
    _watch(page, problems)
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(live_server.url) else elsewhere.append(request.url)
        ),
    )
    sign_in(page, live_server.url, "ico", PASSWORD)
    page.goto(f"{live_server.url}{reverse('api:openapi-view')}")
    # Swagger UI drew the operations it read from the schema.
    page.wait_for_selector(".swagger-ui .opblock")
    assert page.locator(".swagger-ui .opblock").count() > 10
    assert problems == []
    assert elsewhere == []
