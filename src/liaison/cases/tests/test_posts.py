"""Overseas posts: who may read them and who may change them, what the pages show, and
that every change is checked and audited."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison.cases.models import Case
from liaison.cases.services import intake
from liaison.cases.tests.conftest import report_data
from liaison.core.choices import AuditAction, Role
from liaison.core.models import AuditEvent
from liaison.core.tests.factories import UserFactory
from liaison.personnel import services
from liaison.personnel.models import Post, Posting, PostingRole, PostKind

pytestmark = pytest.mark.django_db

H = datetime.timedelta(hours=1)
TODAY = datetime.date.today


def new_post_form(where, **changes) -> dict:
    data = {
        "kind": PostKind.POLICE_ATTACHE,
        "name_en": "Police attaché, Embassy in Hanoi",
        "name_ko": "주베트남대사관 경찰주재관",
        "country": where.pk,
        "city": "Hanoi",
        "host_body": "",
        "time_zone": "Asia/Ho_Chi_Minh",
        "is_active": "on",
    }
    data.update(changes)
    return data


@pytest.fixture
def late_case(personas, posts, cambodia_police):
    report = intake.report_receive(
        actor=personas.overseas,
        data=report_data(
            cambodia_police.country,
            post=posts.task_force,
            received_at=timezone.now() - 3 * H,
        ),
    )
    return intake.case_open(actor=personas.overseas, reports=[report], title="Held in Bavet")


# --- reading -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["requester", "auditor", "partner", "outsider"])
def test_roles_without_case_access_are_refused_the_posts(client_for, personas, posts, who):
    client = client_for(getattr(personas, who))
    assert client.get(reverse("posts:post_list")).status_code == 403
    assert client.get(reverse("posts:post_detail", args=[posts.manila.pk])).status_code == 403


def test_an_analyst_sees_the_posts_with_their_officers_and_case_counts(
    client_for, personas, posts, late_case
):
    response = client_for(personas.analyst).get(reverse("posts:post_list"))
    assert response.status_code == 200
    rows = {p.pk: p for p in response.context["posts"]}
    task_force = rows[posts.task_force.pk]
    assert (task_force.officer_count, task_force.open_cases, task_force.overdue_cases) == (1, 1, 1)
    assert (rows[posts.manila.pk].officer_count, rows[posts.manila.pk].open_cases) == (1, 0)
    html = response.content.decode()
    assert "Korea–Cambodia Joint Task Force" in html and "Cambodian National Police" in html
    assert reverse("posts:post_create") not in html  # analysts do not manage posts
    detail = client_for(personas.analyst).get(
        reverse("posts:post_detail", args=[posts.task_force.pk])
    )
    assert late_case.reference in detail.content.decode()
    assert "Held in Bavet" not in detail.content.decode()  # a title may name someone


def test_an_overseas_officer_counts_only_the_cases_they_may_see(client_for, posts, late_case):
    response = client_for(posts.manila_officer).get(reverse("posts:post_list"))
    rows = {p.pk: p for p in response.context["posts"]}
    assert rows[posts.task_force.pk].open_cases == 0
    detail = client_for(posts.manila_officer).get(
        reverse("posts:post_detail", args=[posts.task_force.pk])
    )
    assert detail.context["case_total"] == 0 and late_case.reference not in detail.content.decode()


def test_the_post_page_shows_officers_roles_open_cases_flagged_and_local_time(
    client_for, personas, posts, late_case
):
    posts.task_force.postings.create(
        officer=UserFactory(username="former", full_name="Former Officer", role="overseas_officer"),
        role=PostingRole.HEAD,
        started_on=TODAY() - datetime.timedelta(days=900),
        ended_on=TODAY() - datetime.timedelta(days=100),
    )
    response = client_for(personas.ico).get(
        reverse("posts:post_detail", args=[posts.task_force.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Task force member" in html and "Former Officer" in html and "Head of post" in html
    current = [p for p in response.context["postings"] if p.is_current]
    assert [p.officer for p in current] == [personas.overseas]
    assert f'data-case="{late_case.pk}" class="table-danger"' in html
    assert 'data-overdue="acknowledge"' in html
    phnom_penh = timezone.localtime(response.context["local_time"], ZoneInfo("Asia/Phnom_Penh"))
    assert f"<strong data-local-clock>{phnom_penh:%H:%M}</strong>" in html
    assert "Asia/Phnom_Penh" in html


def test_an_unknown_post_is_not_found(client_for, personas):
    assert client_for(personas.ico).get("/posts/999999/").status_code == 404


# --- changing ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["overseas", "analyst", "commissioner"])
def test_only_the_office_and_administrators_change_posts(client_for, personas, posts, who):
    client = client_for(getattr(personas, who))
    post = posts.task_force
    philippines = posts.manila.country
    assert client.get(reverse("posts:post_create")).status_code == 403
    assert client.post(reverse("posts:post_create"), new_post_form(philippines)).status_code == 403
    assert (
        client.post(
            reverse("posts:post_edit", args=[post.pk]), new_post_form(philippines)
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("posts:posting_add", args=[post.pk]),
            {"officer": personas.overseas.pk, "role": "head", "started_on": "2025-01-01"},
        ).status_code
        == 403
    )
    posting = post.postings.get()
    assert (
        client.post(
            reverse("posts:posting_end", args=[post.pk, posting.pk]),
            {f"end-{posting.pk}-ended_on": TODAY().isoformat()},
        ).status_code
        == 403
    )
    assert Post.objects.count() == 2 and post.postings.get().ended_on is None


def test_the_office_opens_a_post_and_it_is_audited(client_for, personas, cambodia_police):
    response = client_for(personas.ico).post(
        reverse("posts:post_create"), new_post_form(cambodia_police.country)
    )
    post = Post.objects.get(name_en="Police attaché, Embassy in Hanoi")
    assert response.status_code == 302 and response.url == f"/posts/{post.pk}/"
    entry = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="personnel.post")
    assert entry.actor == personas.ico
    assert entry.changes["time_zone"] == {"before": None, "after": "Asia/Ho_Chi_Minh"}


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"time_zone": "Asia/Atlantis"}, "time_zone"),
        ({"time_zone": ""}, "time_zone"),
        ({"kind": "embassy_party"}, "kind"),
        ({"name_en": ""}, "name_en"),
        ({"country": "ZZ"}, "country"),
        ({"name_en": "Korean Desk, Philippine National Police"}, "name_en"),
    ],
)
def test_a_bad_post_is_refused_with_the_field_named(
    client_for, personas, posts, cambodia_police, changes, field
):
    response = client_for(personas.ico).post(
        reverse("posts:post_create"), new_post_form(cambodia_police.country, **changes)
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert Post.objects.count() == 2


def test_the_service_refuses_an_unknown_time_zone_whoever_calls_it(personas, cambodia_police):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.post_create(
            actor=personas.ico,
            data={
                "kind": PostKind.KOREAN_DESK,
                "name_en": "Desk",
                "country": cambodia_police.country,
                "time_zone": "Mars/Olympus",
            },
        )
    assert "time_zone" in refused.value.message_dict
    assert not Post.objects.exists()


def test_editing_a_post_records_only_what_changed(client_for, personas, posts):
    post = posts.manila
    data = {
        "kind": post.kind,
        "name_en": post.name_en,
        "name_ko": "",
        "country": post.country_id,
        "city": "Quezon City",
        "host_body": post.host_body_id,
        "time_zone": post.time_zone,
        "is_active": "on",
    }
    response = client_for(personas.admin).post(reverse("posts:post_edit", args=[post.pk]), data)
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.city == "Quezon City"
    entry = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="personnel.post")
    assert entry.changes == {"city": {"before": "Manila", "after": "Quezon City"}}


def test_the_office_posts_an_officer_and_ends_the_posting(client_for, personas, posts):
    client = client_for(personas.ico)
    officer = UserFactory(
        username="newdesk", full_name="New Desk Officer", role=Role.OVERSEAS_OFFICER
    )
    start = TODAY() - datetime.timedelta(days=10)
    response = client.post(
        reverse("posts:posting_add", args=[posts.manila.pk]),
        {"officer": officer.pk, "role": PostingRole.DESK_OFFICER, "started_on": start.isoformat()},
    )
    assert response.status_code == 302
    posting = Posting.objects.get(officer=officer)
    assert posting.post == posts.manila and posting.ended_on is None
    assert posts.manila in Post.objects.of_officer(officer)
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="personnel.posting", object_id=str(posting.pk)
    ).exists()

    response = client.post(
        reverse("posts:posting_end", args=[posts.manila.pk, posting.pk]),
        {f"end-{posting.pk}-ended_on": (TODAY() - datetime.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 302
    posting.refresh_from_db()
    assert posting.ended_on == TODAY() - datetime.timedelta(days=1)
    assert posts.manila not in Post.objects.of_officer(officer)
    entry = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="personnel.posting")
    assert list(entry.changes) == ["ended_on"]


@pytest.mark.parametrize("role", [Role.ANALYST, Role.REQUESTER, Role.PARTNER_LIAISON])
def test_only_overseas_officers_and_office_staff_can_be_posted(personas, posts, role):
    from django.core.exceptions import ValidationError

    someone = UserFactory(username=f"someone-{role}", role=role)
    with pytest.raises(ValidationError) as refused:
        services.posting_add(
            actor=personas.ico,
            post=posts.manila,
            officer=someone,
            role=PostingRole.DESK_OFFICER,
            started_on=TODAY(),
        )
    assert "officer" in refused.value.message_dict
    assert not Posting.objects.filter(officer=someone).exists()


def test_a_posting_that_ends_before_it_starts_is_refused(client_for, personas, posts):
    officer = UserFactory(username="backwards", role=Role.ICO_OFFICER)
    response = client_for(personas.ico).post(
        reverse("posts:posting_add", args=[posts.manila.pk]),
        {
            "officer": officer.pk,
            "role": PostingRole.LIAISON_OFFICER,
            "started_on": "2025-05-10",
            "ended_on": "2025-05-01",
        },
    )
    assert response.status_code == 400
    assert "cannot end before it starts" in response.content.decode()
    assert not Posting.objects.filter(officer=officer).exists()


def test_ending_a_posting_before_its_start_or_twice_is_refused(client_for, personas, posts):
    client = client_for(personas.ico)
    posting = posts.task_force.postings.get()
    url = reverse("posts:posting_end", args=[posts.task_force.pk, posting.pk])
    too_early = posting.started_on - datetime.timedelta(days=1)
    response = client.post(url, {f"end-{posting.pk}-ended_on": too_early.isoformat()})
    assert response.status_code == 400
    assert 'data-error-for="ended_on"' in response.content.decode()
    assert client.post(url, {f"end-{posting.pk}-ended_on": TODAY().isoformat()}).status_code == 302
    again = client.post(url, {f"end-{posting.pk}-ended_on": TODAY().isoformat()})
    assert again.status_code == 400 and "already ended" in again.content.decode()


def test_an_officer_cannot_be_posted_twice_to_the_same_post_at_once(personas, posts):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.posting_add(
            actor=personas.ico,
            post=posts.task_force,
            officer=personas.overseas,
            role=PostingRole.HEAD,
            started_on=TODAY(),
        )
    assert "started_on" in refused.value.message_dict


def test_a_bad_posting_form_answers_400_not_500(client_for, personas, posts):
    client = client_for(personas.ico)
    for data in ({}, {"officer": "x", "role": "king", "started_on": "yesterday"}):
        response = client.post(reverse("posts:posting_add", args=[posts.manila.pk]), data)
        assert response.status_code == 400
    wrong_post = reverse(
        "posts:posting_end", args=[posts.manila.pk, posts.task_force.postings.get().pk]
    )
    assert client.post(wrong_post, {}).status_code == 404


def test_case_counts_exclude_closed_cases(client_for, personas, posts, late_case):
    Case.objects.filter(pk=late_case.pk).update(status="closed", outcome="no_crime")
    response = client_for(personas.ico).get(reverse("posts:post_list"))
    rows = {p.pk: p for p in response.context["posts"]}
    assert rows[posts.task_force.pk].open_cases == 0


def test_an_officer_whose_posting_ended_no_longer_serves_there_while_colleagues_do(
    personas, posts, late_case
):
    colleague = UserFactory(username="colleague", role=Role.OVERSEAS_OFFICER)
    posts.task_force.postings.create(
        officer=colleague, role=PostingRole.HEAD, started_on=TODAY() - datetime.timedelta(days=5)
    )
    services.posting_end(
        actor=personas.ico,
        posting=posts.task_force.postings.get(officer=personas.overseas),
        ended_on=TODAY() - datetime.timedelta(days=1),
    )
    assert list(Post.objects.of_officer(personas.overseas)) == []
    assert list(posts.task_force.current_officers()) == [colleague]
    assert not Case.objects.visible_to(personas.overseas).filter(pk=late_case.pk).exists()
    assert Case.objects.visible_to(colleague).filter(pk=late_case.pk).exists()
