"""The release history: consistent with the catalogue, its notes and upstream facts we checked."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import kata_config
from kata_config.keys import KEYS, RUNTIMES, Table, lookup
from kata_config.keys import history_data as data
from kata_config.keys import history_notes as notes
from kata_config.keys.history import (
    NEWEST,
    RELEASES,
    UnknownReleaseError,
    hypervisor_history,
    hypervisors_in,
    key_history,
    parse_release,
    strict_in,
)
from kata_config.keys.spec import HYPERVISOR_NAMES
from kata_config.model import KataConfig
from kata_config.validators import run_checks

# runtime-rs accepts dbg_monitor_socket as an alias; the catalogue lists aliases without runtime.
_ALIAS_ONLY = {("go", "hypervisor.*", "dbg_monitor_socket")}


def test_newest_release_is_what_the_catalogue_describes() -> None:
    """Every catalogue key is read at NEWEST by exactly the runtimes the catalogue names."""
    wrong = []
    for spec in KEYS:
        for rt in RUNTIMES:
            if (rt in spec.runtimes) != spec.read_in(rt, NEWEST):
                wrong.append((rt, spec.table.value, spec.name))
    assert wrong == []


def test_every_key_read_at_newest_is_in_the_catalogue() -> None:
    missing = []
    for rt, table, name, _since, until, typ in data.KEYS:
        if until or not table or typ.startswith("alias:") or (rt, table, name) in _ALIAS_ONLY:
            continue
        if lookup(Table(table), name) is None:
            missing.append((rt, table, name))
    assert missing == []


def test_hypervisor_names_at_newest_match_the_catalogue() -> None:
    for rt in RUNTIMES:
        assert sorted(hypervisors_in(rt, NEWEST)) == sorted(HYPERVISOR_NAMES[rt])


def test_every_note_is_about_a_retired_key() -> None:
    for rt, table, name, replacement, why, commit in notes.RETIRED:
        history = key_history(table, name)
        assert history is not None, (table, name)
        assert any(s.until for s in history.spans_for(rt)), (rt, table, name)  # type: ignore[arg-type]
        assert why
        assert commit
        kind, _, target = replacement.partition(":")
        if kind == "key":
            assert lookup(Table(table), target) is not None, target


def test_value_rows_name_catalogue_keys_and_known_releases() -> None:
    for rt, table, key, _v, _arch, since, until, _repl, _commit in notes.VALUES:
        assert lookup(Table(table), key) is not None
        assert since in RELEASES[rt]  # type: ignore[index]
        assert not until or until in RELEASES[rt]  # type: ignore[index]


@pytest.mark.parametrize(
    ("runtime", "table", "name", "first", "last"),
    [
        ("go", "hypervisor.*", "valid_file_mem_backends", "1.12", "3.31"),
        ("rs", "hypervisor.*", "file_mem_backend", "3.0", "3.31"),
        ("rs", "hypervisor.*", "hotplug_vfio_on_root_bus", "3.0", "3.32"),
        ("rs", "hypervisor.*", "enable_swap", "3.0", "3.13"),
        ("go", "hypervisor.*", "enable_swap", "1.0", "2.3"),
        ("go", "hypervisor.*", "ctlpath", "1.9", "3.9"),
        ("go", "", "netmon", "1.3", "2.3"),
        ("go", "", "image", "2.2", "3.3"),
        ("go", "", "proxy", "1.0", "1.13"),
        ("rs", "hypervisor.*", "msize_9p", "3.0", "3.28"),
    ],
)
def test_spot_checks_read_in_upstream(runtime: str, table: str, name: str, first: str,
                                      last: str) -> None:
    """Each pair was checked by reading upstream's loader at the two tags around it."""
    history = key_history(table, name)
    assert history is not None
    assert history.first(runtime) == first  # type: ignore[arg-type]
    assert history.last(runtime) == last  # type: ignore[arg-type]


def test_acrn_and_cloud_hypervisor_tables() -> None:
    acrn = hypervisor_history("acrn")
    assert acrn is not None
    assert acrn.last("go") == "3.9"
    old = hypervisor_history("cloud-hypervisor")
    assert old is not None
    assert (old.first("rs"), old.last("rs")) == ("3.2", "3.29")


def test_runtime_rs_strict_tables_since_3_29() -> None:
    assert not strict_in("rs", "agent.*", "3.28")
    assert strict_in("rs", "agent.*", "3.29")
    assert not strict_in("go", "agent.*", NEWEST)


@pytest.mark.parametrize("text", ["3.30", "3.30.0", "v3.30.1", " 3.30 "])
def test_parse_release_accepts_tags(text: str) -> None:
    assert parse_release(text) == "3.30"


