"""load(): resolved values, their origins, normalisation and with_changes, on fake host roots."""

from __future__ import annotations

from pathlib import Path

import pytest

from kata_config import Change, ConfigNotFound, Effective, LoadError, Origin, load
from tests.fakehost import make_host

CONF = "/etc/kata-containers/configuration.toml"

GO_QEMU = """\
[hypervisor.qemu]
path = "/usr/bin/qemu-system-x86_64"
kernel = "/usr/share/kata-containers/vmlinux.container"
image = "/usr/share/kata-containers/kata-containers.img"
default_memory = 128
default_maxvcpus = 0
default_vcpus = 12
default_bridges = 9
machine_accelerators = " a , ,b "
virtio_fs_daemon = "/usr/libexec/virtiofsd"

[agent.kata]

[runtime]
enable_debug = true
"""

RS_QEMU = """\
[hypervisor.qemu]
path = "/usr/bin/qemu-system-x86_64"
kernel = "/usr/share/kata-containers/vmlinux.container"
image = "/usr/share/kata-containers/kata-containers.img"
default_memory = 0
default_vcpus = 12
default_maxvcpus = 4

[agent.kata]

[runtime]
name = "virt_container"
hypervisor_name = "qemu"
agent_name = "kata"
"""


def _host(tmp_path: Path, text: str = GO_QEMU, **kw: object) -> Path:
    files = {CONF: text, "/usr/bin/qemu-system-x86_64": "",
             "/usr/share/kata-containers/vmlinux-6.1.container": "",
             "/usr/share/kata-containers/kata-containers.img": ""}
    links = {"/usr/share/kata-containers/vmlinux.container": "vmlinux-6.1.container"}
    return make_host(tmp_path, files=files, links=links, **kw)  # type: ignore[arg-type]


def test_file_values_defaults_and_their_origins(tmp_path: Path) -> None:
    eff = load(CONF, root=_host(tmp_path), arch="x86_64")
    assert (eff.flavour, eff.hypervisor_name, eff.agent_name) == ("go", "qemu", "kata")
    assert eff.files == (CONF,)
    assert eff.runtime.enable_debug is True
    assert eff.origin("runtime.enable_debug") == Origin("file", CONF, 15, 1, "go")
    # absent: the Go runtime's built-in value
    assert eff.hypervisor.block_device_aio == "io_uring"
    assert eff.origin("hypervisor.block_device_aio").kind == "default"
    # the table form names the same key
    assert eff.origin("hypervisor.qemu.default_bridges") == eff.origin("hypervisor.default_bridges")


def test_go_normalisation_records_what_changed(tmp_path: Path) -> None:
    eff = load(CONF, root=_host(tmp_path), arch="x86_64")
    hv = eff.hypervisor
    assert hv.default_memory == 2048
    memory = eff.origin("hypervisor.default_memory")
    assert (memory.kind, memory.previous, memory.line) == ("normalised", 128, 5)
    assert "256" in memory.note
    assert (hv.default_maxvcpus, hv.default_vcpus, hv.default_bridges) == (8, 8.0, 5)
    assert eff.origin("hypervisor.default_vcpus").previous == 12.0
    assert hv.default_maxmemory == 16384
    assert hv.machine_accelerators == "a,,b"
    # symlinks are followed inside the host root, as the runtime does at load
    assert hv.kernel == "/usr/share/kata-containers/vmlinux-6.1.container"
    assert eff.origin("hypervisor.kernel").previous == (
        "/usr/share/kata-containers/vmlinux.container")
    assert eff.host.cpus == 8
    assert eff.host.memory_mib == 16384


def test_unknown_host_figures_keep_the_value_and_say_so(tmp_path: Path) -> None:
    eff = load(CONF, root=_host(tmp_path, cpus=None, memory_mib=None), arch="x86_64")
    assert eff.hypervisor.default_maxvcpus == 0
    assert eff.hypervisor.default_maxmemory == 0
    assert "unknown" in eff.origin("hypervisor.default_maxvcpus").note
    assert eff.host.cpus is None


