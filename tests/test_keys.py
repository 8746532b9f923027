"""The key catalogue against the reference tables and the real upstream configs."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from kata_config.keys import (
    HYPERVISOR_NAMES,
    KEYS,
    REQUIRED,
    KeySpec,
    Runtime,
    Table,
    ValueType,
    generate,
    keys_of,
    lookup,
)
from kata_config.record import fields, is_record

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
REFERENCE = SHARED / "reference" / "config-keys.md"
RENDERED = SHARED / "corpus" / "kata-upstream" / "rendered"
NO_SHARED = "../shared is missing (reference and corpus live outside the repo)"

# Names each table holds (aliases included) and how many of them are aliases: the reference's
# row counts list an alias row like any other key.
EXPECTED_NAMES = {
    Table.HYPERVISOR: 126,
    Table.AGENT: 20,
    Table.MEM_AGENT: 17,
    Table.RUNTIME: 31,
    Table.FACTORY: 4,
    Table.HV_FACTORY: 2,
    Table.EXTENSION_IMAGE: 3,
    Table.ROOTLESS_USER: 4,
    Table.SHARED_MOUNT: 5,
}
EXPECTED_ALIASES = {Table.HYPERVISOR: 1, Table.MEM_AGENT: 1}

# Reference section → table; §9 rows are checked against HV_FACTORY separately.
SECTION_TABLES = {
    "5": Table.HYPERVISOR,
    "6": Table.AGENT,
    "7": Table.MEM_AGENT,
    "8": Table.RUNTIME,
    "9": Table.FACTORY,
    "10": Table.EXTENSION_IMAGE,
    "11": Table.ROOTLESS_USER,
    "12": Table.SHARED_MOUNT,
}
COUNT_LABELS = {
    "hypervisor-table": Table.HYPERVISOR,
    "agent": Table.AGENT,
    "mem_agent": Table.MEM_AGENT,
    "runtime": Table.RUNTIME,
    "factory": Table.FACTORY,
    "guest_extension_images": Table.EXTENSION_IMAGE,
    "rootless_user": Table.ROOTLESS_USER,
    "shared_mounts": Table.SHARED_MOUNT,
}
TYPE_WORDS = (  # first words of the reference's "TOML type" column, most specific first
    ("array of strings", ValueType.STRING_ARRAY),
    ("array of integers", ValueType.INTEGER_ARRAY),
    ("array of tables", ValueType.TABLE_ARRAY),
    ("table", ValueType.TABLE),
    ("string", ValueType.STRING),
    ("bool", ValueType.BOOL),
    ("integer", ValueType.INTEGER),
    ("float", ValueType.FLOAT),
)
NOTE_RUNTIMES = {"G+R.": {"go", "rs"}, "G only.": {"go"}, "R only.": {"rs"}}

# Keys the upstream templates set although that runtime (or that hypervisor's builder) never
# reads them: validation-rules.md §6 items 2-4, plus a value Go overrides for clh whatever the
# file says (config-keys.md §5.4, rule B10). Anything else in a template must take effect.
UNREAD_IN_TEMPLATES = {
    ("go", "clh", "disable_image_nvdimm"),
    ("rs", "*", "firmware_volume"),
    ("rs", "*", "use_legacy_serial"),
    ("rs", "*", "vhost_user_reconnect_timeout_sec"),
    ("rs", "*", "kubelet_root_dir"),
    ("rs", "*", "remote_hypervisor_socket"),
    ("rs", "*", "remote_hypervisor_timeout"),
    ("go", "clh", "virtio_fs_queue_size"),
    ("go", "clh", "enable_iommu"),
    *(
        ("go", "firecracker", k)
        for k in (
            "memory_offset",
            "block_device_cache_set",
            "block_device_cache_noflush",
            "enable_mem_prealloc",
            "enable_iommu",
            "msize_9p",
        )
    ),
    *(
        ("go", "stratovirt", k)
        for k in (
            "block_device_cache_set",
            "block_device_cache_direct",
            "block_device_cache_noflush",
            "enable_iommu",
        )
    ),
    *(
        ("go", "remote", k)
        for k in (
            "firmware",
            "default_bridges",
            "memory_slots",
            "enable_debug",
            "disable_selinux",
            "disable_guest_selinux",
        )
    ),
}


# --- reference parsing -----------------------------------------------------------------------


def _reference_rows() -> list[tuple[str, list[str]]]:
    """(section, cells) for every key row of §5-§12 of config-keys.md."""
    if not REFERENCE.is_file():
        pytest.skip(NO_SHARED)
    rows: list[tuple[str, list[str]]] = []
    section = ""
    for line in REFERENCE.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^##+ (\d+)(?:\.\d+)?\.? ", line)
        if heading:
            section = heading.group(1)
        elif section in SECTION_TABLES and re.match(r"^\| `[^`]+` \|", line):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows.append((section, cells))
    return rows


def _name(cells: list[str]) -> str:
    return cells[0].strip("`")


def _is_alias(cells: list[str]) -> bool:
    return "alias of extra_monitor_socket" in cells[-1] or "Canonical name of" in cells[-1]


def _spec(table: Table, name: str) -> KeySpec:
    spec = lookup(table, name)
    assert spec is not None, f"{name} is not catalogued in {table.value}"
    return spec


def test_every_reference_key_is_catalogued() -> None:
    for section, cells in _reference_rows():
        _spec(SECTION_TABLES[section], _name(cells))


def test_reference_counts_match_catalogue() -> None:
    rows = _reference_rows()
    counts_line = next(
        line for line in REFERENCE.read_text(encoding="utf-8").splitlines()
        if line.startswith("Counts:")
    )
    stated = {
        COUNT_LABELS[label]: int(n)
        for n, label in re.findall(r"(\d+) ([\w-]+) keys", counts_line)
    }
    per_table = Counter(SECTION_TABLES[section] for section, _ in rows)
    assert stated == dict(per_table)
    for table, rows_in_table in per_table.items():
        assert _names_in(table) == rows_in_table, table


def _names_in(table: Table) -> int:
    return sum(1 + len(spec.aliases) for spec in keys_of(table))


def test_catalogue_counts() -> None:
    for table, expected in EXPECTED_NAMES.items():
        specs = keys_of(table)
        assert _names_in(table) == expected, table
        assert len(specs) == expected - EXPECTED_ALIASES.get(table, 0), table


def test_reference_types_and_runtimes() -> None:
    for section, cells in _reference_rows():
        if _is_alias(cells):
            continue
        spec = _spec(SECTION_TABLES[section], _name(cells))
        kind = next(vt for word, vt in TYPE_WORDS if cells[1].startswith(word))
        assert spec.type is kind, spec.name
        runtimes = set(spec.runtimes)
        if section == "9":  # the factory keys are split over Go's and runtime-rs' tables
            hv_factory = lookup(Table.HV_FACTORY, spec.name)
            runtimes |= set(hv_factory.runtimes) if hv_factory else set()
        note = next(n for n in NOTE_RUNTIMES if cells[-1].startswith(n))
        assert runtimes == NOTE_RUNTIMES[note], spec.name


def test_hv_factory_holds_only_keys_both_runtimes_read() -> None:
    shared = {_name(c) for s, c in _reference_rows() if s == "9" and c[-1].startswith("G+R.")}
    assert {spec.name for spec in keys_of(Table.HV_FACTORY)} == shared
    assert all(spec.runtimes == {"rs"} for spec in keys_of(Table.HV_FACTORY))
    assert all(spec.runtimes == {"go"} for spec in keys_of(Table.FACTORY))


# --- catalogue self-consistency --------------------------------------------------------------


def _has_type(kind: ValueType, value: Any) -> bool:
    scalar = {
        ValueType.STRING: lambda v: isinstance(v, str),
        ValueType.BOOL: lambda v: isinstance(v, bool),
        ValueType.INTEGER: lambda v: isinstance(v, int) and not isinstance(v, bool),
        # Both runtimes accept an integer where a float is expected.
        ValueType.FLOAT: lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        ValueType.TABLE: lambda v: isinstance(v, Mapping),
    }
    if kind in scalar:
        return bool(scalar[kind](value))
    item = {
        ValueType.STRING_ARRAY: ValueType.STRING,
        ValueType.INTEGER_ARRAY: ValueType.INTEGER,
        ValueType.TABLE_ARRAY: ValueType.TABLE,
    }[kind]
    return isinstance(value, list) and all(_has_type(item, v) for v in value)


@pytest.mark.parametrize("spec", KEYS, ids=[f"{s.table.value}:{s.name}" for s in KEYS])
def test_spec_is_well_formed(spec: KeySpec) -> None:
    assert spec.description.strip() == spec.description
    assert spec.description
    assert "\n" not in spec.description
    assert len(spec.description) < 120
    for where, value in spec.defaults.items():
        runtime, _, hypervisor = where.partition(".")
        assert runtime in spec.runtimes, where
        assert not hypervisor or hypervisor in HYPERVISOR_NAMES[runtime], where
        assert value is REQUIRED or _has_type(spec.type, value), (where, value)
        if value is not REQUIRED and spec.choices.get(runtime):
            assert value in spec.choices[runtime], (where, value)
    for runtime, values in spec.choices.items():
        assert runtime in spec.runtimes
        assert values
        assert len(set(values)) == len(values)
        assert all(_has_type(spec.type, v) for v in values)
    for runtime, readers in spec.readers.items():
        assert spec.table is Table.HYPERVISOR
        assert runtime in spec.runtimes
        assert readers
        assert readers <= set(HYPERVISOR_NAMES[runtime])
    if spec.minimum is not None and spec.maximum is not None:
        assert spec.minimum <= spec.maximum


def test_no_duplicate_names_or_aliases() -> None:
    seen = Counter((s.table, n) for s in KEYS for n in (s.name, *s.aliases))
    assert [k for k, n in seen.items() if n > 1] == []


def test_lookup_aliases_and_annotations() -> None:
    assert _spec(Table.HYPERVISOR, "dbg_monitor_socket").name == "extra_monitor_socket"
    assert _spec(Table.MEM_AGENT, "enable").name == "mem_agent_enable"
    assert _spec(Table.HYPERVISOR, "default_maxvcpus").annotation == "default_max_vcpus"
    assert _spec(Table.RUNTIME, "jaeger_password").secret
    assert lookup(Table.HYPERVISOR, "no_such_key") is None


def test_choices_and_defaults_differ_per_runtime() -> None:
    driver = _spec(Table.HYPERVISOR, "block_device_driver")
    assert "virtio-blk" in driver.choices_for("go")
    assert "virtio-blk" not in driver.choices_for("rs")
    assert driver.default_for("rs") == "virtio-blk-pci"
    memory = _spec(Table.HYPERVISOR, "default_memory")
    assert memory.default_for("rs", "openvmm") is REQUIRED
    assert memory.default_for("go", "qemu") == 2048
    assert _spec(Table.RUNTIME, "name").default_for("rs") is REQUIRED


def test_readers_follow_reference_notes() -> None:
    assert not _spec(Table.HYPERVISOR, "enable_iommu").read_by("go", "clh")
    assert _spec(Table.HYPERVISOR, "enable_iommu").read_by("go", "qemu")
    assert not _spec(Table.HYPERVISOR, "disk_rate_limiter_bw_max_rate").read_by("go", "qemu")
    assert _spec(Table.HYPERVISOR, "disk_rate_limiter_bw_max_rate").read_by("rs", "dragonball")
    assert not _spec(Table.HYPERVISOR, "firmware_volume").read_by("rs", "qemu")


# --- the real upstream configs ---------------------------------------------------------------


def _corpus_files() -> list[Path]:
    return sorted(RENDERED.glob("*/*/*.toml")) if RENDERED.is_dir() else []


def _runtime_of(path: Path) -> Runtime:
    return "go" if path.parent.name == "runtime-go" else "rs"


def _tables(data: Mapping[str, Any]) -> Iterator[tuple[Table, str | None, Mapping[str, Any]]]:
    """(table kind, hypervisor name for hypervisor-scoped tables, table data) for a config."""
    for hv_name, hv in data.get("hypervisor", {}).items():
        yield Table.HYPERVISOR, hv_name, hv
        if "factory" in hv:
            yield Table.HV_FACTORY, hv_name, hv["factory"]
        if "rootless_user" in hv:
            yield Table.ROOTLESS_USER, hv_name, hv["rootless_user"]
        for image in hv.get("guest_extension_images", []):
            yield Table.EXTENSION_IMAGE, hv_name, image
    for agent in data.get("agent", {}).values():
        yield Table.AGENT, None, agent
        if "mem_agent" in agent:
            yield Table.MEM_AGENT, None, agent["mem_agent"]
    runtime = data.get("runtime", {})
    yield Table.RUNTIME, None, runtime
    for mount in runtime.get("shared_mounts", []):
        yield Table.SHARED_MOUNT, None, mount
    if "factory" in data:
        yield Table.FACTORY, None, data["factory"]


def _corpus_keys(path: Path) -> Iterator[tuple[KeySpec, str | None, Any]]:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    for table, hypervisor, content in _tables(data):
        for name, value in content.items():
            yield _spec(table, name), hypervisor, value


def _unread(runtime: Runtime, spec: KeySpec, hypervisor: str | None) -> bool:
    return (runtime, "*", spec.name) in UNREAD_IN_TEMPLATES or (
        (runtime, hypervisor, spec.name) in UNREAD_IN_TEMPLATES
    )


CORPUS = _corpus_files()
corpus = pytest.mark.parametrize(
    "path", CORPUS or [pytest.param(None, marks=pytest.mark.skip(reason=NO_SHARED))],
    ids=[f"{p.parent.parent.name}/{p.parent.name}/{p.name}" for p in CORPUS] or None,
)


@pytest.mark.corpus
@corpus
def test_corpus_keys_are_catalogued_with_their_type(path: Path) -> None:
    for spec, _, value in _corpus_keys(path):
        assert _has_type(spec.type, value), (spec.name, value)


@pytest.mark.corpus
@corpus
def test_corpus_keys_are_read_unless_documented(path: Path) -> None:
    runtime = _runtime_of(path)
    for spec, hypervisor, _ in _corpus_keys(path):
        read = spec.read_by(runtime, hypervisor if spec.table is Table.HYPERVISOR else None)
        assert read != _unread(runtime, spec, hypervisor), (spec.name, hypervisor)


@pytest.mark.corpus
@corpus
def test_corpus_values_are_allowed_choices(path: Path) -> None:
    runtime = _runtime_of(path)
    for spec, hypervisor, value in _corpus_keys(path):
        allowed = spec.choices_for(runtime)
        if allowed and not _unread(runtime, spec, hypervisor):
            assert value in allowed, (spec.name, value)



def _same(got: Any, want: Any) -> bool:
    """Equal, and of the same types all the way down (1 is not 1.0, a list not a tuple)."""
    if type(got) is not type(want):
        return False
    if isinstance(got, (list, tuple)):
        return len(got) == len(want) and all(map(_same, got, want))
    if isinstance(got, dict):
        return list(got) == list(want) and all(
            _same(k, next(w for w in want if w == k)) and _same(v, want[k])
            for k, v in got.items())
    if isinstance(got, frozenset):
        return bool(got == want) and sorted(map(repr, got)) == sorted(map(repr, want))
    if is_record(got):
        return all(_same(getattr(got, f.name), getattr(want, f.name)) for f in fields(got))
    return bool(got == want)


def test_generated_catalogue_is_current() -> None:
    """``keys/catalogue.py`` is what the declarations assemble to, text and values."""
    assert generate.TARGET.read_text(encoding="utf-8") == generate.render(), (
        "the key declarations changed: run python -m kata_config.keys.generate")
    assert _same(KEYS, generate.assembled())
