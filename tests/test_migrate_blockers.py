"""migrate never writes a file the target runtime refuses: it converts, or it names blockers."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pytest
from typer.testing import CliRunner

from kata_cli import app
from kata_config.migrate import MigrateBlocked, migrate_text
from kata_config.pipeline import validate_file
from kata_config.stock.releases import RELEASES_DIR
from tests.corpus import rendered_configs, runtime_of

RELEASES: Final = RELEASES_DIR
PUBLIC: Final = Path(__file__).parent / "fixtures" / "public"


def _go_configs() -> list[Path]:
    shared = [p for p in rendered_configs() if runtime_of(p) == "go"]
    public = sorted(PUBLIC.glob("go/*.toml"))
    return [*shared, *sorted(RELEASES.glob("*/go/*.toml")), *public]


def _id(path: Path) -> str:
    return "/".join(path.parts[-3:])


@pytest.mark.parametrize("path", _go_configs(), ids=_id)
def test_migrate_to_rs_validates_clean_or_exits_1_naming_blockers(path: Path,
                                                                   tmp_path: Path) -> None:
    out = tmp_path / "configuration.toml"
    result = CliRunner().invoke(app, ["migrate", str(path), "--to", "rs", "--output", str(out),
                                      "--quiet"])
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 0:
        # shared corpus files sit under <arch>/; the release and public ones are x86_64
        arch = path.parts[-3] if path.parts[-2].startswith("runtime-") else "x86_64"
        report = validate_file(out, runtime="rs", arch=arch)
        assert [f.message for f in report.findings if f.severity.label == "error"] == []
    else:
        assert not out.exists()
        assert "blocker" in result.output or "cannot be migrated" in result.output


_OLD_GO: Final = """\
[hypervisor.qemu]
path = "/usr/bin/qemu-system-x86_64"
kernel = "/usr/share/kata-containers/vmlinux.container"
image = "/usr/share/kata-containers/kata-containers.img"
machine_type = "pc"
shared_fs = "virtio-9p"
msize_9p = 8192
enable_swap = true

[netmon]
enable_netmon = true

[runtime]
internetworking_model = "tcfilter"
"""


def test_old_go_file_is_converted_with_the_rule_used() -> None:
    m = migrate_text(_OLD_GO, "rs", "old.toml")
    assert m.blockers == ()
    steps = {(s.kind, s.key): s for s in m.steps}
    assert steps[("changed", "hypervisor.qemu.machine_type")].new == "q35"
    assert steps[("changed", "hypervisor.qemu.shared_fs")].new == "virtio-fs"
    assert "3.28" in steps[("changed", "hypervisor.qemu.shared_fs")].reason
    assert ("dropped", "netmon") in steps
    assert "3.29" in steps[("dropped", "hypervisor.qemu.msize_9p")].reason
    assert m.counts()["dropped"] == len(m.lost)
    assert "[netmon]" not in m.text
    assert 'machine_type = "pc"' not in m.text


def test_firecracker_gets_the_memory_slots_runtime_rs_requires() -> None:
    text = '[hypervisor.firecracker]\npath = "/usr/bin/firecracker"\nkernel = "/k"\nimage = "/i"\n'
    m = migrate_text(text, "rs")
    assert m.blockers == ()
    assert any(s.key.endswith("memory_slots") and s.new == 10 for s in m.steps)


def test_remote_disable_new_netns_is_dropped_with_the_reason() -> None:
    text = ('[hypervisor.remote]\nremote_hypervisor_socket = "/run/peerpod/hypervisor.sock"\n'
            '[runtime]\ndisable_new_netns = true\ninternetworking_model = "none"\n')
    m = migrate_text(text, "rs")
    dropped = [s for s in m.lost if s.key == "runtime.disable_new_netns"]
    assert len(dropped) == 1
    assert "forces it to false" in dropped[0].reason
    assert "disable_new_netns" not in m.text


def test_a_hypervisor_the_target_lacks_is_a_blocker() -> None:
    with pytest.raises(MigrateBlocked, match="stratovirt"):
        migrate_text('[hypervisor.stratovirt]\npath = "/usr/bin/stratovirt"\n', "rs")


def test_blockers_write_nothing_unless_forced(tmp_path: Path) -> None:
    src = tmp_path / "in.toml"
    # a value runtime-rs refuses and nothing converts: a deliberately unknown block driver
    src.write_text('[hypervisor.qemu]\npath = "/usr/bin/qemu-system-x86_64"\n'
                   'kernel = "/k"\nimage = "/i"\nblock_device_driver = "virtio-nope"\n')
    out = tmp_path / "out.toml"
    refused = CliRunner().invoke(app, ["migrate", str(src), "--to", "rs", "--output", str(out)])
    assert refused.exit_code == 1
    assert "blocker" in refused.output
    assert not out.exists()
    forced = CliRunner().invoke(app, ["migrate", str(src), "--to", "rs", "--output", str(out),
                                      "--force"])
    assert forced.exit_code == 0
    assert out.exists()
