"""Seeded generator of Go configs for the differential suite, built from the key catalogue.

Case ``i`` of seed ``s`` is always the same config, so any difference the suite finds can be
replayed by its index. Cases come in three kinds, interleaved so that any prefix mixes them:

* **key** cases change one key of a stock config: every Go key in turn, first with a valid
  value, then an invalid one (out of range, a typo of a choice, a bad path), then the wrong
  TOML type, then the rest of its pool (``values.pool``);
* **combo** cases set several related keys at once (``COMBOS``: the cross-field rules);
* **wild** cases stack one to three random edits: misspelt and misplaced keys, keys only
  runtime-rs reads, deleted keys, extra, missing or misnamed tables, and raw-text damage.
"""

from __future__ import annotations

import copy
import functools
import random
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from kata_config.keys import KEYS, KeySpec, Table, lookup
from tests.mutations import mutate
from tests.oracle.toml_out import dump
from tests.oracle.values import pool, typo

REPO: Final = Path(__file__).resolve().parents[2]
BASES: Final = tuple(sorted((REPO / "defaults" / "go" / "x86_64").glob("*.toml")))
GO_TABLES: Final = (Table.HYPERVISOR, Table.AGENT, Table.RUNTIME, Table.FACTORY,
                    Table.EXTENSION_IMAGE)
ORACLE_RELEASE: Final = "3.30"

COMBOS: Final[tuple[tuple[str, ...], ...]] = (
    ("runtime.disable_new_netns", "runtime.internetworking_model"),
    ("hv.hot_plug_vfio", "hv.cold_plug_vfio", "hv.machine_type"),
    ("hv.pcie_root_port", "hv.pcie_switch_port", "hv.hot_plug_vfio"),
    ("hv.block_device_logical_sector_size", "hv.block_device_physical_sector_size"),
    ("hv.shared_fs", "hv.virtio_fs_daemon"),
    ("hv.shared_fs", "hv.virtio_fs_cache", "hv.msize_9p"),
    ("hv.image", "hv.initrd"),
    ("hv.image", "hv.initrd", "hv.rootfs_type", "hv.kernel_verity_params"),
    ("factory.enable_template", "hv.initrd", "hv.image", "hv.shared_fs"),
    ("factory.vm_cache_number", "factory.enable_template"),
    ("hv.default_vcpus", "hv.default_maxvcpus"),
    ("hv.default_memory", "hv.default_maxmemory", "hv.memory_slots"),
    ("hv.confidential_guest", "hv.block_device_driver", "hv.machine_type", "hv.image",
     "hv.initrd"),
    ("hv.enable_vhost_user_store", "hv.enable_hugepages"),
    ("hv.snp_id_block", "hv.snp_id_auth"),
    ("hv.enable_numa", "hv.numa_mapping", "runtime.static_sandbox_resource_mgmt"),
    ("hv.enable_iommu", "hv.machine_type"),
    ("hv.disable_block_device_use", "hv.block_device_driver", "hv.memory_offset"),
    ("runtime.sandbox_bind_mounts", "runtime.sandbox_bind_mounts"),
    ("hv.enable_annotations", "hv.valid_hypervisor_paths"),
    ("agent.dial_timeout", "agent.cdh_api_timeout", "agent.launch_process_timeout"),
)
_PREFIX: Final = {"hv": Table.HYPERVISOR, "runtime": Table.RUNTIME, "agent": Table.AGENT,
                  "factory": Table.FACTORY}


@dataclass(frozen=True, slots=True)
class Generated:
    """One generated config: its TOML bytes and what was done to the stock file."""

    name: str
    data: bytes
    note: str


NEWER_THAN_ORACLE: Final = frozenset({"guest_extension_images", "visible_cdi_devices"})
"""Go keys of the newest release that 3.30 does not decode (checked against its structs)."""


def go_keys() -> tuple[KeySpec, ...]:
    """Every catalogue key the oracle's Go release decodes, in the tables the generator edits.

    Keys only newer releases read are unknown keys to the oracle: the wild cases write them.
    """
    return tuple(k for k in KEYS if "go" in k.runtimes and k.table in GO_TABLES
                 and k.type.value != "table" and k.name not in NEWER_THAN_ORACLE
                 and k.table is not Table.EXTENSION_IMAGE)


