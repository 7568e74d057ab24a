"""The closed forms of a case page (edit the case, the assignment, the people, tasks and
requests) come with the page as their title only; their fields are fetched when a card is
opened, with the same refusals as the action itself, and a form sent back with its errors
is shown open in place."""

import pytest
from django.urls import reverse

from liaison.cases.services import casework
from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def form_url(case, action, item=None):
    if item is None:
        return reverse("cases:action_form", args=[case.pk, action])
    return reverse("cases:item_action_form", args=[case.pk, action, item.pk])


def every_form(case):
    victim = case.victims.get()
    return [
        form_url(case, "edit"),
        form_url(case, "assign"),
        form_url(case, "victim_add"),
        form_url(case, "victim_edit", victim),
        form_url(case, "task_add"),
    ]


def card(page: str, name: str) -> str:
    """The HTML of one action's card on the page."""
    start = page.index(f'id="action-{name}"')
    return page[start : page.index("</section>", start)]


def test_the_case_page_offers_the_closed_forms_and_fetches_their_fields_when_opened(
    client_for, personas, open_case
):
    page = client_for(personas.overseas).get(reverse("cases:detail", args=[open_case.pk]))
    text = page.content.decode()
    for name in ("edit", "assign"):
        assert f'hx-get="{form_url(open_case, name)}"' in card(text, name)
        assert "data-fields-pending" in card(text, name)
    assert 'name="title"' not in text and 'name="officers"' not in text


def test_the_officer_gets_the_case_form_filled_in_and_the_view_is_recorded(
    client_for, personas, open_case
):
    response = client_for(personas.overseas).get(form_url(open_case, "edit"))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'value="Confinement in Sihanoukville"' in text
    assert f'name="version" value="{open_case.version}"' in text
    assert "<html" not in text and "<form" not in text  # the fields alone, for the card's form
    event = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="cases.case")
    assert event.actor == personas.overseas and event.object_id == str(open_case.pk)


def test_the_assignment_form_starts_from_the_current_post_and_officers(
    client_for, personas, posts, open_case
):
    casework.case_assign(
        actor=personas.overseas,
        case=open_case,
        post=posts.task_force,
        officers=[personas.overseas],
        expected_version=open_case.version,
    )
    response = client_for(personas.overseas).get(form_url(open_case, "assign"))
    form = response.context["form"]
    assert form["post"].value() == posts.task_force.pk
    assert form["officers"].value() == [personas.overseas.pk]


def test_a_persons_form_is_theirs_and_a_person_of_another_case_is_not_found(
    client_for, personas, open_case
):
    client = client_for(personas.overseas)
    victim = open_case.victims.get()
    response = client.get(form_url(open_case, "victim_edit", victim))
    assert response.status_code == 200 and "김민준" in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="cases.victim", object_id=str(victim.pk)
    ).exists()
    other = reverse("cases:item_action_form", args=[open_case.pk, "suspect_edit", 999999])
    assert client.get(other).status_code == 404
    assert client.get(form_url(open_case, "fly")).status_code == 404
    assert client.get(form_url(open_case, "victim_edit")).status_code == 404  # needs the victim


def test_an_officer_of_another_post_is_not_shown_that_the_case_exists(client_for, posts, open_case):
    client = client_for(posts.manila_officer)
    for url in every_form(open_case):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("persona", ["analyst", "commissioner", "requester", "auditor", "partner"])
def test_roles_that_do_not_work_cases_are_refused_the_forms(
    client_for, personas, open_case, persona
):
    client = client_for(getattr(personas, persona))
    for url in every_form(open_case):
        assert client.get(url).status_code == 403, url
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, open_case):
    assert client.get(form_url(open_case, "edit")).status_code == 302


def test_a_form_refused_on_the_server_comes_back_open_with_its_errors(
    client_for, personas, open_case
):
    response = client_for(personas.overseas).post(
        reverse("cases:action", args=[open_case.pk, "edit"]),
        {"title": "", "version": open_case.version},
    )
    assert response.status_code == 400
    text = response.content.decode()
    edit = card(text, "edit")
    assert "<details open" in edit and 'data-error-for="title"' in edit
    assert "hx-get" not in edit and "data-fields-pending" not in edit
    assert "data-fields-pending" in card(text, "assign")  # the others still wait to be opened


def test_the_case_page_runs_a_fixed_number_of_queries_whatever_its_forms_offer(
    client_for, personas, open_case, django_assert_max_num_queries
):
    # The session and the user, the officer's posts and assigned cases (twice: for the
    # scope and for the right to work), the case, the audit row, the victims, officers,
    # counterparts, reports and legal hold, and the session saved: no select list of the forms. And,
    # the first time only, whether any job results wait for the officer (then cached).
    # The audit row's chain head, read and moved, makes two more.
    client = client_for(personas.overseas)
    with django_assert_max_num_queries(21):
        assert client.get(reverse("cases:detail", args=[open_case.pk])).status_code == 200
