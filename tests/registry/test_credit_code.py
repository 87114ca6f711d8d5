"""GB 32100 / GB 11714 checks against the examples in STATISTICS.md."""

import pytest

from waibao.registry.credit_code import check_credit_code, make_org_code, normalise

VALID = [
    "91110000600037341L",
    "91350100M000100Y43",
    "91310230MA1K314J7C",
    "91440101MA5CJQ4N59",
    "913502000728319549",
    "123502001549897397",
    "91350213678251743X",
]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass_both_checks(code: str) -> None:
    result = check_credit_code(code)
    assert result.valid and result.errors == [] and result.warnings == []


def test_bad_check_character_is_an_error() -> None:
    assert check_credit_code("91110000600037341X").errors == ["check"]


def test_input_is_normalised_before_checking() -> None:
    result = check_credit_code(" 9111 0000 6000 3734 1l ")
    assert result.valid and result.code == "91110000600037341L"
    assert normalise("a b\tc") == "ABC"


@pytest.mark.parametrize(
    ("code", "error"),
    [("9111000060003734", "length"), ("91110000600037341LL", "length"), ("9111000060003734IO", "characters")],
)
def test_malformed_codes(code: str, error: str) -> None:
    assert check_credit_code(code).errors == [error]


def test_letters_in_first_two_positions_are_valid() -> None:
    from waibao.registry.credit_code import make_credit_code

    code = make_credit_code("Y1330106" + make_org_code("12345678"))
    assert check_credit_code(code).valid


@pytest.mark.parametrize(
    ("first8", "full"),
    [
        ("10000004", "100000040"),
        ("10000018", "10000018X"),
        ("60003734", "600037341"),
        ("M000100Y", "M000100Y4"),
    ],
)
def test_organisation_code_examples(first8: str, full: str) -> None:
    assert make_org_code(first8) == full


def test_failed_embedded_check_is_only_a_warning() -> None:
    from waibao.registry.credit_code import make_credit_code

    code = make_credit_code("91330106" + "600037342")  # org check char should be 1
    result = check_credit_code(code)
    assert result.valid and result.warnings == ["org_code"]