@pytest.mark.parametrize("text", ["9.9", "0.3", "three", ""])
def test_parse_release_refuses_unknown(text: str) -> None:
    with pytest.raises(UnknownReleaseError, match=NEWEST):
        parse_release(text)


def _findings(text: str, runtime: str = "go", release: str = NEWEST) -> list[tuple[str, str]]:
    cfg = KataConfig(tomllib.loads(text), runtime, "x86_64", release)  # type: ignore[arg-type]
    return [(rule.id, issue.message) for rule, issue in run_checks(cfg)]


def test_enable_swap_is_retired_not_a_typo_of_guest_swap() -> None:
    found = _findings("[hypervisor.qemu]\nenable_swap = true\n")
    retired = [m for r, m in found if r == "retired-key"]
    assert len(retired) == 1
    assert "until 2.3" in retired[0]
    assert "removed in 2.4" in retired[0]
    assert "did you mean" not in retired[0]


def test_ctlpath_under_go_names_acrn_and_version() -> None:
    found = _findings('[hypervisor.qemu]\nctlpath = "/usr/bin/acrnctl"\n')
    assert [r for r, _ in found if r in ("retired-key", "key-unused-by-runtime")] == [
        "retired-key"]
    message = next(m for r, m in found if r == "retired-key")
    assert "ACRN" in message
    assert "3.9" in message
    assert "runtime-rs still reads" in message


def test_acrn_table_says_when_it_went() -> None:
    found = _findings('[hypervisor.acrn]\npath = "/usr/bin/acrn-dm"\n')
    message = next(m for r, m in found if r == "hypervisor-name-invalid")
    assert "until 3.9" in message
    assert "removed in 3.10" in message
    assert not [r for r, _ in _findings('[hypervisor.acrn]\npath = "/x"\n', release="3.9")
                if r == "hypervisor-name-invalid"]


def test_retired_key_read_by_the_target_release_is_silent() -> None:
    text = '[hypervisor.qemu]\nvalid_file_mem_backends = ["/dev/shm"]\n'
    assert [r for r, _ in _findings(text, release="3.30") if r.startswith(("retired",
                                                                          "unknown"))] == []


def test_cli_kata_version_checks_as_that_release() -> None:
    from typer.testing import CliRunner

    from kata_cli import app

    case = "tests/fixtures/configs/invalid/key-too-new/go-3.30.toml"
    older = CliRunner().invoke(app, ["validate", "--runtime", "go", "--arch", "x86_64",
                                     "--kata-version", "3.30", case])
    assert "key-too-new" in older.output
    newer = CliRunner().invoke(app, ["validate", "--runtime", "go", "--arch", "x86_64",
                                     "--kata-version", "3.32.0", case])
    assert "key-too-new" not in newer.output
    bad = CliRunner().invoke(app, ["validate", "--kata-version", "7.0", case])
    assert bad.exit_code == 2


_QEMU_GO = ('[hypervisor.qemu]\nkernel = "/usr/share/kata-containers/vmlinux.container"\n'
            'image = "/usr/share/kata-containers/kata-containers.img"\n'
            'virtio_fs_daemon = "/usr/libexec/virtiofsd"\n[agent.kata]\n[runtime]\n')


_QEMU_RS = ('[runtime]\nhypervisor_name = "qemu"\nagent_name = "kata"\n'
            + _QEMU_GO.removesuffix("[runtime]\n"))


@pytest.mark.parametrize("row", data.DEFAULTS, ids=lambda r: f"{r[0]}-{r[2]}-{r[5]}")
def test_an_absent_key_gets_the_built_in_value_of_the_release_asked(
        row: tuple[str, str, str, str, str, str, object], tmp_path: Path) -> None:
    runtime, table, key, _hv, since, until, value = row
    path = tmp_path / "configuration.toml"
    path.write_text(_QEMU_GO if runtime == "go" else _QEMU_RS)
    section = "hypervisor" if table.startswith("hypervisor") else table
    for release in (since, until):
        effective = kata_config.load(path, runtime=runtime, arch="x86_64",  # type: ignore[arg-type]
                                     kata_version=release)
        assert effective.values()[f"{section}.{key}"] == value, release
        assert release in effective.origin(f"{section}.{key}").note
    newest = kata_config.load(path, runtime=runtime, arch="x86_64")  # type: ignore[arg-type]
    assert newest.values()[f"{section}.{key}"] != value


