"""The one key walk hands each per-key rule exactly the keys its own conditions look at.

``keyfacts.facts`` replaced a walk over every key in each of nine rules. Each list must hold
the keys, in file order, that the rule's former filter kept (written out here as it was), for
every corpus config and rule fixture, each runtime and several releases.
"""

from __future__ import annotations

import pytest

from kata_config.keyfacts import facts
from kata_config.keys import lookup
from kata_config.keys.history import RELEASES, key_history, key_status, value_history
from kata_config.model import KataConfig
from kata_config.walk import KeyRef
from tests.corpus import parsed_configs

CONFIGS = parsed_configs()
RELEASES_TRIED = sorted({*RELEASES["go"][::6], *RELEASES["rs"][::3], RELEASES["go"][-1]})


def _never_read(cfg: KataConfig, ref: KeyRef) -> bool:
    spec = lookup(ref.table, ref.name)
    if spec is None or cfg.runtime in spec.runtimes:
        return False
    history = key_history(ref.table.value, ref.name)
    return history is None or history.status(cfg.runtime, cfg.release) == "never"


def _choices(cfg: KataConfig, ref: KeyRef) -> bool:
    spec = lookup(ref.table, ref.name)
    return spec is not None and cfg.runtime in spec.runtimes and bool(
        spec.choices_for(cfg.runtime))


def _value_history(cfg: KataConfig, ref: KeyRef) -> bool:
    return (isinstance(ref.value, str) and lookup(ref.table, ref.name) is not None
            and value_history(cfg.runtime, ref.table.value, ref.name, ref.value, cfg.arch)
            is not None)


def _placeholder(ref: KeyRef) -> bool:
    values = ref.value if isinstance(ref.value, list) else [ref.value]
    return any(isinstance(v, str) and "@" in v for v in values)


@pytest.mark.parametrize("runtime", ["go", "rs"])
@pytest.mark.parametrize("release", RELEASES_TRIED)
def test_each_list_is_what_the_rules_filter_kept(runtime: str, release: str) -> None:
    assert len(CONFIGS) > 50
    for data in CONFIGS:
        cfg = KataConfig(data, runtime, "x86_64", release)  # type: ignore[arg-type]
        got = facts(cfg)
        refs = cfg.key_refs
        assert got.history == tuple(
            r for r in refs
            if key_status(r.table.value, r.name, cfg.runtime, release) in ("retired", "gap",
                                                                           "future"))
        assert got.never_read == tuple(r for r in refs if _never_read(cfg, r))
        assert got.choices == tuple(r for r in refs if _choices(cfg, r))
        # a superset of the keys with a value history entry: those with rows for the key
        assert all(r in got.value_history for r in refs if _value_history(cfg, r))
        assert all(isinstance(r.value, str) for r in got.value_history)
        assert got.units == tuple(r for r in refs
                                  if (spec := lookup(r.table, r.name)) and spec.unit)
        assert got.placeholders == tuple(r for r in refs if _placeholder(r))
        assert facts(cfg) is got  # worked out once per configuration
