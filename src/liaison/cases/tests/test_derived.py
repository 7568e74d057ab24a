"""What is kept derived from a case follows each change through one place (cases.derived):
a change to a counted field rewrites the counts, any other leaves them; a change to the
case's place or people makes it findable by what changed."""

import pytest

from liaison.cases.models import Case, CaseMonthCount
from liaison.cases.services import casework, people
from liaison.cases.services.search import matching

from .test_figures import assert_kept_counts_are_exact

pytestmark = pytest.mark.django_db


def count_rows() -> set[int]:
    return set(CaseMonthCount.objects.values_list("pk", flat=True))


def update(case, officer, **data):
    return casework.case_update(actor=officer, case=case, data=data, expected_version=case.version)


def test_a_change_to_no_counted_field_leaves_the_counts_as_they_were(open_case, personas):
    rows = count_rows()
    update(open_case, personas.overseas, summary="The family heard from him on Telegram.")
    assert count_rows() == rows


def test_a_change_of_country_moves_the_case_to_its_new_countrys_counts(
    open_case, personas, philippines
):
    rows = count_rows()
    case = update(open_case, personas.overseas, country=philippines)
    assert count_rows() != rows
    assert CaseMonthCount.objects.filter(country=philippines, category="").get().cases == 1
    assert_kept_counts_are_exact()
    assert Case.objects.filter(pk=case.pk, country=philippines).exists()


def test_a_new_place_and_a_new_suspect_are_found_by_the_search_at_once(open_case, personas):
    officer = personas.overseas
    assert not Case.objects.filter(matching("Poipet")).exists()
    case = update(open_case, officer, city="Poipet")
    assert Case.objects.filter(matching("Poipet")).get() == case
    people.suspect_add(actor=officer, case=case, data={"name_latin": "CHEN Wei"})
    assert Case.objects.filter(matching("Chen Wei")).get() == case
