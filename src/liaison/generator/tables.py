"""What a generated case is made of: names, places, categories, the weights statuses are
drawn by and the hours from one step to the next."""

from __future__ import annotations

from liaison.cases.choices import (
    CaseStatus,
    Category,
    Channel,
    IdentifierKind,
    SuspectRole,
    VictimStatus,
)

S = CaseStatus
V = VictimStatus


def _pairs(text: str) -> list[tuple[str, str]]:
    """ "김 Kim, 이 Lee" → [("김", "Kim"), ("이", "Lee")]: name tables kept readable."""
    return [tuple(item.split()) for item in text.split(",")]


KO_SURNAMES = _pairs(
    "김 Kim, 이 Lee, 박 Park, 최 Choi, 정 Jung, 강 Kang, 조 Cho, 윤 Yoon, 장 Jang, 임 Lim, "
    "한 Han, 오 Oh, 서 Seo, 신 Shin, 권 Kwon, 황 Hwang, 안 Ahn, 송 Song, 류 Ryu, 홍 Hong"
)
KO_SYLLABLES = _pairs(
    "민 min, 준 jun, 서 seo, 연 yeon, 지 ji, 현 hyun, 우 woo, 영 young, 수 soo, 진 jin, 호 ho, "
    "은 eun, 하 ha, 윤 yoon, 재 jae, 성 sung, 동 dong, 혜 hye, 경 kyung, 태 tae, 상 sang, "
    "희 hee, 석 seok, 훈 hoon, 아 a, 유 yu, 나 na, 도 do, 빈 bin, 규 kyu"
)
CN_SURNAMES = _pairs(
    "王 Wang, 李 Li, 张 Zhang, 刘 Liu, 陈 Chen, 杨 Yang, 黄 Huang, 赵 Zhao, 吴 Wu, 周 Zhou, "
    "徐 Xu, 孙 Sun"
)
CN_SYLLABLES = _pairs(
    "伟 wei, 强 qiang, 磊 lei, 军 jun, 勇 yong, 杰 jie, 涛 tao, 明 ming, 超 chao, 华 hua, 平 ping, "
    "飞 fei"
)
LOCAL_NAMES = {
    "KH": (["Sok", "Chea", "Heng", "Meas", "Pich", "Sam", "Keo", "Chan"],
           ["Dara", "Vannak", "Sokha", "Rithy", "Sophal", "Bora", "Vuthy", "Piseth"]),
    "TH": (["Somchai", "Anan", "Kittisak", "Prasert", "Wichai", "Niran"],
           ["Srisuk", "Wongsa", "Chaiyaporn", "Boonmee", "Rattana", "Thongdee"]),
    "VN": (["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu"],
           ["Van Hung", "Minh Tuan", "Duc Anh", "Quoc Bao", "Van Nam", "Thanh Son"]),
    "PH": (["Juan", "Jose", "Mark", "Ramon", "Paolo", "Arnel"],
           ["Santos", "Reyes", "Cruz", "Bautista", "Garcia", "Mendoza"]),
    "MM": (["Aung", "Kyaw", "Min", "Zaw", "Htet", "Thura"],
           ["Naing", "Soe", "Oo", "Lwin", "Htun", "Win"]),
    "LA": (["Bounmy", "Khamphone", "Somphone", "Vilay", "Souk", "Phout"],
           ["Phommachanh", "Sisavath", "Vongsa", "Keomany", "Inthavong", "Chanthala"]),
    "JP": (["Tanaka", "Suzuki", "Sato", "Takahashi", "Watanabe", "Ito"],
           ["Hiroshi", "Takeshi", "Kenji", "Yuki", "Daisuke", "Sho"]),
}  # fmt: skip
# country: (weight, places: (province, city, latitude, longitude), phone prefix)
COUNTRIES = {
    "KH": (35, [("Preah Sihanouk", "Sihanoukville", 10.627, 103.522),
                ("Phnom Penh", "Phnom Penh", 11.556, 104.928),
                ("Svay Rieng", "Bavet", 11.066, 106.131),
                ("Kampot", "Kampot", 10.610, 104.181),
                ("Oddar Meanchey", "O'Smach", 14.425, 103.632),
                ("Siem Reap", "Siem Reap", 13.362, 103.860)], "+855"),
    "PH": (18, [("Metro Manila", "Manila", 14.599, 120.984),
                ("Metro Manila", "Pasay", 14.538, 121.000),
                ("Pampanga", "Angeles", 15.145, 120.588),
                ("Cebu", "Cebu City", 10.316, 123.885),
                ("Tarlac", "Bamban", 15.274, 120.567)], "+63"),
    "TH": (12, [("Bangkok", "Bangkok", 13.756, 100.501),
                ("Tak", "Mae Sot", 16.713, 98.574),
                ("Chon Buri", "Pattaya", 12.927, 100.877),
                ("Chiang Rai", "Chiang Saen", 20.275, 100.085)], "+66"),
    "VN": (10, [("Ho Chi Minh City", "Ho Chi Minh City", 10.823, 106.630),
                ("Hanoi", "Hanoi", 21.028, 105.834),
                ("Da Nang", "Da Nang", 16.054, 108.202)], "+84"),
    "LA": (7, [("Bokeo", "Ton Pheung", 20.352, 100.085),
               ("Vientiane Prefecture", "Vientiane", 17.975, 102.633)], "+856"),
    "MM": (7, [("Kayin", "Myawaddy", 16.688, 98.508),
               ("Shan", "Tachileik", 20.449, 99.881),
               ("Yangon", "Yangon", 16.840, 96.173)], "+95"),
    "CN": (6, [("Guangdong", "Guangzhou", 23.129, 113.264),
               ("Yunnan", "Kunming", 25.038, 102.718),
               ("Liaoning", "Shenyang", 41.805, 123.431)], "+86"),
    "JP": (5, [("Tokyo", "Tokyo", 35.676, 139.650),
               ("Osaka", "Osaka", 34.694, 135.502),
               ("Fukuoka", "Fukuoka", 33.590, 130.402)], "+81"),
}  # fmt: skip
# The lists random.choices draws a case's country from, made once.
COUNTRY_CODES = list(COUNTRIES)
COUNTRY_WEIGHTS = [COUNTRIES[c][0] for c in COUNTRY_CODES]
C = Category
# Categories by country: scam compounds in the Mekong region, fraud and drugs elsewhere.
CATEGORY_SETS = {
    "compound": [[C.EMPLOYMENT_SCAM, C.CONFINEMENT], [C.EMPLOYMENT_SCAM, C.CONFINEMENT, C.ASSAULT],
                 [C.KIDNAPPING, C.CONFINEMENT], [C.MISSING], [C.ONLINE_FRAUD],
                 [C.EMPLOYMENT_SCAM, C.CONFINEMENT, C.ONLINE_FRAUD], [C.HOMICIDE],
                 [C.ASSAULT], [C.DRUGS], [C.OTHER]],
    "other": [[C.ONLINE_FRAUD], [C.ASSAULT], [C.DRUGS], [C.MISSING], [C.KIDNAPPING],
              [C.HOMICIDE], [C.OTHER], [C.EMPLOYMENT_SCAM]],
}  # fmt: skip
COMPOUND_COUNTRIES = {"KH", "MM", "LA", "PH", "TH"}
# Per cent of cases in each status. A case is worked for weeks or months and then closed,
# so over years of records about one in seven is still open (and the open ones are recent).
STATUS_WEIGHTS = {
    S.RECEIVED: 1, S.TRIAGED: 1.5, S.RESCUE_REQUESTED: 1.5, S.RESCUED: 1, S.INVESTIGATION: 4,
    S.SUSPECTS_IDENTIFIED: 2.5, S.ARREST: 1.5, S.EXTRADITION_REQUESTED: 1.2, S.SURRENDERED: 0.8,
    S.CLOSED: 85,
}  # fmt: skip
# Hours from one step to the next: (least, most).
STEP_HOURS = {
    S.TRIAGED: (0.2, 30), S.RESCUE_REQUESTED: (2, 96), S.RESCUED: (24, 720),
    S.INVESTIGATION: (24, 480), S.SUSPECTS_IDENTIFIED: (120, 2160), S.ARREST: (120, 2880),
    S.EXTRADITION_REQUESTED: (240, 2160), S.SURRENDERED: (720, 7200), S.CLOSED: (24, 2880),
}  # fmt: skip
JOBS = ["customer service, high salary", "casino marketing", "IT developer", "translator",
        "crypto trading assistant", "call centre supervisor"]  # fmt: skip
