"""``kata-config migrate``: valid output, every loss explained, round trip, safe writes."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kata_cli import app
from kata_config.diff import compare, same
from kata_config.findings import Severity
from kata_config.migrate import MigrateError, explains, migrate_file, migrate_text
from kata_config.stock import find
from kata_config.walk import flatten
from tests.corpus import RENDERED, corpus_id, require_corpus

runner = CliRunner()
GO_CONFIGS = sorted(RENDERED.glob("*/runtime-go/*.toml")) if RENDERED.is_dir() else []
SMALL = """\
# my site config
[hypervisor.qemu]
# keep me
seccompsandbox = "on"  # trailing note
kernel = "/usr/share/kata-containers/vmlinux.container"
image = "/usr/share/kata-containers/kata-containers.img"
block_device_driver = "virtio-blk"
disable_image_nvdimm = true

[agent.kata]
dial_timeout = 45
cdh_api_timeout = 50

[runtime]
create_container_timeout = 60
guest_selinux_label = "system_u:system_r:container_t"
experimental_force_guest_pull = true

[factory]
enable_template = false
vm_cache_number = 3
"""


def _flat(text: str) -> dict[str, object]:
    return flatten(tomllib.loads(text))


def test_key_map_go_to_rs() -> None:
    m = migrate_text(SMALL, "rs")
    got = _flat(m.text)
    assert got["hypervisor.qemu.seccomp_sandbox"] == "on"
    assert got["hypervisor.qemu.block_device_driver"] == "virtio-blk-pci"
    assert got["hypervisor.qemu.vm_rootfs_driver"] == "virtio-blk-pci"
    assert got["hypervisor.qemu.selinux_label"] == "system_u:system_r:container_t"
    assert got["agent.kata.dial_timeout_ms"] == 45000
    assert got["agent.kata.reconnect_timeout_ms"] >= 45000  # type: ignore[operator]
    assert got["agent.kata.cdh_api_timeout_ms"] == 50000
    assert got["agent.kata.create_container_timeout"] == 60
    assert got["runtime.experimental"] == ["force_guest_pull"]
    assert got["hypervisor.qemu.factory.enable_template"] is False
    assert {got["runtime.name"], got["runtime.hypervisor_name"], got["runtime.agent_name"]} == {
        "virt_container",
        "qemu",
        "kata",
    }
    gone = {"factory.vm_cache_number", "runtime.guest_selinux_label", "agent.kata.dial_timeout"}
    assert not gone & set(got)
    assert [s.key for s in m.lost] == ["factory.vm_cache_number"]
    assert "VMCache" in m.lost[0].reason
    # comments and layout survive
    assert m.text.startswith("# my site config\n[hypervisor.qemu]\n# keep me\n")
    assert 'seccomp_sandbox = "on"  # trailing note' in m.text


def test_already_target_and_unknown_hypervisor_are_errors() -> None:
    with pytest.raises(MigrateError, match="already"):
        migrate_text(migrate_text(SMALL, "rs").text, "rs")
    with pytest.raises(MigrateError, match="stratovirt"):
        migrate_text("[hypervisor.stratovirt]\npath = '/x'\n", "rs")
    with pytest.raises(MigrateError, match="not valid TOML"):
        migrate_text("[hypervisor\n", "rs")


@pytest.mark.corpus
@pytest.mark.parametrize("go", GO_CONFIGS, ids=corpus_id)
def test_corpus_go_config_migrates_to_valid_rs(go: Path, tmp_path: Path) -> None:
    require_corpus()
    from kata_config.pipeline import validate_file

    if "stratovirt" in go.name:
        with pytest.raises(MigrateError, match="no stratovirt hypervisor"):
            migrate_file(go, "rs")
        return
    m = migrate_file(go, "rs")
    out = tmp_path / "configuration.toml"
    out.write_text(m.text)
    report = validate_file(out, runtime="rs", arch=go.parts[-3])
    assert [f.message for f in report.findings if f.severity == Severity.ERROR] == []
    # Against upstream's runtime-rs template of the same name: every remaining difference is a
    # key the migration touched, or the user's own value carried over unchanged.
    try:
        rs_stock = find(go.name, "rs", go.parts[-3])
    except LookupError:
        return
    source, migrated = _flat(go.read_text()), _flat(m.text)
    baseline = _flat(rs_stock.path.read_text())
    unexplained = []
    for key, kind in compare(baseline, migrated):
        carried = key in source and same(source[key], migrated.get(key))
        rs_only_absent = kind == "removed" and key not in source
        if not explains(m, key) and not carried and not rs_only_absent:
            unexplained.append((key, kind))
    print(f"{go.name}: {len(compare(baseline, migrated))} differences from {rs_stock.label}")
    assert unexplained == []


@pytest.mark.corpus
@pytest.mark.parametrize("go", [g for g in GO_CONFIGS if "stratovirt" not in g.name], ids=corpus_id)
def test_round_trip_keeps_shared_settings(go: Path) -> None:
    require_corpus()
    there = migrate_file(go, "rs")
    back = migrate_text(there.text, "go")
    source, final = _flat(go.read_text()), _flat(back.text)
    lost = {s.key for s in there.lost}
    for key, value in source.items():
        if key in lost:
            continue
        assert key in final, f"{key} vanished without being reported"
        assert same(final[key], value), key


def test_write_keeps_backup_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "configuration.toml"
    target.write_text(SMALL)
    out = runner.invoke(app, ["migrate", str(target), "--to", "rs", "--write"])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "configuration.toml.bak").read_text() == SMALL
    assert "hypervisor_name" in target.read_text()
    assert "vm_cache_number" in out.stdout  # the loss is reported


def test_failed_write_leaves_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "configuration.toml"
    target.write_text(SMALL)
    real = os.replace

    def boom(src: str, dst: str) -> None:
        if Path(dst) == target:
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(os, "replace", boom)
    out = runner.invoke(app, ["migrate", str(target), "--to", "rs", "--write"])
    assert out.exit_code == 2
    assert "unchanged" in out.output
    assert "Traceback" not in out.output
    assert target.read_text() == SMALL
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def test_stdout_mode_and_output_option(tmp_path: Path) -> None:
    src = tmp_path / "c.toml"
    src.write_text(SMALL)
    out = runner.invoke(
        app, ["migrate", str(src), "--to", "rs", "--output", str(tmp_path / "rs.toml")]
    )
    assert out.exit_code == 0, out.output
    assert src.read_text() == SMALL
    assert _flat((tmp_path / "rs.toml").read_text())["runtime.hypervisor_name"] == "qemu"
    out = runner.invoke(app, ["migrate", str(src), "--to", "rs", "--write", "--output", "x"])
    assert out.exit_code == 2
