import pytest
from django.urls import reverse

from liaison.core.choices import AuditAction
from liaison.core.models import AuditEvent, Institution, User

pytestmark = pytest.mark.django_db


def test_every_role_reaches_its_home_page(client_for, personas):
    for user in vars(personas).values():
        assert client_for(user).get(reverse("home")).status_code == 200, user.role


def test_the_home_page_shows_only_the_domains_a_role_may_open(client_for, personas):
    auditor_cards = [c["key"] for c in client_for(personas.auditor).get("/").context["cards"]]
    assert auditor_cards == ["audit"]
    ico_cards = [c["key"] for c in client_for(personas.ico).get("/").context["cards"]]
    assert "partners" in ico_cards and "audit" not in ico_cards


def test_the_navigation_hides_what_a_role_cannot_open(client_for, personas):
    keys = [i["key"] for i in client_for(personas.requester).get("/").context["nav_items"]]
    assert "users" not in keys and "audit" not in keys and "partners" in keys


def test_the_administrator_creates_an_account(client_for, personas):
    response = client_for(personas.admin).post(
        reverse("core:user_create"),
        {
            "username": "newofficer",
            "full_name": "New Officer",
            "role": "overseas_officer",
            "password": "a-long-enough-secret-phrase",
            "institution": personas.ico.institution_id,
            "language": "en",
            "time_zone": "Asia/Manila",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    created = User.objects.get(username="newofficer")
    entry = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(created.pk))
    assert entry.changes["role"] == {"before": None, "after": "overseas_officer"}
    assert "password" not in entry.changes


@pytest.mark.parametrize(
    "who", ["ico", "requester", "commissioner", "overseas", "analyst", "auditor", "partner"]
)
def test_only_administrators_manage_accounts(client_for, personas, who):
    client = client_for(getattr(personas, who))
    assert client.get(reverse("core:user_list")).status_code == 403
    assert client.post(reverse("core:user_create"), {"username": "x"}).status_code == 403
    assert client.get("/api/v1/users").status_code == 403


def test_an_administrator_cannot_deactivate_themself(client_for, personas):
    from django.core.exceptions import ValidationError

    from liaison.core import services

    with pytest.raises(ValidationError):
        services.user_update(actor=personas.admin, user=personas.admin, is_active=False)


def test_the_institution_tree_lists_children_under_parents(client_for, personas, institutions):
    tree = client_for(personas.requester).get(reverse("core:institution_list")).context["tree"]
    names = [(i.code, depth) for i, depth in tree]
    assert names.index(("npa-hq", 0)) < names.index(("police-university", 1))


def test_an_institution_cannot_be_placed_under_its_own_child(personas, institutions):
    from django.core.exceptions import ValidationError

    from liaison.core import services

    with pytest.raises(ValidationError) as error:
        services.institution_update(
            actor=personas.admin, institution=institutions.hq, parent_id=institutions.ico.pk
        )
    assert "parent" in error.value.message_dict
    assert Institution.objects.get(pk=institutions.hq.pk).parent is None


def test_only_administrators_edit_institutions(client_for, personas, institutions):
    url = reverse("core:institution_edit", args=[institutions.ico.pk])
    assert client_for(personas.ico).get(url).status_code == 403
    assert client_for(personas.admin).get(url).status_code == 200


def test_switching_language_is_kept_for_the_user(client_for, personas):
    client = client_for(personas.ico)
    client.post(reverse("core:set_language"), {"language": "ko", "next": "/"})
    assert User.objects.get(pk=personas.ico.pk).language == "ko"
    page = client.get("/").content.decode()
    assert 'lang="ko"' in page and "로그아웃" in page and "Sign out" not in page


def test_english_user_sees_english(client_for, personas):
    page = client_for(personas.ico).get("/").content.decode()
    assert 'lang="en"' in page and "Partner directory" in page and "로그아웃" not in page


def test_times_are_shown_in_the_users_time_zone(client_for, personas):
    from liaison.core import audit

    event = audit.record(AuditAction.VIEW, actor=personas.auditor, obj=personas.ico)
    personas.auditor.time_zone = "Asia/Phnom_Penh"
    personas.auditor.save()
    page = (
        client_for(personas.auditor)
        .get(reverse("core:audit_detail", args=[event.pk]))
        .content.decode()
    )
    from zoneinfo import ZoneInfo

    assert event.at.astimezone(ZoneInfo("Asia/Phnom_Penh")).strftime("%Y-%m-%d %H:%M:%S") in page


def test_preferences_are_validated(client_for, personas):
    response = client_for(personas.ico).post(
        reverse("core:profile"),
        {"action": "preferences", "language": "en", "time_zone": "Mars/Olympus"},
    )
    assert response.status_code == 400
    assert "time_zone" in response.context["preferences"].errors


def test_the_api_schema_and_docs_are_served_to_signed_in_users(client_for, personas):
    client = client_for(personas.ico)
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/partners/bodies" in schema["paths"] and "/api/v1/me" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_request_ids_reach_the_audit_trail(client, personas):
    client.post(
        reverse("core:login"),
        {"username": "ico", "password": "correct-horse-battery-staple", "acknowledge": "on"},
        HTTP_X_REQUEST_ID="req-1234567890",
    )
    assert AuditEvent.objects.get(action=AuditAction.LOGIN).request_id == "req-1234567890"