NARRATIVES = {
    C.EMPLOYMENT_SCAM: "{name} left for {city} after a job offer for '{job}' seen on {platform}; "
    "the family has not heard from {name} since.",
    C.CONFINEMENT: "{name} sent a message saying they are held in a guarded compound in {city} "
    "and forced to run online scams; the passport was taken.",
    C.KIDNAPPING: "{name} was taken from a hotel in {city}; the captors demand {amount} USD.",
    C.ASSAULT: "{name} was beaten by guards in {city} after trying to leave.",
    C.HOMICIDE: "{name} was found dead near {city}; the local police suspect foul play.",
    C.ONLINE_FRAUD: "{name} lost {amount} USD to an investment scam run from {city}.",
    C.DRUGS: "{name} was arrested in {city} on drug charges; the family asks for help.",
    C.MISSING: "{name} has not answered calls since arriving in {city}.",
    C.OTHER: "{name} asks for help after an incident in {city}.",
}
RELATIONS = ["mother", "father", "sister", "brother", "friend", "spouse", "employer"]
CHANNELS = [*[Channel.FAMILY] * 5, Channel.VICTIM, Channel.EMBASSY, Channel.EMBASSY,
            Channel.HOTLINE, Channel.PARTNER_POLICE, Channel.NGO]  # fmt: skip
ID_KINDS = [IdentifierKind.PHONE, IdentifierKind.TELEGRAM, IdentifierKind.WECHAT,
            IdentifierKind.BANK_ACCOUNT, IdentifierKind.CRYPTO_WALLET, IdentifierKind.KAKAOTALK,
            IdentifierKind.LINE]  # fmt: skip
ROLES = [SuspectRole.RECRUITER, SuspectRole.MANAGER, SuspectRole.GUARD, SuspectRole.KIDNAPPER,
         SuspectRole.MONEY_HANDLER, SuspectRole.BROKER, SuspectRole.TRANSPORTER]  # fmt: skip
RESCUE = {C.KIDNAPPING, C.CONFINEMENT, C.MISSING}
WAITING = (V.MISSING, V.LOCATED, V.CONFINED)
CHAIN = [S.TRIAGED, S.RESCUE_REQUESTED, S.RESCUED, S.INVESTIGATION, S.SUSPECTS_IDENTIFIED,
         S.ARREST, S.EXTRADITION_REQUESTED, S.SURRENDERED]  # fmt: skip
