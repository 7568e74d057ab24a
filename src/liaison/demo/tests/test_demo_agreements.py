from django.core.management import call_command

from liaison.agreements.models import Agreement
from liaison.demo.agreements import load_agreement_demo_data


def test_the_demo_loads_96_agreements_once(db, personas):
    call_command("sync_countries", verbosity=0)
    first = load_agreement_demo_data()
    assert first["agreements_total"] == 96
    again = load_agreement_demo_data()
    assert again["agreements_created"] == 0
    assert Agreement.objects.count() == 96
    jtf = Agreement.objects.get(title__contains="Joint Task Force")
    assert (jtf.signatory_home, jtf.signatory_partner) == ("Yoo Jae-seong", "Sar Thet")
    ips = Agreement.objects.filter(occasion__name_en__contains="IPS")
    assert ips.count() == 9
    assert len(set(ips.values_list("status", flat=True))) >= 5
    assert Agreement.objects.filter(is_illustrative=True).count() == 96 - 11
