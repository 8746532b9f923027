"""Semantic diff of an effective configuration (main file + drop-ins) against a baseline.

The baseline is one of our stock files (detected from the file, or named), another
configuration, or the values the runtime uses when a key is absent (``code-defaults``).
Values are compared as data, so layout, comments and ``1`` vs ``1.0`` never show up.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, Literal

from kata_config import baseline
from kata_config.arch import UnknownArchError, host_arch
from kata_config.diff_absent import resolve_removed
from kata_config.diff_retired import retired_table
from kata_config.findings import Finding, Severity
from kata_config.flavour import detect_runtime
from kata_config.keys.history import NEWEST, hypervisor_history
from kata_config.keys.spec import Runtime
from kata_config.model import KataConfig
from kata_config.probes.host import HostRoot
from kata_config.reader import Loaded, load_config
from kata_config.record import record, replace
from kata_config.stock import StockFile, UnknownDefaultError, find, parse_name, templates
from kata_config.stock import releases as old_stock
from kata_config.walk import flatten, spec_for, takes_effect

Kind = Literal["changed", "added", "removed"]
CODE_DEFAULTS: Final = "code-defaults"
MASK: Final = "********"


class DiffError(ValueError):
    """The diff cannot be made (unreadable input, no baseline); the message says why."""


@record
class Change:
    """One key that differs; ``path``/``line`` say where the user's value is written."""

    key: str
    kind: Kind
    baseline: Any
    value: Any
    path: str | None = None
    line: int | None = None
    description: str = ""


@record
class DiffResult:
    """All differences of one configuration against one baseline."""

    baseline: str
    baseline_path: str | None
    target: str
    files: tuple[str, ...]
    runtime: Runtime
    arch: str | None
    changes: tuple[Change, ...]
    ignored: tuple[Change, ...] = ()
    """Differences in keys the runtime (or that hypervisor) does not read: no effect."""
    why: tuple[str, ...] = ()
    """Why this baseline (runtime, arch, variant), one sentence each."""
    retired: tuple[Change, ...] = ()
    """Keys in top-level tables the release does not read (``[netmon]``, ``[image]``): no
    effect; each description says until when the table was read."""


