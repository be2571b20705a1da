"""Suite-wide set-up: derandomized Hypothesis runs that do not depend on which tests ran before.

Hypothesis (6.131 and later) mixes constants it finds in the loaded local modules into its draws
(``hypothesis.internal.conjecture.providers._get_local_constants``). Which of podfsm's and the
tests' modules are loaded depends on the tests that ran before (several import lazily), so a
derandomized test drew different examples alone and in the whole suite: the stateful run found a
counterexample only in the suite, and the measured shares of the drawn lives moved by ten points.
The suite pins that pool empty, so each derandomized test draws the same examples whatever runs
before it. A Hypothesis without the pool is left as it is.
"""

from __future__ import annotations


def _pin_local_constants() -> None:
    try:
        from hypothesis.internal.conjecture import providers

        empty = providers.Constants(
            integers=providers.SortedSet(),
            floats=providers.SortedSet(key=providers.float_to_int),
            bytes=providers.SortedSet(),
            strings=providers.SortedSet(),
        )
        providers._get_local_constants  # noqa: B018 (present in this Hypothesis)
    except (ImportError, AttributeError, TypeError):
        return
    providers._get_local_constants = lambda: empty


_pin_local_constants()
