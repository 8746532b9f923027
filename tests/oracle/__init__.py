"""Upstream's own Go runtime (3.30.0) as a test oracle: harness, generator, differential suite.

``harness`` runs ``kata-runtime`` in private mount namespaces (``worker``), ``generate`` makes
configs from the key catalogue, ``suite`` judges upstream's verdicts and values against ours
(``refusals``, ``envmap``, ``known``), ``results`` and ``fidelity`` make docs/fidelity.md, and
``hostcheck`` compares the two host checkers. ``python -m tests.oracle run`` runs it all.
"""
