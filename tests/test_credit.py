"""Unified social credit codes (GB 32100-2015): the check digit, normalisation and every error message."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chainlink.base.credit import (
    ALPHABET,
    CreditCodeError,
    check_digit,
    complete,
    is_valid,
    quick_valid,
    validate,
)

# The standard's own example, and codes printed on public business licences.
KNOWN = ["91350100M000100Y43", "91110108551385082Q"]


def test_alphabet_and_weights() -> None:
    assert len(ALPHABET) == 31 and not set("IOSVZ") & set(ALPHABET)
    assert check_digit("91350100M000100Y4") == "3"


@pytest.mark.parametrize("code", KNOWN)
def test_known_codes(code: str) -> None:
    assert validate(code) == code and is_valid(code) and quick_valid(code)


def test_every_single_substitution_and_transposition_is_caught() -> None:
    code = KNOWN[0]
    for i in range(18):
        for ch in ALPHABET:
            if ch != code[i]:
                wrong = code[:i] + ch + code[i + 1 :]
                assert not is_valid(wrong), wrong
    for i in range(17):
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            assert not is_valid(swapped), swapped


def test_normalise_what_people_type() -> None:
    assert validate(" 9135 0100-m000100y43 ") == KNOWN[0]
    assert validate("９１３５０１００Ｍ０００１００Ｙ４３") == KNOWN[0]  # full-width


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("", "empty; give the 18-character code from the business licence"),
        (
            "9135010",
            "has 7 characters, a unified social credit code has 18; copy it again from the business licence",
        ),
        (
            "91350100M000100O43",
            "character 'O' cannot occur in a unified social credit code (no I, O, S, V, Z); "
            "check for a mistyped letter (O for 0, I for 1)",
        ),
        (
            "9135A100M000100Y43",
            "characters 3–8 must be the six-digit division code of the registering office; "
            "copy the code again from the business licence",
        ),
        (
            "91350100M000100Y44",
            "check digit is '4' but should be '3' (GB 32100-2015); "
            "a character is mistyped: compare the code with the business licence",
        ),
        (
            "9.13501E+17",
            "looks like a number Excel shortened to scientific notation; "
            "format the column as Text in Excel and re-enter the codes",
        ),
    ],
)
def test_errors_say_what_to_do(code: str, problem: str) -> None:
    with pytest.raises(CreditCodeError) as info:
        validate(code)
    assert str(info.value) == problem


codes = st.builds(
    lambda head, division, tail: complete(head + division + tail),
    st.text(ALPHABET, min_size=2, max_size=2),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(ALPHABET, min_size=9, max_size=9),
)


@given(codes)
def test_completed_codes_are_valid(code: str) -> None:
    assert quick_valid(code) and validate(code) == code


@given(st.text(ALPHABET + "abcIOZ ", min_size=16, max_size=19))
def test_fast_path_agrees_with_the_full_check(text: str) -> None:
    assert quick_valid(text) == (is_valid(text) and text == validate(text))