def same(a: Any, b: Any) -> bool:
    """Equal as TOML data: ``1 == 1.0`` but ``true != 1``; lists element-wise."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and bool(a == b)


def compare(baseline: Mapping[str, Any], value: Mapping[str, Any]) -> list[tuple[str, Kind]]:
    """Keys that differ between two flat tables, in the order of ``value`` then removals."""
    out: list[tuple[str, Kind]] = []
    for key, val in value.items():
        if key not in baseline:
            out.append((key, "added"))
        elif not same(baseline[key], val):
            out.append((key, "changed"))
    out.extend((key, "removed") for key in baseline if key not in value)
    return out


def active_hypervisor(data: Mapping[str, Any], runtime: Runtime) -> str | None:
    """The hypervisor table the runtime would use; failing that, the first one (or None)."""
    cfg = KataConfig(data, runtime, arch="")  # the choice does not depend on the arch
    return cfg.active_hypervisor or next(iter(cfg.hypervisors), None)


def _stock_flat(stock: StockFile) -> dict[str, Any]:
    return flatten(stock.data())


def best_stock(
    flat: Mapping[str, Any], runtime: Runtime, hypervisor: str, arch: str | None, *,
    name: str = "", table: Mapping[str, Any] | None = None, releases: tuple[str, ...] = (),
) -> tuple[StockFile, dict[str, Any], tuple[str, ...]]:
    """The stock file to compare with, its values and why it was chosen.

    Without ``name``: the same runtime and hypervisor, the arch from ``arch`` or the file
    (``baseline.arch_of``), and among the variants whose features the file uses, the one
    with the fewest differences. ``releases`` are older releases whose stock files compete
    (x86_64 only); ``NEWEST`` among them (or none given) means the shipped newest files.
    """
    table = table or {}
    if name:
        base_name, _ = parse_name(name)
        stock = find(base_name, runtime, arch or "x86_64")
        return stock, _stock_flat(stock), (f"--against {name}",)
    try:
        here = host_arch()
    except UnknownArchError:
        here = "x86_64"  # a host we have no ArchSpec for: upstream's most common build
    chosen_arch, arch_why = baseline.arch_of(table, arch, here)
    cands: list[tuple[StockFile, str]] = []
    for rel in releases or (NEWEST,):
        if rel == NEWEST:
            cands += [(find(t.name, runtime, chosen_arch), why) for t, why in
                      baseline.allowed(templates(runtime, hypervisor), table)
                      if chosen_arch in t.arches]
        elif chosen_arch == old_stock.ARCH:
            files = {s.template: s for s in old_stock.files_of(runtime, rel, hypervisor)}
            cands += [(files[t], why) for t, why in baseline.allowed(tuple(files), table)]
    if not cands:
        at = f" of {', '.join(releases)}" if releases else ""
        raise DiffError(f"no stock {runtime} configuration{at} for hypervisor {hypervisor!r} "
                        f"on {chosen_arch} ({arch_why}); pass --arch or --against")
    scored = []
    for order, (stock, why) in enumerate(cands):
        base = _stock_flat(stock)
        scored.append((len(compare(base, flat)), -order, stock, base, why))
    _, _, stock, base, why = min(scored, key=lambda item: item[:2])
    names = ", ".join(dict.fromkeys(s.template.name + (f" {s.release}" if s.release else "")
                                    for s, _ in cands))
    return stock, base, (f"arch {chosen_arch}: {arch_why}",
                         f"{stock.template.name}: {why}, closest of {names}")


def _looks_like_path(against: str) -> bool:
    return "/" in against or against.endswith(".toml") or Path(against).exists()


def _load(path: Path, host: HostRoot | None = None) -> tuple[dict[str, Any], Loaded]:
    loaded = load_config(path, host=host)
    errors = [f for f in loaded.findings if f.severity == Severity.ERROR]
    if errors:
        raise DiffError("; ".join(_where(f) for f in errors))
    return loaded.data, loaded


def _where(finding: Finding) -> str:
    loc = finding.location
    at = f"{loc.path}:{loc.line}" if loc.line else loc.path
    return f"{at}: {finding.message}"


def diff_config(
    path: Path,
    against: str | None = None,
    runtime: Runtime | None = None,
    arch: str | None = None,
    root: str | os.PathLike[str] = "/",
    *,
    release: str | None = None,
) -> DiffResult:
    """Diff the effective configuration at ``path`` against a baseline.

    Args:
        root: read ``path`` (not ``against``) as a path inside this host root.
        release: the Kata release whose keys count (a key it does not read has no effect)
            and whose stock files are the baseline (the nearest release kata-config holds
            stock files of); None: the release the file's keys point to, else the newest.
        against: None for the best-matching stock file of the same hypervisor, runtime and
            arch; a stock name (``qemu-tdx``); a path to another configuration; or
            ``code-defaults`` for the built-in values of the keys the file sets.

    Raises:
        DiffError: an input cannot be read or no baseline fits; the message says which.
    """
    reader = HostRoot(root)
    data, loaded = _load(Path(path), None if reader.live else reader)
    flat = flatten(data)
    implied = parse_name(against)[1] if against and against != CODE_DEFAULTS else None
    rt = runtime or implied or detect_runtime(data, Path(path))
    hv = active_hypervisor(data, rt)
    why: list[str] = []
    if hv is not None and not against and not runtime and not _has_stock(rt, hv):
        other: Runtime = "rs" if rt == "go" else "go"
        if _has_stock(other, hv):
            why.append(f"runtime {other}: only {other} has a stock file for [hypervisor.{hv}] "
                       "(pass --runtime to choose)")
            rt = other
    releases: tuple[str, ...] = ()
    release_why = ""
    if hv is not None and not against:
        releases, release_why = baseline.stock_releases(data, rt, hv, release)
        if not releases:
            against = CODE_DEFAULTS
            why.append(f"no stock file for [hypervisor.{hv}]{_gone(hv, rt)}: compared with "
                       "the built-in values")
    baseline_path: str | None = None
    if against == CODE_DEFAULTS:
        base = baseline.code_defaults(flat, rt, hv, release or NEWEST)
        flat = {k: v for k, v in flat.items() if k in base}
        label = f"code-defaults ({rt}, {hv or 'no hypervisor'})"
    elif against and _looks_like_path(against):
        other_data, _ = _load(Path(against))
        base, label, baseline_path = flatten(other_data), against, against
    else:
        if hv is None and not against:
            raise DiffError(f"{path} has no [hypervisor.*] table; pass --against NAME or PATH")
        table = data.get("hypervisor", {}).get(hv, {}) if hv else {}
        try:
            stock, base, chosen = best_stock(flat, rt, hv or "", arch, name=against or "",
                                             table=table, releases=releases)
        except UnknownDefaultError as err:
            raise DiffError(str(err)) from err
        label, baseline_path, arch = f"stock {stock.label}", str(stock.path), stock.arch
        if stock.release and release is None:
            release = stock.release  # the file's own release: its keys are the ones that count
        why += [*chosen, *([release_why] if release_why else [])]
    effective_release = release or NEWEST
    found = [_change(key, kind, base, flat, loaded) for key, kind in compare(base, flat)]
    found = _semantic(found, path, baseline_path, rt, arch=arch, root=root,
                      release=effective_release)
    gone = [(c, retired_table(c.key, rt, effective_release)) for c in found]
    retired = [replace(c, description=why) for c, why in gone if why]
    found = [c for c, why in gone if not why]
    changes = tuple(c for c in found if takes_effect(c.key, rt, effective_release))
    ignored = tuple(c for c in found if not takes_effect(c.key, rt, effective_release))
    return DiffResult(label, baseline_path, str(loaded.main), loaded.files, rt, arch, changes,
                      ignored, tuple(why), tuple(retired))


def _has_stock(runtime: Runtime, hypervisor: str) -> bool:
    return bool(templates(runtime, hypervisor)) or any(
        old_stock.files_of(runtime, r, hypervisor) for r in old_stock.releases_held(runtime))


def _gone(hv: str, runtime: Runtime) -> str:
    history = hypervisor_history(hv)
    last = history.last(runtime) if history else ""
    return f" ({hv} was removed after {last})" if last and last != NEWEST else ""


def _semantic(found: list[Change], path: Path, baseline_path: str | None, rt: Runtime, *,
              arch: str | None, root: str | os.PathLike[str], release: str) -> list[Change]:
    """Absent keys by effective value (``release``'s built-in values): dropped when equal,
    else shown with that value."""
    removed = [c.key for c in found if c.kind == "removed"]
    resolved = resolve_removed(removed, path, baseline_path, rt, arch=arch, same=same,
                               root=root, release=release)
    out = []
    for change in found:
        verdict = resolved.get(change.key) if change.kind == "removed" else None
        if verdict is None:
            out.append(change)
        elif verdict[0]:
            out.append(replace(change, value=verdict[1], description=(
                f"not in the file: the runtime uses {verdict[1]!r}")))
    return out


def _change(
    key: str, kind: Kind, base: Mapping[str, Any], flat: Mapping[str, Any], loaded: Loaded
) -> Change:
    spec = spec_for(key)
    old, new = base.get(key), flat.get(key)
    if spec is not None and spec.secret:
        old = MASK if old else old
        new = MASK if new else new
    where = loaded.positions.get(key) if kind != "removed" else None
    description = spec.description if spec is not None and kind == "changed" else ""
    return Change(
        key,
        kind,
        old,
        new,
        where.path if where else str(loaded.main),
        where.line if where else None,
        description,
    )
