"""Property: no generated hostile input (any file type, size or shape, given to any command
that reads a file) hangs, crashes, leaks the secret beside a root or changes anything outside.

The long run (10,000 cases) is ``python benchmarks/fuzz_hostile.py``; this is its quick form.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile.cases import run_case
from tests.mutations import seeds

SEEDS = seeds()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_generated_hostile_inputs_end_in_a_sentence(seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        outcome = run_case(random.Random(seed), Path(tmp), SEEDS)
    assert outcome.problem is None, outcome