def foreign_keys() -> tuple[KeySpec, ...]:
    """Keys the oracle's release does not decode, in tables it has: runtime-rs's own keys
    and Go keys of newer releases."""
    return tuple(k for k in KEYS if k.table in GO_TABLES and k.type.value != "table"
                 and ("go" not in k.runtimes or k.name in NEWER_THAN_ORACLE))


def _hypervisor_of(data: dict[str, Any]) -> str:
    return str(next(iter(data.get("hypervisor") or {"qemu": {}})))


def _table(data: dict[str, Any], spec: KeySpec, hv: str) -> dict[str, Any]:
    if spec.table is Table.HYPERVISOR:
        return data.setdefault("hypervisor", {}).setdefault(hv, {})  # type: ignore[no-any-return]
    if spec.table is Table.AGENT:
        return data.setdefault("agent", {}).setdefault("kata", {})  # type: ignore[no-any-return]
    if spec.table is Table.EXTENSION_IMAGE:
        images = data.setdefault("hypervisor", {}).setdefault(hv, {}).setdefault(
            "guest_extension_images", [{"name": "ext", "path": "/opt/kata/ext.img"}])
        return images[0]  # type: ignore[no-any-return]
    return data.setdefault(spec.table.value, {})  # type: ignore[no-any-return]


def _base(rnd: random.Random, spec: KeySpec | None = None) -> tuple[str, dict[str, Any]]:
    bases = list(BASES)
    if spec is not None and "go" in spec.readers:
        readers = spec.readers["go"]
        fitting = [b for b in bases if _hypervisor_of(_parsed(b)) in readers]
        bases = fitting or bases
    path = rnd.choice(bases)
    return path.stem.removeprefix("configuration-"), _load(path)


def _load(path: Path) -> dict[str, Any]:
    return copy.deepcopy(_parsed(path))


