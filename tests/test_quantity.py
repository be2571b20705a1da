"""Kubernetes quantities: podfsm.quantity against resource.ParseQuantity's grammar and rounding."""

from __future__ import annotations

from fractions import Fraction

import pytest

from podfsm.quantity import FORMAT_ERROR, QuantityError, format_milli, milli_value, parse_quantity, value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", Fraction(1)),
        ("100m", Fraction(1, 10)),
        ("1500m", Fraction(3, 2)),
        ("0.5", Fraction(1, 2)),
        (".5", Fraction(1, 2)),
        ("1.", Fraction(1)),
        ("1.G", Fraction(10**9)),
        ("250n", Fraction(250, 10**9)),
        ("5u", Fraction(5, 10**6)),
        ("2k", Fraction(2000)),
        ("128M", Fraction(128 * 10**6)),
        ("1G", Fraction(10**9)),
        ("1T", Fraction(10**12)),
        ("1P", Fraction(10**15)),
        ("1E", Fraction(10**18)),
        ("1Ki", Fraction(1024)),
        ("128Mi", Fraction(128 * 2**20)),
        ("1.5Gi", Fraction(3 * 2**29)),
        ("1Ti", Fraction(2**40)),
        ("1Pi", Fraction(2**50)),
        ("1Ei", Fraction(2**60)),
        ("1e3", Fraction(1000)),
        ("1E3", Fraction(1000)),
        ("12e-3", Fraction(12, 1000)),
        ("1e+6", Fraction(10**6)),
        ("+5", Fraction(5)),
        ("-5", Fraction(-5)),
        ("-100m", Fraction(-1, 10)),
        ("007", Fraction(7)),
        ("0", Fraction(0)),
    ],
)
def test_parse_quantity_suffixes(text: str, expected: Fraction) -> None:
    """resource.ParseQuantity (apimachinery/pkg/api/resource/quantity.go): SI, binary, exponent."""
    assert parse_quantity(text) == expected


@pytest.mark.parametrize(
    ("number", "expected"), [(2, Fraction(2)), (0.25, Fraction(1, 4)), (1.5, Fraction(3, 2))]
)
def test_parse_quantity_accepts_json_numbers(number: int | float, expected: Fraction) -> None:
    """Quantity.UnmarshalJSON: a bare JSON number (`cpu: 2` in YAML) is a quantity too."""
    assert parse_quantity(number) == expected


@pytest.mark.parametrize("text", ["", "abc", "1x", "1.2.3", "1 Gi", "1Gi ", "1/2", True])
def test_parse_quantity_rejects_bad_format(text: str) -> None:
    """resource.ErrFormatWrong: text outside ^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$."""
    with pytest.raises(QuantityError) as info:
        parse_quantity(text)
    assert str(info.value) == FORMAT_ERROR


@pytest.mark.parametrize("text", ["1e", "1Ki5", "1KK", "1mi", "1iK", "5Mii", "--1"])
def test_parse_quantity_rejects_bad_suffix(text: str) -> None:
    """resource.ErrSuffix: characters from the suffix alphabet that make no known suffix."""
    with pytest.raises(QuantityError, match="unable to parse quantity's suffix"):
        parse_quantity(text)


@pytest.mark.parametrize("text", ["Gi", "e3", ".", "-", "+"])
def test_parse_quantity_missing_number_is_zero(text: str) -> None:
    """parseQuantityString (quantity.go) reads a missing numerator as "0": `Gi` is a quantity of 0."""
    assert parse_quantity(text) == 0


@pytest.mark.parametrize(
    ("text", "units", "millis"),
    [
        ("1", 1, 1000),
        ("100m", 1, 100),
        ("0.0001", 1, 1),
        ("1.5", 2, 1500),
        ("-1.5", -1, -1500),
        ("1Ki", 1024, 1024000),
    ],
)
def test_value_and_milli_value_round_up(text: str, units: int, millis: int) -> None:
    """Quantity.Value and Quantity.MilliValue round up, as the scheduler's NewResource relies on."""
    assert value(parse_quantity(text)) == units
    assert milli_value(parse_quantity(text)) == millis


def test_format_milli() -> None:
    """podfsm's display of a millicore amount as a quantity: whole cores when it divides evenly."""
    assert [format_milli(n) for n in (0, 100, 1500, 2000)] == ["0", "100m", "1500m", "2"]
