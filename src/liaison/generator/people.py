"""The people of a generated case: victims with their status history, suspects with their
identifiers, and the Korean, Chinese and local names and phone numbers they go by."""

from __future__ import annotations

import datetime
import random

from liaison.cases import names, protect
from liaison.cases.choices import (
    ArrestStatus,
    CaseStatus,
    Category,
    EntryKind,
    Exploitation,
    IdentifierKind,
    MeansOfControl,
    Platform,
    ProcedureStatus,
    RecruitmentMethod,
    ReturnStatus,
    Sex,
    VictimStatus,
)
from liaison.cases.models import Identifier, Suspect, Victim, VictimStatusChange

from .rows import Rows
from .tables import (
    CN_SURNAMES,
    CN_SYLLABLES,
    ID_KINDS,
    KO_SURNAMES,
    KO_SYLLABLES,
    LOCAL_NAMES,
    ROLES,
)

S = CaseStatus
V = VictimStatus
C = Category
D = datetime.date
# The case's steps and when it reached them.
Reached = dict[str, datetime.datetime]


class People:
    """Draws people from the run's random sequence, which the cases share: the same seed
    gives the same people in the same cases."""

    def __init__(self, rng: random.Random, rows: Rows):
        self.rng = rng
        self.rows = rows

    def korean_name(self) -> tuple[str, str]:
        r = self.rng
        ko_s, la_s = r.choice(KO_SURNAMES)
        (k1, l1), (k2, l2) = r.choice(KO_SYLLABLES), r.choice(KO_SYLLABLES)
        style = r.random()
        if style < 0.5:
            latin = f"{la_s.upper()} {(l1 + l2).capitalize()}"
        elif style < 0.8:
            latin = f"{la_s} {l1.capitalize()}-{l2}"
        else:
            latin = f"{(l1 + l2).capitalize()} {la_s}"
        return ko_s + k1 + k2, latin

    def chinese_name(self) -> tuple[str, str]:
        r = self.rng
        (hs, ls), (h1, l1) = r.choice(CN_SURNAMES), r.choice(CN_SYLLABLES)
        if r.random() < 0.5:
            h2, l2 = r.choice(CN_SYLLABLES)
            return hs + h1 + h2, f"{ls} {(l1 + l2).capitalize()}"
        return hs + h1, f"{ls} {l1.capitalize()}"

    def phone(self, prefix: str) -> str:
        r = self.rng
        if prefix == "+82":
            return f"+82 10-{r.randrange(1000, 10000)}-{r.randrange(1000, 10000)}"
        return (
            f"{prefix} {r.randrange(10, 100)} {r.randrange(100, 1000)} {r.randrange(1000, 10000)}"
        )

    def identifier(self, kind: str, prefix: str) -> str:
        r = self.rng
        if kind == IdentifierKind.PHONE:
            return self.phone(prefix)
        if kind == IdentifierKind.BANK_ACCOUNT:
            return f"{r.randrange(100, 1000)}-{r.randrange(10**6, 10**7)}-{r.randrange(10, 100)}"
        if kind == IdentifierKind.CRYPTO_WALLET:
            return "T" + "".join(r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ123456789") for _ in range(33))
        stem = r.choice(["boss", "hr", "jobs", "manager", "vip", "agent", "team", "king"])
        return f"@{stem}_{r.randrange(100, 100000)}"

    def victim(
        self, case_id: int, first: datetime.datetime, reached: Reached, cats: list[str]
    ) -> dict:
        r, rows = self.rng, self.rows
        homicide = C.HOMICIDE in cats
        scam = bool({C.EMPLOYMENT_SCAM, C.CONFINEMENT, C.KIDNAPPING} & set(cats))
        ko, latin = self.korean_name()
        victim_id = rows.next_id(Victim)
        # The victim's status walk: missing at the report, then as far as the case went.
        walk = [(V.MISSING, first)]
        if homicide:
            walk.append((V.DECEASED, reached.get(S.TRIAGED, first)))
        elif S.RESCUED in reached:
            walk.append((V.CONFINED, reached[S.RESCUE_REQUESTED] - datetime.timedelta(hours=1)))
            walk.append((V.RESCUED, reached[S.RESCUED]))
            if S.INVESTIGATION in reached and r.random() < 0.7:
                walk.append((V.REPATRIATED, reached[S.INVESTIGATION]))
        elif S.RESCUE_REQUESTED in reached:
            walk.append((r.choice([V.LOCATED, V.CONFINED]), reached[S.RESCUE_REQUESTED]))
        elif S.TRIAGED in reached and r.random() < 0.6:
            walk.append((V.LOCATED, reached[S.TRIAGED]))
        status, since = walk[-1]
        number = f"M{r.randrange(10**7, 10**8)}" if r.random() < 0.7 else ""
        phone = self.phone("+82")
        consent = r.random() < 0.6
        row = {
            "id": victim_id,
            "case_id": case_id,
            "name_ko": ko,
            "name_latin": latin,
            "sex": r.choice([Sex.MASCULINE, Sex.MASCULINE, Sex.FEMININE]),
            "date_of_birth": D(first.year - r.randint(19, 45), r.randint(1, 12), r.randint(1, 28)),
            "name_keys": rows.keys(ko, latin),
            "phone": phone,
            "phone_key": names.identifier_key("phone", phone),
            "status": status,
            "status_since": since,
            "consent_to_data_handling": consent,
            "consent_recorded_at": first if consent else None,
            **(self.htcds_context() if scam else {}),
            **(self.remains(walk[1][1], reached) if homicide else {}),
            "version": len(walk),
            "is_illustrative": True,
            "created_at": first,
            "updated_at": since,
        }
        if number:
            row.update(
                passport_ciphertext=protect.encrypt(number),
                passport_hash=protect.blind_index(number),
                passport_last2=number[-2:],
            )
        rows.add(Victim, **row)
        previous, label = "", rows.label
        for to_status, at in walk:
            rows.add(
                VictimStatusChange,
                id=rows.next_id(VictimStatusChange),
                victim_id=victim_id,
                from_status=previous,
                to_status=to_status,
                at=at,
                actor_id=rows.actor_id,
            )
            if previous:
                rows.entry(
                    case_id,
                    EntryKind.VICTIM_STATUS,
                    at,
                    f"{ko} ({latin}): {label(V, previous)} → {label(V, to_status)}",
                )
            previous = to_status
        return row

    @staticmethod
    def remains(died: datetime.datetime, reached: Reached) -> dict:
        """A deceased victim: the joint autopsy once the investigation is open, the remains
        repatriated by the time the case is closed."""
        closed = reached.get(S.CLOSED)
        return {
            "died_on": died.date(),
            "autopsy_status": ProcedureStatus.DONE
            if S.INVESTIGATION in reached
            else ProcedureStatus.AGREED,
            "remains_status": ProcedureStatus.DONE if closed else ProcedureStatus.REQUESTED,
            "remains_repatriated_on": closed.date() if closed else None,
        }

    def htcds_context(self) -> dict:
        """How a victim of a scam compound was recruited and held (HTCDS v2 codes)."""
        r = self.rng
        return {
            "recruitment_methods": [r.choice([RecruitmentMethod.ONLINE_ADVERTISEMENT,
                                              RecruitmentMethod.ONLINE_SOCIAL_NETWORKS,
                                              RecruitmentMethod.FRIENDS])],
            "recruitment_platforms": [r.choice([Platform.TELEGRAM, Platform.KAKAOTALK,
                                                Platform.FACEBOOK, Platform.JOB_SITE])],
            "means_of_control": r.sample([MeansOfControl.CONFINEMENT,
                                          MeansOfControl.WITHHOLDS_DOCUMENTS,
                                          MeansOfControl.PHYSICAL_ABUSE,
                                          MeansOfControl.DEBT_BONDAGE,
                                          MeansOfControl.THREATENS_FAMILY], k=r.randint(1, 3)),
            "exploitation_types": [r.choice([Exploitation.FORCED_CRIMINALITY,
                                             Exploitation.FORCED_LABOUR])],
        }  # fmt: skip

    def suspect(
        self,
        case_id: int,
        country: str,
        prefix: str,
        reached: Reached,
        first: datetime.datetime,
        *,
        leading: bool,
    ) -> dict:
        r, rows = self.rng, self.rows
        suspect_id = rows.next_id(Suspect)
        nationality = r.choices(["CN", "KR", country, "VN"], [40, 25, 30, 5])[0]
        local = ""
        if nationality == "CN":
            local, latin = self.chinese_name()
            ko = ""
        elif nationality == "KR":
            ko, latin = self.korean_name()
        else:
            firsts, seconds = LOCAL_NAMES.get(nationality, LOCAL_NAMES["KH"])
            ko, latin = "", f"{r.choice(firsts)} {r.choice(seconds)}"
        arrest, arrested_on, ret = ArrestStatus.AT_LARGE, None, ""
        requested_on = surrendered_on = None
        if leading and S.ARREST in reached:
            arrest, arrested_on = ArrestStatus.ARRESTED, reached[S.ARREST].date()
        elif S.SUSPECTS_IDENTIFIED in reached and r.random() < 0.3:
            arrest = ArrestStatus.LOCATED
        if leading and S.EXTRADITION_REQUESTED in reached:
            ret = (
                ReturnStatus.EXTRADITION_REQUESTED
                if nationality == "KR"
                else ReturnStatus.DEPORTATION_REQUESTED
            )
            requested_on = reached[S.EXTRADITION_REQUESTED].date()
        if leading and S.SURRENDERED in reached:
            ret, surrendered_on = ReturnStatus.SURRENDERED, reached[S.SURRENDERED].date()
        kinds = r.sample(ID_KINDS, k=r.randint(1, 3))
        ident_keys = []
        # In the order the search column lists them (Identifier.Meta.ordering).
        for kind, value in sorted((k, self.identifier(k, prefix)) for k in kinds):
            key = names.identifier_key(kind, value)
            ident_keys.append(key)
            rows.add(
                Identifier,
                id=rows.next_id(Identifier),
                suspect_id=suspect_id,
                kind=kind,
                value=value,
                key=key,
            )
        keys = rows.keys(ko, latin, local)[:400]
        row = {
            "id": suspect_id,
            "case_id": case_id,
            "name_ko": ko,
            "name_latin": latin,
            "name_local": local,
            "sex": r.choice([Sex.MASCULINE, Sex.MASCULINE, Sex.MASCULINE, Sex.FEMININE]),
            "nationality_id": nationality,
            "roles": r.sample(ROLES, k=r.randint(1, 2)),
            "arrest_status": arrest,
            "arrested_on": arrested_on,
            "return_status": ret,
            "return_requested_on": requested_on,
            "surrendered_on": surrendered_on,
            "name_keys": keys,
            "is_illustrative": True,
            "created_at": first,
            "updated_at": first,
        }
        if r.random() < 0.15:
            number = f"E{r.randrange(10**7, 10**8)}"
            row.update(
                passport_ciphertext=protect.encrypt(number),
                passport_hash=protect.blind_index(number),
                passport_last2=number[-2:],
            )
        rows.add(Suspect, **row)
        row["_identifier_keys"] = ident_keys
        return row