def test_arch_cap_on_maxvcpus(tmp_path: Path) -> None:
    eff = load(CONF, root=_host(tmp_path, cpus=300), arch="x86_64")
    assert eff.hypervisor.default_maxvcpus == 240
    assert eff.hypervisor.default_vcpus == 12.0


def test_dropins_win_and_are_located(tmp_path: Path) -> None:
    root = _host(tmp_path)
    dropin = root / "etc/kata-containers/config.d/10-mem.toml"
    dropin.parent.mkdir()
    dropin.write_text("[hypervisor.qemu]\n\ndefault_memory = 4096\n")
    eff = load(CONF, root=root, arch="x86_64")
    assert eff.files == (CONF, "/etc/kata-containers/config.d/10-mem.toml")
    assert eff.hypervisor.default_memory == 4096
    assert eff.origin("hypervisor.default_memory") == Origin(
        "drop-in", "/etc/kata-containers/config.d/10-mem.toml", 3, 1, "go")


def test_runtime_rs_defaults_differ(tmp_path: Path) -> None:
    eff = load(CONF, root=_host(tmp_path, RS_QEMU), arch="x86_64")
    assert eff.flavour == "rs"
    assert eff.hypervisor.block_device_driver == "virtio-blk-pci"
    # a Go-only key still has an attribute, from the Go runtime's default, and says so
    assert eff.hypervisor.msize_9p == 8192
    assert "does not read" in eff.origin("hypervisor.msize_9p").note


def test_with_changes_records_annotation_origins(tmp_path: Path) -> None:
    eff = load(CONF, root=_host(tmp_path), arch="x86_64")
    why = Origin("annotation", annotation="io.katacontainers.config.hypervisor.default_memory")
    changed = eff.with_changes([Change("hypervisor.default_memory", 100, why)], normalise=False)
    assert changed.hypervisor.default_memory == 100
    assert changed.origin("hypervisor.default_memory") == why
    assert eff.hypervisor.default_memory == 2048  # the original is untouched
    again = eff.with_changes([Change("hypervisor.qemu.default_memory", 100, why)], normalise=True)
    assert again.hypervisor.default_memory == 2048
    assert again.origin("hypervisor.default_memory").previous == 100
    with pytest.raises(TypeError):
        eff.with_changes([Change("hypervisor.default_memory", "lots", why)], normalise=False)
    with pytest.raises(KeyError):
        eff.with_changes([Change("hypervisor.no_such_key", 1, why)], normalise=False)


def test_every_key_has_an_origin(tmp_path: Path) -> None:
    eff = load(CONF, root=_host(tmp_path), arch="x86_64")
    for key in eff.values():
        assert isinstance(eff.origin(key), Origin), key
    with pytest.raises(KeyError, match="not the table"):
        eff.origin("hypervisor.clh.default_memory")


@pytest.mark.parametrize(("text", "rule"), [
    ("[hypervisor.qemu\n", "toml-syntax"),
    ('[hypervisor.qemu]\ndefault_memory = "2G"\n', "schema-type"),
    ("[hypervisor.qemu]\n[runtime]\nname = 'virt_container'\nhypervisor_name = 'clh'\n"
     "agent_name = 'kata'\n[agent.kata]\n", "hypervisor-table-missing"),
    # a float key given an integer wider than 64 bits crashed float() (OverflowError)
    (f"[hypervisor.qemu]\ndefault_vcpus = {10**40}\n", "schema-range"),
    (f"[hypervisor.qemu]\ndefault_memory = -{10**30}\n", "schema-range"),
    (f"[hypervisor.qemu]\nnot_a_key = [{2**64}]\n", "schema-range"),
], ids=["syntax", "wrong-type", "rs-missing-table", "wide-float",
        "wide-int", "wide-unknown"])
