"""Every export of personal data asks for the password and the second factor again when the
last proof is older than LIAISON_REAUTH_SECONDS (issue 14; ASVS 5.0 V7.5.3), and then
exports; a list with no person in it exports at once. The lists are named here, each with
a persona who may export it, so that a new export of people is added to the first list."""

import time

import pytest
from django.urls import reverse
from django.utils.http import urlencode

from liaison.core import jobs, mfa
from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent, Job
from liaison.core.tests.factories import PASSWORD
from liaison.core.tests.second_factor import authenticator_for

pytestmark = pytest.mark.django_db

AGAIN = reverse("core:reauthenticate")

# (URL name, query, who exports it): officers' accounts, the audit trail (who did what,
# from which address), foreign officers' contacts, cases and reports (victims, suspects),
# the HTCDS exchange (victims and perpetrators). Those of cases also state their purpose.
PERSONAL_EXPORTS = [
    ("core:user_list", "export=csv", "admin"),
    ("core:audit_list", "export=csv", "auditor"),
    ("partners:contact_list", "export=csv", "ico"),
    ("cases:list", "export=csv&purpose=investigation", "ico"),
    ("cases:report_list", "export=csv&purpose=investigation", "ico"),
    ("cases:htcds_export", "format=xlsx&purpose=investigation", "ico"),
]
# Bodies and agreements name institutions, not people.
OTHER_EXPORTS = [
    ("partners:body_list", "export=csv", "ico"),
    ("agreements:list", "export=csv", "ico"),
]


def stale(client, settings) -> None:
    """The session proved its factors longer ago than the re-authentication window."""
    session = client.session
    session[mfa.VERIFIED_AT_SESSION_KEY] = int(time.time()) - settings.LIAISON_REAUTH_SECONDS - 1
    session.save()


def reauthenticate(client, user, back: str):
    code = mfa.current_code(authenticator_for(user))
    response = client.post(
        f"{AGAIN}?{urlencode({'next': back})}", {"password": PASSWORD, "code": code}
    )
    assert response.status_code == 302 and response.url == back
    return response


@pytest.mark.parametrize(("name", "query", "who"), PERSONAL_EXPORTS)
def test_an_export_of_personal_data_asks_for_a_new_sign_in_then_exports(
    client_for, personas, settings, name, query, who
):
    user = getattr(personas, who)
    client = client_for(user)
    stale(client, settings)
    url = f"{reverse(name)}?{query}"
    refused = client.get(url)
    assert refused.status_code == 302
    assert refused.url.startswith(f"{AGAIN}?next=")
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    reauthenticate(client, user, url)
    done = client.get(url)
    assert done.status_code == 200, done.content.decode()[:500]
    assert done["Content-Disposition"].startswith("attachment;")
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=user).count() == 1


@pytest.mark.parametrize(("name", "query", "who"), OTHER_EXPORTS)
def test_an_export_without_people_needs_no_new_sign_in(
    client_for, personas, settings, name, query, who
):
    client = client_for(getattr(personas, who))
    stale(client, settings)
    assert client.get(f"{reverse(name)}?{query}").status_code == 200


def test_a_large_export_of_accounts_is_made_by_a_job_after_the_new_sign_in(
    client_for, personas, settings, queue, django_capture_on_commit_callbacks
):
    """The job renders the list again as its requester, without the browser's session:
    the proof was asked for before the job was queued."""
    settings.LIAISON_EXPORT_INLINE_ROWS = 1
    client = client_for(personas.admin)
    url = f"{reverse('core:user_list')}?export=csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url)
    job = Job.objects.get(kind="core.export")
    assert response.status_code == 302
    assert response.url == reverse("core:job_detail", kwargs={"pk": job.pk})
    queue.run_pending()
    job.refresh_from_db()
    assert job.state == "done", job.error
    with jobs.open_file(job) as stored:
        assert b"requester@police.example" in stored.read()
