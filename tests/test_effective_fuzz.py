"""load() on mutated upstream configs: an Effective or a LoadError, never a crash."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kata_config import Effective, KataConfigError, load
from tests.mutations import mutate, seeds


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), rounds=st.integers(1, 6))
def test_load_never_crashes(tmp_path: Path, seed: int, rounds: int) -> None:
    rnd = random.Random(seed)
    path = tmp_path / "configuration.toml"
    path.write_bytes(mutate(rnd.choice(seeds()), rnd, rounds))
    try:
        eff = load(path, arch="x86_64")
    except KataConfigError as exc:
        message = str(exc)
        eff = None
    if eff is None:
        assert message  # a sentence, never an empty error
        return
    assert isinstance(eff, Effective)
    for key in eff.values():
        eff.origin(key)
