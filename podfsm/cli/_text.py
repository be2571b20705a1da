"""Small text helpers shared by the commands: counts with the right plural, numbers as given."""

from __future__ import annotations

from typing import Any

__all__ = ["dump", "number", "plural", "yaml_item"]


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``1 pod``, ``2 pods``, ``0 pods``, ``1,000 pods``; ``plural_form`` for irregular nouns."""
    return f"{count:,} {noun if count == 1 else (plural_form or noun + 's')}"


def number(value: float) -> str:
    """A number as it was given: ``9`` for 9 and 9.0, ``9.5`` for 9.5 (no ``9.0``, no exponent)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def dump(obj: Any, output: str) -> str:
    """``obj`` as ``-o json`` (two-space indent) or ``-o yaml`` (block style, keys in order) prints it."""
    if output == "yaml":
        import yaml

        return str(yaml.safe_dump(obj, sort_keys=False, allow_unicode=True, width=1_000_000))
    from podfsm._io import dumps

    return dumps(obj)


def yaml_item(obj: Any) -> str:
    """One element of a YAML sequence (``- ...``), for writing a list one element at a time."""
    return dump([obj], "yaml")
