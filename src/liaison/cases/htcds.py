"""Export to the IOM Human Trafficking Case Data Standard (HTCDS v2), so that another
organisation reads our victims and perpetrators without a mapping of its own.

Victims who agreed to the handling of their personal data are exported with their names
and date of birth; everyone else is anonymised (no name, no date of birth, no contact).
Suspects are exported by role, sex and citizenship only: the standard needs no more to
count and compare, and a name shared abroad cannot be called back.

Our choice codes are the HTCDS value names where HTCDS has the value; the values it lacks
(forced criminality in a scam compound, KakaoTalk, a guard…) become "Other", with our own
wording kept in the *Details columns."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from . import names
from .choices import CaseStatus, Outcome, SuspectRole, VictimStatus
from .models import Case, Suspect, Victim

ATTRIBUTION = "Human Trafficking Case Data Standard (HTCDS) by IOM"
LICENCE = (
    f"Column names and values follow the {ATTRIBUTION}, version 2.0, licensed CC BY 4.0. "
    "IOM does not endorse this product. Liaison_* columns are ours: they link a victim to "
    "the perpetrators of the same case."
)

# The HTCDS v2 picklists (standards/htcds_fields_v2.csv), for the fields we export.
PICKLISTS = {
    "vic_MethodOfRecruitment": {
        "AtAPlaceOfBusiness", "AtAnEducationalInstitution", "AtWork",
        "ThroughOnlineSocialNetworks", "ThroughAnOnlineAdvertisement",
        "ThroughATelevisionAdvert", "ThroughANewspaperAdvert", "ThroughFamilyOrFamilyEvents",
        "ThroughFriendsOrSocialEvents", "Other",
    },
    "vic_RecruitmentWebsitesAndApps": {
        "Facebook", "Instagram", "WhatsApp", "Telegram", "FacebookMessenger", "Viber",
        "SnapChat", "Line", "4Sale", "WeChat", "QQ", "QZone", "TikTok", "Twitter", "Other",
    },
    "vic_MethodsOfControl": {
        "PhysicalThreats", "ThreatsLawEnforcement", "ThreatensChildrenFamily", "DebtBondage",
        "FalsePromises", "PhysicalAbuse", "SexualAbuse", "TakesEarnings",
        "RestrictsFinancialAccess", "RestrictsMedicalCare", "WithholdsNecessities",
        "PsychologicalAbuse", "PsychoactiveSubstance", "ExcessiveWorkingHours",
        "WithholdsDocuments", "Other",
    },
    "vic_TypeOfExploitation": {
        "ForcedLabour", "SexualExploitation", "ChildLabour", "ForcedMarriage", "Servitude",
        "ForcedMilitaryByNonStateActors", "OrganRemoval", "ForcedBegging", "ForcedAdoption",
        "Surrogacy", "Other",
    },
    "per_RoleInProcess": {
        "TravellingPartner", "Transporter", "RecruiterOrIntermediary", "BrokerTravelAgent",
        "TransferredIndividual", "HarbouredIndividual", "SoldIndividual", "BoughtIndividual",
        "ReceivedIndividual", "ControlledIndividual", "Smuggler", "Abuser", "Kidnapper",
        "Exploiter", "Other",
    },
}  # fmt: skip
# Our roles that HTCDS names otherwise.
ROLE_AS = {
    SuspectRole.GUARD: "ControlledIndividual",
    SuspectRole.MANAGER: "ControlledIndividual",
    SuspectRole.PERPETRATOR: "Abuser",
}

VICTIM_COLUMNS = [
    "Liaison_CaseReference",
    "Liaison_PersonId",
    "prs_FirstName",
    "prs_SecondName",
    "prs_Birthdate",
    "prs_Gender",
    "prs_Deceased",
    "prs_Citizenship",
    "vic_AgreementToManagePersonalData",
    "vic_MethodOfRecruitment",
    "vic_RecruitmentWebsitesAndApps",
    "vic_MethodsOfControl",
    "vic_TypeOfExploitation",
    "cas_Status",
]
PERPETRATOR_COLUMNS = [
    "Liaison_CaseReference",
    "Liaison_PersonId",
    "prs_Gender",
    "prs_Citizenship",
    "per_RoleInProcess",
    "per_RoleDetails",
    "cas_Status",
]


def case_status(case: Case) -> str:
    """cas_Status: Active while we work the case; Closed, or ClosedReferred when it went
    to another agency."""
    if case.status != CaseStatus.CLOSED:
        return "Active"
    return "ClosedReferred" if case.outcome == Outcome.REFERRED else "Closed"


def picklist(field: str, values: Iterable[str], mapping: dict | None = None) -> str:
    """Values joined with ";" as HTCDS multi-select fields are; unknown ones become Other."""
    allowed = PICKLISTS[field]
    out: list[str] = []
    for value in values or []:
        value = (mapping or {}).get(value, value)
        value = value if value in allowed else "Other"
        if value not in out:
            out.append(value)
    return ";".join(out)


def split_name(victim: Victim) -> tuple[str, str]:
    """(given names, family name), in Latin script when there is one: "KIM Minjun",
    "Kim Min-jun" and "Minjun Kim" all give Kim as the family name."""
    tokens = victim.name_latin.split()
    if len(tokens) >= 2:
        first, last = tokens[0], tokens[-1]
        if first.isupper():
            family_last = False
        elif last.isupper():
            family_last = True
        else:  # "Minjun Kim": the surname is the token that is one
            family_last = _is_surname(last) and not _is_surname(first)
        if family_last:
            return " ".join(tokens[:-1]), last.capitalize()
        return " ".join(tokens[1:]), first.capitalize()
    if len(victim.name_ko) > 1 and " " not in victim.name_ko:
        return victim.name_ko[1:], victim.name_ko[0]  # a Korean name: surname first
    return victim.name_latin or victim.name_ko, ""


def _is_surname(token: str) -> bool:
    return names.query_key(token) in _SURNAME_KEYS


_SURNAMES = "Kim Lee Yi Park Pak Choi Jung Jeong Kang Cho Jo Yoon Jang Lim Han Oh Seo Shin Kwon \
Hwang Ahn Song Ryu Yoo Hong Jeon Go Moon Yang Son Bae Baek Heo Nam Noh"
_SURNAME_KEYS = {names.query_key(s) for s in _SURNAMES.split()}


def victim_row(victim: Victim) -> dict[str, str]:
    consented = victim.consent_to_data_handling
    given, family = split_name(victim) if consented else ("", "")
    return {
        "Liaison_CaseReference": victim.case.reference,
        "Liaison_PersonId": f"V{victim.pk}",
        "prs_FirstName": given,
        "prs_SecondName": family,
        "prs_Birthdate": victim.date_of_birth.isoformat()
        if consented and victim.date_of_birth
        else "",
        "prs_Gender": victim.sex or "NonSpecifiedUnknown",
        "prs_Deceased": "TRUE" if victim.status == VictimStatus.DECEASED else "FALSE",
        "prs_Citizenship": settings.LIAISON_HOME_COUNTRY,
        "vic_AgreementToManagePersonalData": "TRUE" if consented else "FALSE",
        "vic_MethodOfRecruitment": picklist("vic_MethodOfRecruitment", victim.recruitment_methods),
        "vic_RecruitmentWebsitesAndApps": picklist(
            "vic_RecruitmentWebsitesAndApps", victim.recruitment_platforms
        ),
        "vic_MethodsOfControl": picklist("vic_MethodsOfControl", victim.means_of_control),
        "vic_TypeOfExploitation": picklist("vic_TypeOfExploitation", victim.exploitation_types),
        "cas_Status": case_status(victim.case),
    }


def perpetrator_row(suspect: Suspect) -> dict[str, str]:
    return {
        "Liaison_CaseReference": suspect.case.reference,
        "Liaison_PersonId": f"S{suspect.pk}",
        "prs_Gender": suspect.sex or "NonSpecifiedUnknown",
        "prs_Citizenship": suspect.nationality_id or "",
        "per_RoleInProcess": picklist("per_RoleInProcess", suspect.roles, ROLE_AS),
        "per_RoleDetails": "; ".join(
            str(SuspectRole(r).label) if r in SuspectRole.values else r for r in suspect.roles
        ),
        "cas_Status": case_status(suspect.case),
    }


@dataclass
class Export:
    victims: list[dict[str, str]]
    perpetrators: list[dict[str, str]]

    @property
    def named(self) -> int:
        return sum(1 for v in self.victims if v["vic_AgreementToManagePersonalData"] == "TRUE")


def build(cases) -> Export:
    """The victims and perpetrators of `cases` (a queryset the caller has scoped)."""
    victims = Victim.objects.filter(case__in=cases).select_related("case").order_by("case", "pk")
    suspects = Suspect.objects.filter(case__in=cases).select_related("case").order_by("case", "pk")
    return Export(
        victims=[victim_row(v) for v in victims.iterator(chunk_size=2000)],
        perpetrators=[perpetrator_row(s) for s in suspects.iterator(chunk_size=2000)],
    )


def _csv(columns: list[str], rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # spreadsheet programs then read Hangul as UTF-8
    buffer.write(f"# {ATTRIBUTION}. {LICENCE}\n")
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(_safe(row) for row in rows)
    return buffer.getvalue()


def _safe(row: dict[str, str]) -> dict[str, str]:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return {k: ("'" + v if v[:1] in ("=", "+", "-", "@") else v) for k, v in row.items()}


def as_zip(export: Export) -> bytes:
    """Two CSV files (victims, perpetrators) and a README with the attribution."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", f"{ATTRIBUTION}\n\n{LICENCE}\n")
        archive.writestr("htcds-victims.csv", _csv(VICTIM_COLUMNS, export.victims))
        archive.writestr("htcds-perpetrators.csv", _csv(PERPETRATOR_COLUMNS, export.perpetrators))
    return buffer.getvalue()


def as_xlsx(export: Export) -> bytes:
    """One workbook: a README sheet with the attribution, then Victims and Perpetrators."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    readme = workbook.create_sheet("README")
    readme.append([ATTRIBUTION])
    readme.append([LICENCE])
    for title, columns, rows in (
        ("Victims", VICTIM_COLUMNS, export.victims),
        ("Perpetrators", PERPETRATOR_COLUMNS, export.perpetrators),
    ):
        sheet = workbook.create_sheet(title)
        sheet.append(columns)
        for row in rows:
            sheet.append([_safe(row)[c] for c in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
