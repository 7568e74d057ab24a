"""The HTCDS v2 export: our values in the standard's columns and picklists, names only of
victims who consented, the attribution IOM asks for, and only for those allowed to export."""

import csv
import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from liaison.cases import htcds
from liaison.cases.choices import (
    Exploitation,
    MeansOfControl,
    Outcome,
    Platform,
    RecruitmentMethod,
    Sex,
    SuspectRole,
)
from liaison.cases.models import Case
from liaison.cases.services import people
from liaison.core.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = reverse("cases:htcds_export")


@pytest.fixture
def victim(open_case, personas):
    return people.victim_update(
        actor=personas.overseas,
        victim=open_case.victims.get(),
        data={
            "sex": Sex.MASCULINE,
            "date_of_birth": datetime.date(2001, 4, 5),
            "recruitment_methods": [RecruitmentMethod.ONLINE_ADVERTISEMENT],
            "recruitment_platforms": [Platform.TELEGRAM, Platform.KAKAOTALK, Platform.JOB_SITE],
            "means_of_control": [MeansOfControl.CONFINEMENT, MeansOfControl.WITHHOLDS_DOCUMENTS],
            "exploitation_types": [Exploitation.FORCED_CRIMINALITY],
            "consent_to_data_handling": True,
        },
    )


@pytest.fixture
def suspect(open_case, personas):
    return people.suspect_add(
        actor=personas.overseas,
        case=open_case,
        data={"name_latin": "Wang Lei", "roles": [SuspectRole.GUARD, SuspectRole.RECRUITER]},
    )


def test_a_consenting_victim_is_exported_by_name_in_htcds_columns(victim):
    row = htcds.victim_row(victim)
    assert (row["prs_FirstName"], row["prs_SecondName"]) == ("Minjun", "Kim")
    assert row["prs_Birthdate"] == "2001-04-05"
    assert row["prs_Gender"] == "Masculine"
    assert row["prs_Citizenship"] == "KR"
    assert row["vic_AgreementToManagePersonalData"] == "TRUE"
    assert row["vic_MethodOfRecruitment"] == "ThroughAnOnlineAdvertisement"
    # KakaoTalk and a job site are not in the HTCDS list of platforms: both are "Other".
    assert row["vic_RecruitmentWebsitesAndApps"] == "Telegram;Other"
    assert row["vic_MethodsOfControl"] == "Other;WithholdsDocuments"
    assert row["vic_TypeOfExploitation"] == "Other"
    assert row["cas_Status"] == "Active"


def test_a_victim_without_consent_is_anonymised(victim, personas):
    victim = people.victim_update(
        actor=personas.overseas, victim=victim, data={"consent_to_data_handling": False}
    )
    row = htcds.victim_row(victim)
    assert row["prs_FirstName"] == row["prs_SecondName"] == row["prs_Birthdate"] == ""
    assert row["vic_AgreementToManagePersonalData"] == "FALSE"
    assert row["vic_MethodsOfControl"] == "Other;WithholdsDocuments"  # facts stay
    assert "KIM" not in str(row) and "김" not in str(row)


@pytest.mark.parametrize(
    ("latin", "expected"),
    [("KIM Minjun", ("Minjun", "Kim")), ("Kim Min-jun", ("Min-jun", "Kim")),
     ("Minjun Kim", ("Minjun", "Kim")), ("Seoyeon LEE", ("Seoyeon", "Lee"))],
)  # fmt: skip
def test_names_are_split_into_given_and_family_names(latin, expected):
    from liaison.cases.models import Victim

    assert htcds.split_name(Victim(name_latin=latin, name_ko="김민준")) == expected


def test_case_status_maps_to_active_closed_and_closed_referred(open_case):
    assert htcds.case_status(open_case) == "Active"
    assert htcds.case_status(Case(status="closed", outcome=Outcome.VICTIM_SAFE)) == "Closed"
    assert htcds.case_status(Case(status="closed", outcome=Outcome.REFERRED)) == "ClosedReferred"


def test_perpetrators_carry_their_htcds_role_and_no_name(suspect):
    row = htcds.perpetrator_row(suspect)
    assert row["per_RoleInProcess"] == "ControlledIndividual;RecruiterOrIntermediary"
    assert "Guard" in row["per_RoleDetails"]
    assert "Wang" not in str(row)


def test_the_office_downloads_csv_files_with_the_attribution_and_the_export_is_audited(
    client_for, personas, victim, suspect
):
    response = client_for(personas.ico).get(
        URL, {"format": "zip", "country": "KH", "purpose": "partner_request"}
    )
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert htcds.ATTRIBUTION in archive.read("README.txt").decode()
    text = archive.read("htcds-victims.csv").decode("utf-8-sig")
    comment, *lines = text.splitlines()
    assert comment.startswith("# " + htcds.ATTRIBUTION)
    rows = list(csv.DictReader(lines))
    assert rows[0]["prs_FirstName"] == "Minjun"
    perpetrators = archive.read("htcds-perpetrators.csv").decode("utf-8-sig").splitlines()
    (perpetrator,) = csv.DictReader(perpetrators[1:])
    assert perpetrator["per_RoleInProcess"].startswith("Controlled")
    event = AuditEvent.objects.get(action="export", object_type="cases.victim")
    assert "1 victims, 1 named" in event.object_repr
    assert event.actor == personas.ico


def test_the_workbook_has_a_readme_sheet_with_the_attribution(client_for, personas, victim):
    response = client_for(personas.ico).get(URL, {"purpose": "partner_request"})
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["README", "Victims", "Perpetrators"]
    assert workbook["README"]["A1"].value == htcds.ATTRIBUTION
    assert workbook["Victims"]["A1"].value == "Liaison_CaseReference"


def test_only_those_who_may_see_names_and_export_get_the_file(client, client_for, personas):
    assert client_for(personas.overseas).get(URL).status_code == 403  # no export right
    assert client_for(personas.analyst).get(URL).status_code == 403  # no personal data
    assert client.get(URL).status_code == 302  # to the sign-in page
    assert not AuditEvent.objects.filter(action="export").exists()


def test_bad_filters_are_refused_with_a_message(client_for, personas):
    response = client_for(personas.ico).get(URL, {"reported_from": "last tuesday"})
    assert response.status_code == 400
    assert "reported_from" in response.content.decode()
