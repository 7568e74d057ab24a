"""Headless Chromium for end-to-end tests: Debian's chromium driven by Playwright
(never a browser downloaded by Playwright)."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("LIAISON_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page(live_server, settings):
    from django.db import connections
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run the README's test command, which installs it")
    # Playwright's sync API runs an event loop in this thread; the live server's database
    # work happens in its own thread, so Django's async guard does not apply here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="en-US")
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        # While Playwright's event loop runs, Django keeps this thread's connections apart
        # (asgiref's Local follows the loop's context): one the test opened would outlive
        # it, and PostgreSQL would then refuse to drop the test database.
        connections.close_all()
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def screenshot(page, name: str) -> Path:
    folder = Path(os.environ.get("LIAISON_VAR_DIR", "var")) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.evaluate("document.fonts.ready")  # web fonts load lazily, by unicode range
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, base_url: str, username: str, password: str) -> None:
    """The password with the system-use notice acknowledged, then an authenticator's code."""
    from liaison.core.tests.second_factor import fresh_code

    code = fresh_code(username)  # enrolled before the password: the second step comes next
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.check("#id_acknowledge")
    page.click("button[type=submit]:has-text('Sign in'), button[type=submit]:has-text('로그인')")
    page.wait_for_load_state("networkidle")
    if "/login/second-factor/" in page.url:
        page.fill("#id_code", code)
        page.click("form:has(#id_code) button[type=submit]")
        page.wait_for_load_state("networkidle")