def test_what_the_runtime_refuses_to_load_raises(tmp_path: Path, text: str, rule: str) -> None:
    with pytest.raises(LoadError) as caught:
        load(CONF, root=make_host(tmp_path, files={CONF: text}), arch="x86_64")
    assert [f.rule_id for f in caught.value.findings][:1] == [rule]
    assert str(caught.value)


def test_go_file_without_a_hypervisor_table_loads_go_builtin_qemu(tmp_path: Path) -> None:
    # the Go loader keeps GetDefaultHypervisorConfig untouched (kata-env shows it; the oracle
    # suite holds us to it): built-in values where it sets one, zero values elsewhere, and no
    # load-time normalisation (memory_slots stays 0, shared_fs empty, maxvcpus 0)
    text = "[agent.kata]\n[runtime]\nenable_debug = true\n[hypervisor]\n"
    eff = load(CONF, root=make_host(tmp_path, files={CONF: text}, cpus=4), arch="x86_64")
    hv = eff.hypervisor
    assert (eff.flavour, eff.hypervisor_name) == ("go", "qemu")
    assert (hv.path, hv.machine_type, hv.default_memory, hv.default_vcpus) == (
        "/usr/bin/qemu-system-x86_64", "q35", 2048, 1.0)
    assert (hv.image, hv.initrd) == ("/usr/share/kata-containers/kata-containers.img",
                                     "/usr/share/kata-containers/kata-containers-initrd.img")
    assert (hv.memory_slots, hv.default_maxvcpus, hv.shared_fs, hv.entropy_source) == (
        0, 0, "", "")
    assert (hv.msize_9p, hv.disable_guest_selinux, hv.block_device_driver) == (
        8192, True, "virtio-scsi")
    assert eff.runtime.enable_debug is True
    where = eff.origin("hypervisor.qemu.default_memory")
    assert where.kind == "default"
    assert "GetDefaultHypervisorConfig" in where.note
    assert "zero value" in eff.origin("hypervisor.memory_slots").note
    assert eff.factory.template_path == "/run/vc/vm/template"  # the factory is still built
    # runtime-rs has no such fallback: its [runtime] must name a table of the file
    rs = text.replace("enable_debug = true", "name = 'virt_container'\nhypervisor_name = "
                      "'qemu'\nagent_name = 'kata'")
    with pytest.raises(LoadError) as caught:
        load(CONF, root=make_host(tmp_path / "rs", files={CONF: rs}), arch="x86_64")
    assert caught.value.findings[0].rule_id == "hypervisor-table-missing"


def test_with_changes_refuses_a_number_wider_than_64_bits(tmp_path: Path) -> None:
    eff = load(CONF, root=_host(tmp_path), arch="x86_64")
    with pytest.raises(TypeError, match="default_vcpus"):
        eff.with_changes([Change("hypervisor.default_vcpus", 10**40, Origin("annotation"))],
                         normalise=False)


def test_no_path_and_nothing_installed(tmp_path: Path) -> None:
    with pytest.raises(ConfigNotFound):
        load(root=make_host(tmp_path), arch="x86_64")


def test_no_path_finds_the_installed_file(tmp_path: Path) -> None:
    eff = load(root=_host(tmp_path), arch="x86_64")
    assert isinstance(eff, Effective)
    assert eff.files == (CONF,)


def test_runtime_rs_normalisation(tmp_path: Path) -> None:
    eff = load(CONF, root=_host(tmp_path, RS_QEMU, cpus=8, memory_mib=100), arch="x86_64")
    hv = eff.hypervisor
    # plugin default first (0 -> 128 MiB), then clamped to the host's RAM
    assert hv.default_memory == 100
    assert eff.origin("hypervisor.default_memory").previous == 0
    assert "RAM" in eff.origin("hypervisor.default_memory").note
    # vCPUs: above the host -> host count, then lowered to default_maxvcpus
    assert (hv.default_maxvcpus, hv.default_vcpus) == (4, 4.0)
    assert hv.vhost_user_store_path == ""  # the store is off, so its path is cleared


