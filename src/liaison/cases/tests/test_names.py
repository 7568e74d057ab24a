"""A name is found however it was typed: Hangul or Latin, any common romanisation, with or
without spaces and hyphens, surname first or last."""

import pytest

from liaison.cases.names import identifier_key, name_keys, query_key, romanise_hangul


def finds(stored: str, query: str) -> bool:
    return query_key(query) in name_keys(stored)


@pytest.mark.parametrize(
    ("stored", "query"),
    [
        ("홍길동", "Hong Gil-dong"),
        ("홍길동", "HONG Kil Tong"),
        ("홍길동", "Gildong Hong"),
        ("홍길동", "홍 길동"),
        ("Hong Gil-dong", "홍길동"),
        ("이민호", "Lee Min-ho"),
        ("이민호", "Yi Minho"),
        ("이민호", "Rhee Min Ho"),
        ("이민호", "Minho Lee"),
        ("박재성", "Park Jae-sung"),
        ("박재성", "Bak Jaeseong"),
        ("정서연", "Chung Suhyun"),
        ("정서연", "Jeong Seo-yeon"),
        ("유재성", "Yoo Jae-seong"),
        ("최지우", "Choi Ji-woo"),
        ("Zhang Wei", "zhang wei"),
        ("张伟", "张 伟"),
    ],
)
def test_a_name_is_found_in_another_script_or_spelling(stored, query):
    assert finds(stored, query)


@pytest.mark.parametrize(
    ("stored", "query"),
    [("홍길동", "Kim Minjun"), ("박재성", "Pak Chaesong"), ("이민호", "Lee Jiho")],
)
def test_a_different_name_is_not_found(stored, query):
    assert not finds(stored, query)


def test_hangul_is_romanised_syllable_by_syllable():
    assert romanise_hangul("캄보디아 경찰") == "kambodia gyeongchal"


def test_phone_numbers_match_whatever_the_prefix_or_spacing():
    assert identifier_key("phone", "+855 12 345 678") == identifier_key("phone", "012-345-678")


def test_handles_match_without_the_at_sign_or_case():
    assert identifier_key("telegram", "@Boss_Lee") == identifier_key("telegram", "boss_lee")
