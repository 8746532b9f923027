"""Values that are plausible only in another unit: seconds written into a millisecond key,
bytes into a MiB key. The catalogue's units drive it, so every unit-bearing key is covered."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Final

from kata_config.findings import Issue, Rule, Severity
from kata_config.keyfacts import facts
from kata_config.keys import lookup
from kata_config.model import KataConfig
from kata_config.record import record
from kata_config.validators._util import as_exact, num_text

UNIT_SUSPICIOUS = Rule(
    "unit-suspicious", Severity.WARNING, "A number that only makes sense in another unit"
)


@record
class _Suspect:
    """When a value in ``unit`` is implausible, and what it was probably meant as."""

    implausible: Callable[[float], bool]
    advice: Callable[[str, float], str]
    """Given an int the value stays exact: integer arithmetic only (``//``)."""


_SUSPECTS: Final[Mapping[str, _Suspect]] = {
    "ms": _Suspect(
        lambda v: 0 < v < 10,  # upstream dragonball dials in 10 ms on purpose
        lambda n, v: f"{n} is in milliseconds, so {num_text(v)} is {num_text(v)} ms; if you "
        f"meant {num_text(v)} seconds write {num_text(v * 1000)}",
    ),
    "s": _Suspect(
        lambda v: v >= 100_000,
        lambda n, v: f"{n} is in seconds, so {num_text(v)} is over a day; if you meant "
        f"{num_text(v)} milliseconds write {num_text(v // 1000)}",
    ),
    "MiB": _Suspect(
        lambda v: v >= 1 << 20,
        lambda n, v: f"{n} is in MiB, so {num_text(v)} MiB is {num_text(v // (1 << 20))} TiB; "
        f"if you meant KiB write {num_text(v // 1024)}, if bytes {num_text(v // (1 << 20))}",
    ),
}


def check_units(cfg: KataConfig) -> Iterator[Issue]:
    """A number that only makes sense in another unit than the key's.

    Kata mixes units: agent timeouts are seconds in the Go runtime (``dial_timeout``) and
    milliseconds in runtime-rs (``dial_timeout_ms``); memory sizes are MiB. A value carried
    over from the other runtime, or written in bytes, loads without a word and then behaves
    a thousand or a million times off: a 5 ms dial timeout, a 2 GiB VM asked for as
    2147483648 MiB. Flagged: under 10 in a millisecond key, 100000 or more in a seconds key,
    1 TiB or more in a MiB key.

    Fails:
        # kata-config: --runtime rs
        [agent.kata]
        dial_timeout_ms = 5

    Passes:
        # kata-config: --runtime rs
        [agent.kata]
        dial_timeout_ms = 45000
    """
    for ref in facts(cfg).units:  # keys with a unit
        spec = lookup(ref.table, ref.name)
        suspect = _SUSPECTS.get(spec.unit or "") if spec else None
        value = as_exact(ref.value)  # exact: 10**20 is printed as written, never 1e+20
        if suspect is None or value is None or not suspect.implausible(value):
            continue
        yield Issue(ref.path, f"{ref.name} = {num_text(value)} looks like the wrong unit: "
                    f"{suspect.advice(ref.name, value)}")


CHECKS: Final = ((UNIT_SUSPICIOUS, check_units),)
