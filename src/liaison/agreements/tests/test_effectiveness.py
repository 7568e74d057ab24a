import datetime

from liaison.agreements.conf import EffectivenessThresholds
from liaison.agreements.rules import assess_effectiveness

D = datetime.date
RULE = EffectivenessThresholds(window_years=2, min_activities=1, max_missing_reports=1)


def _assess(**kwargs):
    values = {
        "year": 2024,
        "signed_on": D(2019, 5, 1),
        "activities_by_year": {},
        "reported_years": {2023},
        "today": D(2025, 3, 1),
        "thresholds": RULE,
    }
    return assess_effectiveness(**(values | kwargs))


def test_an_idle_agreement_is_ineffective_and_says_why():
    assessment = _assess()
    assert assessment.verdict == "ineffective"
    assert (
        assessment.text == "no recorded activity in 2023 and 2024; annual report for 2024 missing"
    )
    assert "fewer than 1 cooperation activities" in assessment.thresholds
    assert "last 2 calendar years" in assessment.thresholds


def test_an_active_agreement_with_its_reports_is_effective():
    assessment = _assess(activities_by_year={2023: 4, 2024: 2}, reported_years={2023, 2024})
    assert assessment.verdict == "effective"
    assert assessment.text == "6 activities recorded in 2023 and 2024"


def test_two_missing_reports_make_it_ineffective_even_with_activity():
    assessment = _assess(activities_by_year={2024: 1}, reported_years=set())
    assert assessment.verdict == "ineffective"
    assert assessment.findings == [
        "no recorded activity in 2023",
        "1 activity recorded in 2023 and 2024",
        "annual reports for 2023 and 2024 missing",
    ]


def test_a_report_not_yet_due_is_not_missing():
    assessment = _assess(activities_by_year={2024: 1}, today=D(2025, 1, 31))
    assert "missing" not in assessment.text


def test_a_recent_agreement_is_not_assessed():
    assert _assess(signed_on=D(2023, 2, 1)).verdict == "not_assessed"


def test_the_thresholds_are_configurable():
    strict = EffectivenessThresholds(window_years=3, min_activities=10, max_missing_reports=0)
    assessment = _assess(
        activities_by_year={2022: 3, 2023: 3, 2024: 3},
        reported_years={2022, 2023, 2024},
        thresholds=strict,
    )
    assert assessment.verdict == "ineffective"
    assert "fewer than 10" in assessment.thresholds
