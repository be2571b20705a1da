"""Kubernetes resource quantities (``100m``, ``1.5Gi``, ``2e3``) as exact fractions.

The grammar is ``resource.ParseQuantity``'s (``staging/src/k8s.io/apimachinery/pkg/api/resource/
quantity.go``): an optional sign, digits with at most one ``.``, then one suffix:

- decimal SI: ``n`` ``u`` ``m`` (none) ``k`` ``M`` ``G`` ``T`` ``P`` ``E``;
- binary SI: ``Ki`` ``Mi`` ``Gi`` ``Ti`` ``Pi`` ``Ei``;
- a decimal exponent: ``e3``, ``E-2``, ``e+6``.

A JSON/YAML number (``cpu: 2``, ``cpu: 0.5``) is accepted too, as the API server accepts one.
The scheduler compares quantities in whole units, rounding up as ``Quantity.Value`` and
``Quantity.MilliValue`` do: see :func:`value` and :func:`milli_value`.
"""

from __future__ import annotations

import math
from fractions import Fraction

__all__ = [
    "FORMAT_ERROR",
    "QuantityError",
    "format_milli",
    "milli_value",
    "parse_quantity",
    "value",
]

# resource.ErrFormatWrong and resource.ErrSuffix, word for word.
FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
SUFFIX_ERROR = "unable to parse quantity's suffix"

_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_SUFFIX_CHARS = frozenset("eEinumkKMGTP")
_DIGITS = frozenset("0123456789")


class QuantityError(ValueError):
    """A string that is not a Kubernetes quantity; the message is the API server's."""


def parse_quantity(text: str | int | float) -> Fraction:
    """The exact value of a quantity: ``parse_quantity("100m") == Fraction(1, 10)``.

    Raises :class:`QuantityError` with ``resource.ParseQuantity``'s message for anything else.
    """
    if isinstance(text, bool):
        raise QuantityError(FORMAT_ERROR)
    if isinstance(text, int):
        return Fraction(text)
    if isinstance(text, float):
        if not math.isfinite(text):
            raise QuantityError(FORMAT_ERROR)
        return Fraction(repr(text))
    if not isinstance(text, str) or not text:
        raise QuantityError(FORMAT_ERROR)
    number, suffix = _split(text)
    return number * _multiplier(suffix)


def _split(text: str) -> tuple[Fraction, str]:
    """Scan sign, digits and fraction, then the suffix, as ``parseQuantityString`` does."""
    pos, end = 0, len(text)
    negative = text[0] == "-"
    if text[0] in "+-":
        pos = 1
    start = pos
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    whole = text[start:pos]
    fraction = ""
    if pos < end and text[pos] == ".":
        pos += 1
        fstart = pos
        while pos < end and text[pos] in _DIGITS:
            pos += 1
        fraction = text[fstart:pos]
    number = Fraction(int(whole or "0")) + (Fraction(int(fraction), 10 ** len(fraction)) if fraction else 0)
    suffix_start = pos
    while pos < end and text[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos < end and text[pos] in "+-":
        pos += 1
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    if pos != end:
        raise QuantityError(FORMAT_ERROR)
    return (-number if negative else number), text[suffix_start:]


def _multiplier(suffix: str) -> Fraction:
    if suffix in _DECIMAL:
        return Fraction(10) ** _DECIMAL[suffix]
    if suffix in _BINARY:
        return Fraction(2) ** _BINARY[suffix]
    if len(suffix) > 1 and suffix[0] in "eE":
        exponent = suffix[1:]
        digits = exponent[1:] if exponent[0] in "+-" else exponent
        if digits and all(ch in _DIGITS for ch in digits):
            return Fraction(10) ** int(exponent)
    raise QuantityError(SUFFIX_ERROR)


def value(quantity: Fraction) -> int:
    """``Quantity.Value()``: whole units, rounded up (``1.5`` -> 2, ``-1.5`` -> -1)."""
    return math.ceil(quantity)


def milli_value(quantity: Fraction) -> int:
    """``Quantity.MilliValue()``: thousandths, rounded up (``0.0001`` cpu -> 1m)."""
    return math.ceil(quantity * 1000)


def format_milli(milli: int) -> str:
    """A CPU amount in millicores as a quantity string: ``1500`` -> ``"1500m"``, ``2000`` -> ``"2"``."""
    return str(milli // 1000) if milli % 1000 == 0 else f"{milli}m"
