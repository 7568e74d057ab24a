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
# Counts, in the page, the requests its scripts have made (htmx's included) whose answer has
# not yet been read whole; `settle` waits for none. A fetch counts until a copy of its
# body has arrived, an XMLHttpRequest until `loadend`, which follows htmx's swap.
REQUESTS_OUT = """(() => {
  let out = 0;
  const done = () => { out -= 1; };
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    out += 1;
    this.addEventListener("loadend", done, { once: true });
    return send.apply(this, args);
  };
  const fetch = window.fetch;
  window.fetch = function (...args) {
    out += 1;
    const answer = fetch.apply(this, args);
    answer.then((response) => response.clone().arrayBuffer()).catch(() => {}).finally(done);
    return answer;
  };
  Object.defineProperty(window, "__requestsOut", { get: () => out });
})();"""
# Resolves once the page is loaded, none of its requests is out and its main thread has
# nothing left to do (requestIdleCallback): what the scripts fetched is in the page.
SETTLED = """async () => {
  const idle = () => new Promise((resolve) => requestIdleCallback(resolve, { timeout: 1000 }));
  const deadline = performance.now() + 15000;
  while (performance.now() < deadline) {
    await idle();
    if (document.readyState === "complete" && !(window.__requestsOut > 0)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}"""


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
        context.add_init_script(REQUESTS_OUT)
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


def settle(page) -> None:
    """Waits until the page has loaded and what its scripts asked for has answered and been
    put in the page (the top bar's notification badge, a list's results, a map's atlas).
    Unlike `networkidle`, which waits for half a second of quiet, this ends when it is so."""
    page.wait_for_load_state("load")
    assert page.evaluate(SETTLED), f"{page.url}: still busy after 15 s"


def password_step(page, base_url: str, username: str, password: str) -> None:
    """The first step of signing in: the password, the system-use notice acknowledged."""
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.check("#id_acknowledge")
    with page.expect_navigation():
        page.click("form:has(#id_password) button[type=submit]")
    settle(page)


def sign_in(page, base_url: str, username: str, password: str) -> None:
    """The password with the system-use notice acknowledged, then an authenticator's code."""
    from liaison.core.tests.second_factor import fresh_code

    code = fresh_code(username)  # enrolled before the password: the second step comes next
    password_step(page, base_url, username, password)
    if "/login/second-factor/" in page.url:
        page.fill("#id_code", code)
        with page.expect_navigation():
            page.click("form:has(#id_code) button[type=submit]")
        settle(page)
