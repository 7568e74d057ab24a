import pytest
from django.core.management import call_command

from liaison.core.models import Institution, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def test_demo_data_loads_one_account_per_role_and_prints_the_logins(capsys):
    call_command("demo-data".replace("-", "_"))
    output = capsys.readouterr().out
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {
        "administrator",
        "ico_officer",
        "requester",
        "commissioner_office",
        "overseas_officer",
        "analyst",
        "auditor",
        "partner_liaison",
    }
    assert "ico.officer" in output and "auditor" in output


def test_running_demo_data_twice_loses_nothing(capsys):
    from liaison.partners.models import Contact, PartnerBody

    call_command("demo_data")
    admin = User.objects.get(username="admin")
    admin.set_password("my-own-changed-password")
    admin.save()
    counts = (
        Institution.objects.count(),
        PartnerBody.objects.count(),
        Contact.objects.count(),
        User.objects.count(),
    )
    call_command("demo_data")
    assert (
        Institution.objects.count(),
        PartnerBody.objects.count(),
        Contact.objects.count(),
        User.objects.count(),
    ) == counts
    assert User.objects.get(username="admin").check_password("my-own-changed-password")


def test_demo_records_beyond_the_reports_are_marked_illustrative():
    from liaison.partners.models import Contact, PartnerBody

    call_command("demo_data")
    assert not PartnerBody.objects.get(abbreviation="CNP").is_illustrative
    assert PartnerBody.objects.get(name_en="Myanmar Police Force").is_illustrative
    assert not Contact.objects.get(full_name="Sar Thet").is_illustrative
    assert Contact.objects.filter(is_illustrative=True).exists()


def test_demo_data_holds_the_96_agreements_and_the_nine_ips_applications():
    from liaison.agreements.models import Agreement

    call_command("demo_data")
    call_command("demo_data")
    assert Agreement.objects.count() == 96
    ips_countries = set(
        Agreement.objects.filter(occasion__isnull=False).values_list("country__code", flat=True)
    )
    assert {"FR", "NL", "VN", "PH", "KH", "MY", "LA", "KZ", "JO"} <= ips_countries


def test_every_demo_account_is_enrolled_and_its_secret_kept_for_signing_in(capsys, settings):
    import json

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from liaison.core import mfa
    from liaison.demo.directory import logins_file

    call_command("demo_data")
    output = capsys.readouterr().out
    logins = json.loads(logins_file().read_text())
    assert "liaison totp USERNAME" in output
    assert set(logins) == set(
        User.objects.filter(password__startswith="")
        .exclude(password__startswith="!")
        .values_list("username", flat=True)
    )
    for user in User.objects.filter(username__in=logins):
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        assert mfa.authenticator_secret(device) == logins[user.username]["totp_secret"]
        assert user.check_password(logins[user.username]["password"])
    call_command("totp", "admin")
    admin_device = TOTPDevice.objects.get(user__username="admin")
    assert capsys.readouterr().out.strip() == mfa.current_code(admin_device)
    # A second run keeps the secrets the authenticator apps already hold.
    call_command("demo_data")
    assert json.loads(logins_file().read_text()) == logins


def test_the_totp_command_is_refused_in_production(settings):
    from django.core.management.base import CommandError

    call_command("demo_data")
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("totp", "admin")