def test_runtime_rs_ppc64le_memory_blocks(tmp_path: Path) -> None:
    text = RS_QEMU.replace("default_memory = 0", "default_memory = 1300").replace(
        "default_maxvcpus = 4", "default_maxvcpus = 4\ndefault_maxmemory = 4000")
    eff = load(CONF, root=_host(tmp_path, text), arch="ppc64le")
    assert (eff.hypervisor.default_memory, eff.hypervisor.default_maxmemory) == (1280, 3840)


def test_runtime_rs_adjusts_again_after_changes(tmp_path: Path) -> None:
    eff = load(CONF, root=_host(tmp_path, RS_QEMU), arch="x86_64")
    why = Origin("annotation", annotation="io.katacontainers.config.hypervisor.default_vcpus")
    changed = eff.with_changes([Change("hypervisor.default_vcpus", 64, why)], normalise=True)
    assert changed.hypervisor.default_vcpus == 4.0
    origin = changed.origin("hypervisor.default_vcpus")
    assert (origin.kind, origin.previous) == ("normalised", 64.0)


def test_runtime_rs_resolves_bind_mounts_and_extension_images(tmp_path: Path) -> None:
    text = RS_QEMU.replace('agent_name = "kata"\n', 'agent_name = "kata"\n'
                           'sandbox_bind_mounts = ["/srv/link:ro", "/srv/missing"]\n')
    text = text.replace("[agent.kata]", '[[hypervisor.qemu.guest_extension_images]]\n'
                        'name = "tools"\npath = "/srv/link"\n\n[agent.kata]')
    root = _host(tmp_path, text)
    (root / "srv/data").mkdir(parents=True)
    (root / "srv/link").symlink_to("data")
    eff = load(CONF, root=root, arch="x86_64")
    assert eff.runtime.sandbox_bind_mounts == ("/srv/link:ro", "/srv/missing")  # one is missing
    assert "does not exist" in eff.origin("runtime.sandbox_bind_mounts").note
    assert eff.hypervisor.guest_extension_images[0].path == "/srv/data"
    assert eff.origin("hypervisor.guest_extension_images[0].name").line is not None


def test_go_keys_the_builder_never_reads_keep_the_zero_value(tmp_path: Path) -> None:
    # seen with upstream's own loader (tests/oracle): each Go builder copies only the keys it
    # uses, so kata-env shows firecracker's machine type and shared fs as empty
    text = GO_QEMU.replace("[hypervisor.qemu]", "[hypervisor.firecracker]")
    text = text.replace('machine_accelerators = " a , ,b "',
                        'machine_type = "q35"\nshared_fs = "virtio-fs"\nmsize_9p = 4096')
    eff = load(CONF, root=_host(tmp_path, text), arch="x86_64")
    hv = eff.hypervisor
    assert (hv.machine_type, hv.shared_fs, hv.msize_9p, hv.hot_plug_vfio) == ("", "", 0, "")
    assert hv.kernel_params == ""  # firecracker reads it, and the file sets none
    assert "does not read machine_type" in eff.origin("hypervisor.machine_type").note
    remote = load(CONF, root=_host(tmp_path / "r", GO_QEMU.replace(
        "[hypervisor.qemu]", '[hypervisor.remote]\nkernel_params = "quiet"')), arch="x86_64")
    assert (remote.hypervisor.kernel_params, remote.hypervisor.shared_fs) == ("", "none")


def test_a_key_the_runtime_never_decodes_keeps_its_built_in_value(tmp_path: Path) -> None:
    # container_pipe_size is runtime-rs's; the Go runtime sets it only from an annotation, so
    # the file's value must not reach the Go guest's kernel command line (seen with kata-env)
    text = GO_QEMU.replace("[agent.kata]", "[agent.kata]\ncontainer_pipe_size = 70000")
    eff = load(CONF, root=_host(tmp_path, text), arch="x86_64")
    assert eff.agent.container_pipe_size == 0
    assert "ignored" in eff.origin("agent.container_pipe_size").note