@functools.cache
def _parsed(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


_BAD: Final = ("above", "below", "typo", "negative", "relative", "home", "tilde", "junk", "bad",
                "rs", "missing", "odd", "bogus", "i64", "u32")


def _rank(label: str) -> int:
    if label == "wrong-type":
        return 2
    return 1 if any(word in label for word in _BAD) else 0


def _ordered_pool(spec: KeySpec, rnd: random.Random) -> list[tuple[str, Any]]:
    """A key's pool, one value per class first: valid classes, then invalid, then wrong types."""
    values = pool(spec)
    rnd.shuffle(values)
    values.sort(key=lambda lv: _rank(lv[0]))
    firsts: dict[str, int] = {}
    for index, (label, _) in enumerate(values):
        firsts.setdefault(label, index)
    lead = sorted(firsts.values(), key=lambda i: _rank(values[i][0]))
    return [values[i] for i in lead] + [v for i, v in enumerate(values) if i not in lead]


def _where(spec: KeySpec, hv: str) -> str:
    return spec.table.value.replace("*", hv if spec.table.value.startswith("hyp") else "kata")


def _key_case(spec: KeySpec, label: str, value: Any, rnd: random.Random) -> Generated:
    base, data = _base(rnd, spec)
    hv = _hypervisor_of(data)
    _table(data, spec, hv)[spec.name] = value
    note = f"{base}: {_where(spec, hv)}.{spec.name} = {value!r} ({label})"
    return Generated("", dump(data).encode(), note)


def _combo_case(group: tuple[str, ...], rnd: random.Random) -> Generated:
    base, data = _base(rnd)
    hv = _hypervisor_of(data)
    notes = []
    for dotted in group:
        prefix, name = dotted.split(".", 1)
        spec = lookup(_PREFIX[prefix], name)
        assert spec is not None, dotted
        label, value = rnd.choice(pool(spec))
        _table(data, spec, hv)[name] = value
        notes.append(f"{name} = {value!r} ({label})")
    return Generated("", dump(data).encode(), f"{base}: " + ", ".join(notes))


def _wild_edit(data: dict[str, Any], rnd: random.Random) -> str:
    hv = _hypervisor_of(data)
    keys = go_keys()
    kind = rnd.randrange(9)
    if kind == 0:
        spec = rnd.choice(keys)
        wrong = typo(spec.name, rnd)
        _table(data, spec, hv)[wrong] = rnd.choice(pool(spec))[1]
        return f"misspelt {spec.name} as {wrong}"
    if kind == 1:
        spec = rnd.choice(keys)
        other = rnd.choice([k for k in keys if k.table is not spec.table])
        _table(data, other, hv)[spec.name] = rnd.choice(pool(spec))[1]
        return f"{spec.table.value} key {spec.name} written in {other.table.value}"
    if kind == 2:
        spec = rnd.choice(foreign_keys())
        _table(data, spec, hv)[spec.name] = rnd.choice(pool(spec))[1]
        who = "newer Go" if "go" in spec.runtimes else "runtime-rs"
        return f"{who} key {spec.table.value}.{spec.name}"
    if kind == 3:
        spec = rnd.choice(keys)
        _table(data, spec, hv).pop(spec.name, None)
        return f"deleted {spec.table.value}.{spec.name}"
    if kind == 4:
        name = rnd.choice(["qemu", "clh", "firecracker", "stratovirt", "remote", "dragonball",
                           "kvm", "acrn", "cloud-hypervisor"])
        tables = data.setdefault("hypervisor", {})
        tables[name] = dict(tables.get(hv, {}))
        if rnd.random() < 0.5 and hv in tables and hv != name:
            del data["hypervisor"][hv]
            return f"[hypervisor.{hv}] renamed to [hypervisor.{name}]"
        return f"second hypervisor table [hypervisor.{name}]"
    if kind == 5:
        table = rnd.choice(["hypervisor", "agent", "runtime", "factory"])
        data.pop(table, None)
        return f"removed the [{table}] table(s)"
    if kind == 6:
        data[rnd.choice(["image", "netmon", "shimv2", "proxy"])] = {"enable": True}
        return "unknown top-level table"
    if kind == 7:
        data.setdefault("agent", {})[rnd.choice(["kata", "other"])] = {"enable_debug": True}
        return "agent table edited"
    spec = rnd.choice(keys)
    label, value = rnd.choice(pool(spec))
    _table(data, spec, hv)[spec.name] = value
    return f"{spec.table.value}.{spec.name} = {value!r} ({label})"


def _wild_case(rnd: random.Random) -> Generated:
    base, data = _base(rnd)
    notes = [_wild_edit(data, rnd) for _ in range(rnd.randint(1, 3))]
    text = dump(data).encode()
    if rnd.random() < 0.15:
        text = mutate(text, rnd, 1)
        notes.append("raw-text damage")
    return Generated("", text, f"{base}: " + "; ".join(notes))


def _key_schedule(seed: int) -> list[tuple[KeySpec, str, Any]]:
    rnd = random.Random(seed)
    pools = [(spec, _ordered_pool(spec, rnd)) for spec in go_keys()]
    rounds = max(len(p) for _, p in pools)
    schedule: list[tuple[KeySpec, str, Any]] = []
    for index in range(rounds):
        layer = [(spec, *values[index]) for spec, values in pools if index < len(values)]
        rnd.shuffle(layer)
        schedule += layer
    return schedule


def generate(count: int, seed: int = 14) -> Iterator[Generated]:
    """The first ``count`` generated configs of ``seed``: key, combo and wild cases mixed."""
    schedule = _key_schedule(seed)
    next_key = 0
    for index in range(count):
        rnd = random.Random(f"{seed}-{index}")
        if index % 5 == 3:
            case = _combo_case(COMBOS[(index // 5) % len(COMBOS)], rnd)
        elif index % 5 == 4:
            case = _wild_case(rnd)
        else:
            spec, label, value = schedule[next_key % len(schedule)]
            next_key += 1
            case = _key_case(spec, label, value, rnd)
        yield Generated(f"gen-{seed}-{index}", case.data, case.note)