@pytest.mark.parametrize(("key", "empty", "release", "value"), [
    ("block_device_driver", '""', "3.1", "virtio-blk"),
    ("block_device_driver", '""', "3.2", "virtio-blk-pci"),
    ("default_bridges", "0", "3.24", 2),
    ("default_bridges", "0", "3.25", 1),
    ("virtio_fs_cache", '""', "3.0", "none"),
    ("virtio_fs_cache", '"none"', "3.0", "none"),
    ("virtio_fs_cache", '"none"', "3.1", "never"),
])
def test_runtime_rs_fills_an_empty_value_with_the_release_built_in(
        key: str, empty: str, release: str, value: object, tmp_path: Path) -> None:
    path = tmp_path / "configuration.toml"
    setting = f"{key} = {empty}\nshared_fs = \"virtio-fs\"\n"  # runtime-rs: absent means none
    path.write_text(_QEMU_RS.replace("[agent.kata]", f"{setting}[agent.kata]"))
    effective = kata_config.load(path, runtime="rs", arch="x86_64", kata_version=release)
    assert effective.values()[f"hypervisor.{key}"] == value


@pytest.mark.parametrize(("value", "advice"), [
    ("true", 'remove it and set hot_plug_vfio = "root-port" instead'),
    ("false", "remove it (false asked for nothing that needs another setting)"),
])
def test_go_hotplug_vfio_on_root_bus_advice_follows_the_value(value: str, advice: str) -> None:
    """Go's retired bool asked for root-port placement only when true: false, its default,
    has no hot_plug_vfio to set in its place."""
    text = f"[hypervisor.qemu]\nhotplug_vfio_on_root_bus = {value}\n[agent.kata]\n[runtime]\n"
    message = next(m for r, m in _findings(text, runtime="go") if r == "retired-key")
    assert message.endswith(advice), message


def test_runtime_rs_hotplug_vfio_on_root_bus_advice_names_values_not_a_rename() -> None:
    """cold_plug_vfio takes a port name; the retired bool must not be renamed into it."""
    text = '[hypervisor.qemu]\nhotplug_vfio_on_root_bus = true\n[agent.kata]\n[runtime]\n'
    message = next(m for r, m in _findings(text, runtime="rs") if r == "retired-key")
    assert "rename" not in message
    assert 'cold_plug_vfio = "root-port"' in message
    assert "pcie_root_port = 1" in message
    from kata_config.migrate import migrate_text

    migrated = migrate_text(text, "rs")
    table = tomllib.loads(migrated.text)["hypervisor"]["qemu"]
    assert "hotplug_vfio_on_root_bus" not in table
    assert not isinstance(table.get("cold_plug_vfio", ""), bool)
    assert "hypervisor.qemu.hotplug_vfio_on_root_bus" in [s.key for s in migrated.lost]


@pytest.mark.parametrize(("table", "release", "loads"), [
    ("cloud-hypervisor", "3.2", True),
    ("cloud-hypervisor", "3.29", True),
    ("cloud-hypervisor", "3.30", False),
    ("clh", "3.29", False),
    ("clh", "3.30", True),
])
def test_load_knows_the_hypervisor_table_names_of_the_release(
        table: str, release: str, loads: bool, tmp_path: Path) -> None:
    """runtime-rs read Cloud Hypervisor's table as [hypervisor.cloud-hypervisor] until 3.29
    and as [hypervisor.clh] from 3.30: load() takes the name the release takes, resolves it
    as Cloud Hypervisor, and refuses it where validate's hypervisor-name-invalid does."""
    stock = Path(__file__).resolve().parents[1] / "defaults/rs/x86_64/configuration-clh.toml"
    text = stock.read_text(encoding="utf-8").replace("[hypervisor.clh", f"[hypervisor.{table}")
    text = text.replace('hypervisor_name = "clh"', f'hypervisor_name = "{table}"')
    path = tmp_path / "configuration.toml"
    path.write_text(text, encoding="utf-8")
    report = kata_config.validate([path], runtime="rs", arch="x86_64", kata_version=release)
    refused = "hypervisor-name-invalid" in {f.rule_id for f in report.findings}
    assert refused is not loads
    if not loads:
        with pytest.raises(kata_config.LoadError, match=f"hypervisor.{table}"):
            kata_config.load(path, runtime="rs", arch="x86_64", kata_version=release)
        return
    effective = kata_config.load(path, runtime="rs", arch="x86_64", kata_version=release)
    assert effective.hypervisor_name == "clh"
    assert effective.hypervisor.path == "/usr/bin/cloud-hypervisor"
    origin = effective.origin("hypervisor.clh.default_memory")
    assert (origin.kind, origin.path) == ("file", str(path))
