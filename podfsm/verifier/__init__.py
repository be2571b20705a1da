"""The verifier: named invariants over what is published, checked by Hypothesis after every step
(:mod:`~podfsm.verifier.stateful`, :mod:`~podfsm.verifier.strategies`) and by an exhaustive
explorer on every reachable state (:mod:`~podfsm.verifier.explorer`); mutants of the model that
the invariants must catch (:mod:`~podfsm.verifier.mutants`); a pytest plugin for users' suites
(:mod:`~podfsm.verifier.pytest_plugin`)."""
