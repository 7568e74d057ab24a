"""The vocabularies of a case. Victim-context and perpetrator values carry the IOM Human
Trafficking Case Data Standard (HTCDS v2) names as their codes where HTCDS has the field,
so the HTCDS export needs no mapping."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    VICTIM = "victim", _("The victim")
    FAMILY = "family", _("Family or friends")
    EMBASSY = "embassy", _("Embassy or consulate")
    HOTLINE = "hotline", _("Hotline / call centre")
    PARTNER_POLICE = "partner_police", _("Partner police")
    NGO = "ngo", _("NGO")
    MEDIA = "media", _("Media")
    OTHER = "other", _("Other")


class Category(models.TextChoices):
    """What happened; several may apply. The order is fixed: each value is one bit of
    `CategoriesField`, so new values are only ever appended."""

    EMPLOYMENT_SCAM = "employment_scam", _("Employment / recruitment scam")
    KIDNAPPING = "kidnapping", _("Kidnapping")
    CONFINEMENT = "confinement", _("Confinement or forced labour in a scam compound")
    ASSAULT = "assault", _("Assault or torture")
    HOMICIDE = "homicide", _("Homicide")
    ONLINE_FRAUD = "online_fraud", _("Online fraud / voice phishing")
    DRUGS = "drugs", _("Drugs")
    MISSING = "missing", _("Missing person")
    OTHER = "other", _("Other")


class ReportStatus(models.TextChoices):
    NEW = "new", _("New")
    ATTACHED = "attached", _("Attached to a case")
    DISMISSED = "dismissed", _("Dismissed")


class Priority(models.TextChoices):
    """Urgent when a life or liberty is at risk."""

    URGENT = "urgent", _("Urgent — life or liberty at risk")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


class CaseStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("case status", "Received")
    TRIAGED = "triaged", pgettext_lazy("case status", "Triaged")
    RESCUE_REQUESTED = "rescue_requested", pgettext_lazy("case status", "Rescue requested")
    RESCUED = "rescued", pgettext_lazy("case status", "Rescued")
    INVESTIGATION = "investigation", pgettext_lazy("case status", "Joint investigation")
    SUSPECTS_IDENTIFIED = "suspects_identified", pgettext_lazy("case status", "Suspects identified")
    ARREST = "arrest", pgettext_lazy("case status", "Arrest")
    EXTRADITION_REQUESTED = (
        "extradition_requested",
        pgettext_lazy("case status", "Extradition or deportation requested"),
    )
    SURRENDERED = "surrendered", pgettext_lazy("case status", "Surrendered")
    CLOSED = "closed", pgettext_lazy("case status", "Closed")


OPEN_CASE_STATUSES = [s for s in CaseStatus.values if s != CaseStatus.CLOSED]


class Outcome(models.TextChoices):
    VICTIM_SAFE = "victim_safe", _("Victim safe, no prosecution")
    PROSECUTED_ABROAD = "prosecuted_abroad", _("Suspects prosecuted in the partner country")
    SURRENDERED_HOME = "surrendered_home", _("Suspects surrendered home and prosecuted")
    VICTIM_DECEASED = "victim_deceased", _("Victim deceased, remains repatriated")
    NO_CRIME = "no_crime", _("No crime established")
    DUPLICATE = "duplicate", _("Duplicate of another case")
    REFERRED = "referred", _("Referred to another agency")
    UNRESOLVED = "unresolved", _("Unresolved")


class VictimStatus(models.TextChoices):
    MISSING = "missing", _("Missing")
    LOCATED = "located", _("Located")
    CONFINED = "confined", _("Confined")
    RESCUED = "rescued", _("Rescued")
    IN_PROTECTION = "in_protection", _("In protection / hospital")
    REPATRIATED = "repatriated", _("Repatriated")
    DECEASED = "deceased", _("Deceased")


class Sex(models.TextChoices):
    # HTCDS prs_Gender
    FEMININE = "Feminine", _("Female")
    MASCULINE = "Masculine", _("Male")
    UNKNOWN = "NonSpecifiedUnknown", _("Not specified / unknown")


class ProcedureStatus(models.TextChoices):
    """Where a joint autopsy or the repatriation of remains stands."""

    NOT_NEEDED = "", _("—")
    REQUESTED = "requested", _("Requested")
    AGREED = "agreed", _("Agreed with the partner")
    DONE = "done", _("Done")


class RecruitmentMethod(models.TextChoices):
    # HTCDS vic_MethodOfRecruitment
    PLACE_OF_BUSINESS = "AtAPlaceOfBusiness", _("At a place of business")
    EDUCATIONAL_INSTITUTION = "AtAnEducationalInstitution", _("At an educational institution")
    AT_WORK = "AtWork", _("At work")
    ONLINE_SOCIAL_NETWORKS = "ThroughOnlineSocialNetworks", _("Through online social networks")
    ONLINE_ADVERTISEMENT = "ThroughAnOnlineAdvertisement", _("Through an online job advert")
    TELEVISION_ADVERT = "ThroughATelevisionAdvert", _("Through a television advert")
    NEWSPAPER_ADVERT = "ThroughANewspaperAdvert", _("Through a newspaper advert")
    FAMILY = "ThroughFamilyOrFamilyEvents", _("Through family")
    FRIENDS = "ThroughFriendsOrSocialEvents", _("Through friends or social events")
    OTHER = "Other", _("Other")


class Platform(models.TextChoices):
    # HTCDS vic_RecruitmentWebsitesAndApps, plus the Korean platforms seen in these cases.
    FACEBOOK = "Facebook", "Facebook"
    INSTAGRAM = "Instagram", "Instagram"
    WHATSAPP = "WhatsApp", "WhatsApp"
    TELEGRAM = "Telegram", "Telegram"
    FACEBOOK_MESSENGER = "FacebookMessenger", "Facebook Messenger"
    VIBER = "Viber", "Viber"
    LINE = "Line", "Line"
    WECHAT = "WeChat", "WeChat"
    TIKTOK = "TikTok", "TikTok"
    TWITTER = "Twitter", "X (Twitter)"
    KAKAOTALK = "KakaoTalk", _("KakaoTalk")
    JOB_SITE = "JobSite", _("Job-search website")
    OTHER = "Other", _("Other")


class MeansOfControl(models.TextChoices):
    # HTCDS vic_MethodsOfControl
    PHYSICAL_THREATS = "PhysicalThreats", _("Physical threats")
    THREATS_LAW_ENFORCEMENT = "ThreatsLawEnforcement", _("Threats of law enforcement")
    THREATENS_FAMILY = "ThreatensChildrenFamily", _("Threatens children or family")
    DEBT_BONDAGE = "DebtBondage", _("Debt bondage")
    FALSE_PROMISES = "FalsePromises", _("False promises")
    PHYSICAL_ABUSE = "PhysicalAbuse", _("Physical abuse / violence")
    SEXUAL_ABUSE = "SexualAbuse", _("Sexual abuse")
    TAKES_EARNINGS = "TakesEarnings", _("Takes earnings")
    RESTRICTS_FINANCIAL_ACCESS = "RestrictsFinancialAccess", _("Restricts financial access")
    RESTRICTS_MEDICAL_CARE = "RestrictsMedicalCare", _("Restricts medical care")
    WITHHOLDS_NECESSITIES = "WithholdsNecessities", _("Withholds necessities")
    PSYCHOLOGICAL_ABUSE = "PsychologicalAbuse", _("Psychological abuse")
    PSYCHOACTIVE_SUBSTANCE = "PsychoactiveSubstance", _("Psychoactive substance")
    EXCESSIVE_HOURS = "ExcessiveWorkingHours", _("Excessive working hours")
    WITHHOLDS_DOCUMENTS = "WithholdsDocuments", _("Confiscated passport or documents")
    CONFINEMENT = "Confinement", _("Confinement")
    OTHER = "Other", _("Other")


class Exploitation(models.TextChoices):
    # HTCDS vic_TypeOfExploitation, plus forced criminality (scam compounds).
    FORCED_LABOUR = "ForcedLabour", _("Forced labour")
    FORCED_CRIMINALITY = "ForcedCriminality", _("Forced criminality (online scams)")
    SEXUAL_EXPLOITATION = "SexualExploitation", _("Sexual exploitation")
    SERVITUDE = "Servitude", _("Servitude")
    ORGAN_REMOVAL = "OrganRemoval", _("Organ removal")
    OTHER = "Other", _("Other")


class SuspectRole(models.TextChoices):
    # HTCDS per_RoleInProcess where it has the role; compound roles added.
    RECRUITER = "RecruiterOrIntermediary", _("Recruiter or intermediary")
    TRANSPORTER = "Transporter", _("Transporter")
    BROKER = "BrokerTravelAgent", _("Broker / travel agent")
    KIDNAPPER = "Kidnapper", _("Kidnapper")
    GUARD = "Guard", _("Guard")
    MANAGER = "Manager", _("Manager / boss")
    EXPLOITER = "Exploiter", _("Exploiter")
    ABUSER = "Abuser", _("Abuser")
    MONEY_HANDLER = "MoneyHandler", _("Money handler / mule")
    PERPETRATOR = "Perpetrator", _("Perpetrator of violence")
    OTHER = "Other", _("Other")


class ArrestStatus(models.TextChoices):
    AT_LARGE = "at_large", _("At large")
    LOCATED = "located", _("Located")
    ARRESTED = "arrested", _("Arrested")
    RELEASED = "released", _("Released")
    CONVICTED = "convicted", _("Convicted")


class ReturnStatus(models.TextChoices):
    """Extradition or deportation of a suspect to the home country."""

    NONE = "", _("—")
    EXTRADITION_REQUESTED = "extradition_requested", _("Extradition requested")
    DEPORTATION_REQUESTED = "deportation_requested", _("Deportation requested")
    APPROVED = "approved", _("Approved by the partner")
    SURRENDERED = "surrendered", _("Surrendered")
    REFUSED = "refused", _("Refused")
    PROSECUTED_LOCALLY = "prosecuted_locally", _("Prosecuted in the partner country")


class IdentifierKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    TELEGRAM = "telegram", "Telegram"
    WECHAT = "wechat", "WeChat"
    KAKAOTALK = "kakaotalk", _("KakaoTalk")
    LINE = "line", "Line"
    WHATSAPP = "whatsapp", "WhatsApp"
    EMAIL = "email", _("E-mail")
    BANK_ACCOUNT = "bank_account", _("Bank account")
    CRYPTO_WALLET = "crypto_wallet", _("Crypto wallet")
    PASSPORT = "passport", _("Passport / ID number")
    OTHER = "other", _("Other")


# Identifiers kept as passports are: encrypted, found only by exact search through their
# keyed hash, never in the case's search column, shown masked.
DOCUMENT_KINDS = frozenset({IdentifierKind.PASSPORT})


class NoticeColour(models.TextChoices):
    RED = "red", _("Red — arrest with a view to extradition")
    YELLOW = "yellow", _("Yellow — missing person")
    BLACK = "black", _("Black — unidentified body")
    BLUE = "blue", _("Blue — more information on a person")
    GREEN = "green", _("Green — warning about a person")
    PURPLE = "purple", _("Purple — modus operandi")


class NoticeStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ISSUED = "issued", _("Issued")
    CANCELLED = "cancelled", _("Cancelled")


class EntryKind(models.TextChoices):
    NOTE = "note", _("Note")
    CALL = "call", _("Call")
    MESSAGE_OUT = "message_out", _("Message to the partner police")
    MESSAGE_IN = "message_in", _("Message from the partner police")
    DOCUMENT = "document", _("Document")
    STATUS = "status", _("Status change")
    VICTIM_STATUS = "victim_status", _("Victim status")
    REQUEST_SENT = "request_sent", _("Request sent")
    REQUEST_ANSWERED = "request_answered", _("Request answered")
    REPORT_ATTACHED = "report_attached", _("Report attached")


# Entries people write; the others are written by the services as things happen.
WRITTEN_ENTRY_KINDS = [
    EntryKind.NOTE,
    EntryKind.CALL,
    EntryKind.MESSAGE_OUT,
    EntryKind.MESSAGE_IN,
    EntryKind.DOCUMENT,
]


class RequestKind(models.TextChoices):
    RESCUE = "rescue", _("Rescue")
    INFORMATION = "information", _("Information / records")
    JOINT_INVESTIGATION = "joint_investigation", _("Joint investigation")
    ARREST = "arrest", _("Arrest")
    AUTOPSY = "autopsy", _("Joint autopsy")
    REPATRIATION = "repatriation", _("Repatriation of remains")
    EXTRADITION = "extradition", _("Extradition or deportation")
    OTHER = "other", _("Other")


class Milestone(models.TextChoices):
    """Response-time targets are set per priority for these steps."""

    ACKNOWLEDGE = "acknowledge", _("Acknowledge (triage) the report")
    RESCUE_REQUEST = "rescue_request", _("Request rescue from the partner police")
