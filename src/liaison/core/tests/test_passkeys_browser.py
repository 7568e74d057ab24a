"""In headless Chromium with a virtual authenticator (Chrome's DevTools WebAuthn domain, a
real CTAP2 key in software): an officer adds a security key on the profile, signs in with
it instead of a code, confirms it is them with the password and the key before a
sensitive act, and removes it. An answer captured on the way is refused when sent again."""

import pytest
from playwright.sync_api import expect

from liaison.core.choices import AuditAction, Role
from liaison.core.models import AuditEvent
from liaison.core.tests.browser import password_step, screenshot, sign_in
from liaison.core.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _security_key(page) -> None:
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_an_officer_adds_a_security_key_signs_in_with_it_and_removes_it(
    browser_page, live_server, institutions
):
    page, base = browser_page, live_server.url
    assert base.startswith("http://localhost:"), "passkeys need a host name, not an address"
    UserFactory(username="key.holder", role=Role.ICO_OFFICER, institution=institutions.ico)
    _security_key(page)
    sign_in(page, base, "key.holder", PASSWORD)

    page.goto(f"{base}/profile/")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.locator("[data-passkey-status]")).to_contain_text("Give the passkey a name")
    page.fill("#passkey-name", "Desk YubiKey")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.locator("[data-passkey-list]")).to_contain_text("Desk YubiKey")
    expect(page.locator(".alert-success")).to_contain_text("Desk YubiKey")
    screenshot(page, "passkey-added")

    with page.expect_navigation():  # the submission is only asked for here
        page.locator("form[action='/logout/']").first.evaluate("form => form.submit()")
    password_step(page, base, "key.holder", PASSWORD)
    assert "/login/second-factor/" in page.url
    answers = []
    page.on(
        "request",
        lambda r: (
            answers.append(r.post_data) if r.url.endswith("/login/passkey/complete/") else None
        ),
    )
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(f"{base}/")
    signed_in = AuditEvent.objects.filter(action=AuditAction.LOGIN, actor__username="key.holder")
    assert signed_in.filter(reason="second factor: passkey Desk YubiKey").exists()

    # The same answer again: its challenge was spent, and it is refused.
    token = page.evaluate("document.cookie.match(/csrftoken=([^;]+)/)[1]")
    replayed = page.request.post(
        f"{base}/login/passkey/complete/",
        data=answers[0],
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    assert replayed.status == 400
    assert "expired" in replayed.json()["detail"]

    # Before a sensitive act: the password and the key, instead of a code.
    page.goto(f"{base}/login/again/?next=/profile/")
    page.get_by_role("button", name="Verify with a passkey").click()
    expect(page.locator("[data-passkey-status]")).to_contain_text("Enter your password first")
    page.fill("#id_password", "not the password")
    page.get_by_role("button", name="Verify with a passkey").click()
    expect(page.locator("[data-passkey-status]")).to_contain_text("password is not correct")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Verify with a passkey").click()
    page.wait_for_url(f"{base}/profile/")
    assert signed_in.filter(reason="re-authentication: passkey Desk YubiKey").exists()

    page.locator("[data-passkey-list]").get_by_role("button", name="Remove").click()
    page.wait_for_load_state("load")
    expect(page.locator(".alert-success")).to_contain_text("removed")
    expect(page.locator("[data-passkey-list]")).to_have_count(0)
    removal = AuditEvent.objects.get(reason="passkey removed", actor__username="key.holder")
    # Compared as data: PostgreSQL's jsonb keeps the keys in an order of its own.
    assert removal.changes["passkeys"] == {"before": "Desk YubiKey", "after": ""}
