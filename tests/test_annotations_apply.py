"""Pod annotations applied to a loaded configuration, under both runtimes' rules (N-1 ... N-10)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from kata_config import Effective, load
from kata_runtime.annotations import AnnotationResult, Decision, apply_annotations

HV = "io.katacontainers.config.hypervisor."
RT = "io.katacontainers.config.runtime."
AG = "io.katacontainers.config.agent."
CONFIG = "/etc/kata-containers/configuration.toml"

Loader = Callable[..., Effective]


@pytest.fixture
def host(tmp_path: Path) -> Path:
    """A host root with 4 CPUs, QEMU, a kernel and an image under /opt/kata."""
    root = tmp_path / "host"
    (root / "proc").mkdir(parents=True)
    (root / "proc" / "cpuinfo").write_text("".join(f"processor\t: {i}\n\n" for i in range(4)))
    (root / "proc" / "meminfo").write_text("MemTotal: 16384000 kB\n")
    (root / "opt" / "kata" / "bin").mkdir(parents=True)
    (root / "opt" / "kata" / "share").mkdir(parents=True)
    (root / "opt" / "kata" / "bin" / "qemu-system-x86_64").write_text("qemu")
    (root / "opt" / "kata" / "share" / "vmlinux").write_text("kernel")
    (root / "opt" / "kata" / "share" / "kata.img").write_text("image")
    (root / "etc" / "kata-containers").mkdir(parents=True)
    os.symlink("/usr/bin", root / "opt" / "kata" / "escape")
    return root


@pytest.fixture
def config(host: Path) -> Loader:
    """Write a configuration into the host root and load it for one runtime."""

    def make(flavour: str, enable: list[str], **extra: object) -> Effective:
        keys: dict[str, object] = {
            "path": "/opt/kata/bin/qemu-system-x86_64", "kernel": "/opt/kata/share/vmlinux",
            "image": "/opt/kata/share/kata.img", "enable_annotations": enable,
            "valid_hypervisor_paths": ["/opt/kata/bin/*"], **extra}
        lines = ["[hypervisor.qemu]", *(f"{k} = {_toml(v)}" for k, v in keys.items())]
        lines += ["[agent.kata]", "[runtime]"]
        if flavour == "rs":
            lines += ['name = "virt-container"', 'hypervisor_name = "qemu"',
                      'agent_name = "kata"']
        (host / CONFIG.lstrip("/")).write_text("\n".join(lines) + "\n")
        return load(CONFIG, runtime=flavour, arch="x86_64", root=host)  # type: ignore[arg-type]

    return make


def _toml(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def one(result: AnnotationResult, name: str) -> Decision:
    (found,) = [d for d in result.decisions if d.annotation == name]
    return found


# --- N-1, N-2, N-3: the enable_annotations gate -------------------------------------------

def test_disabled_hypervisor_annotation_refuses_the_pod_in_go(config: Loader) -> None:
    result = apply_annotations(config("go", []), {HV + "default_memory": "4096"})
    d = one(result, HV + "default_memory")
    assert (d.status, d.rule, d.fatal) == ("rejected", "N-2", True)
    assert result.refused
    assert result.changes == ()


def test_disabled_hypervisor_annotation_is_only_ignored_by_runtime_rs(config: Loader) -> None:
    result = apply_annotations(config("rs", []), {HV + "default_memory": "4096"})
    d = one(result, HV + "default_memory")
    assert (d.status, d.rule, d.fatal) == ("rejected", "N-3", False)
    assert not result.refused


@pytest.mark.parametrize("flavour", ["go", "rs"])
def test_unanchored_entry_widens_and_is_reported(config: Loader, flavour: str) -> None:
    eff = config(flavour, ["path"], valid_jailer_paths=["/opt/kata/bin/*"])
    result = apply_annotations(eff, {HV + "jailer_path": "/opt/kata/bin/qemu-system-x86_64"})
    d = one(result, HV + "jailer_path")
    assert d.status == "accepted"
    assert d.matched == "path"
    assert "enabled by 'path' (unanchored, so it also enables path, path_hash, " \
        "guest_hook_path, vhost_user_store_path)" in d.reason
    if flavour == "go":  # Go reads jailer_path for Firecracker only
        assert "qemu does not read jailer_path, so it has no effect" in d.reason


def test_invalid_entry_go_skips_it_rust_disables_all(config: Loader) -> None:
    entries = [r"(a)\1", "default_memory"]
    go = apply_annotations(config("go", entries), {HV + "default_memory": "4096"})
    assert one(go, HV + "default_memory").status == "accepted"
    assert any("never matches" in n for n in go.notes)
    rs = apply_annotations(config("rs", entries), {HV + "default_memory": "4096"})
    d = one(rs, HV + "default_memory")
    assert d.status == "rejected"
    assert "every hypervisor annotation" in d.reason


def test_behaviour_overrides_the_flavour(config: Loader) -> None:
    result = apply_annotations(config("go", []), {HV + "default_memory": "4096"},
                               behaviour="rs")
    assert result.behaviour == "rs"
    assert not result.refused


# --- N-5, N-6: path allow-lists ----------------------------------------------------------

@pytest.mark.parametrize(("value", "go_ok", "rs_ok"), [
    ("/opt/kata/bin/qemu-system-x86_64", True, True),
    ("/opt/kata/bin/qemu-missing", False, True),  # Go needs the file; Rust only the pattern
    ("/opt/kata/bin/../bin/qemu-system-x86_64", False, True),  # .. never equals a Go match
    ("/opt/kata/bin/../../../etc/shadow", False, True),  # Rust's * crosses / and ..
    ("opt/kata/bin/qemu-system-x86_64", False, False),  # relative
    ("/usr/bin/qemu-system-x86_64", False, False),
])
def test_hypervisor_path_allow_list(config: Loader, value: str, go_ok: bool,
                                    rs_ok: bool) -> None:
    for flavour, ok in (("go", go_ok), ("rs", rs_ok)):
        result = apply_annotations(config(flavour, ["^path$"]), {HV + "path": value})
        d = one(result, HV + "path")
        assert d.status == ("accepted" if ok else "rejected"), (flavour, d.reason)
        assert d.rule == ("N-5" if flavour == "go" else "N-6")
        if ok and ".." in value:
            assert "WARNING" in d.reason


def test_go_glob_does_not_follow_a_symlink_out_of_the_root(config: Loader) -> None:
    eff = config("go", ["^path$"], valid_hypervisor_paths=["/opt/kata/escape/*"])
    result = apply_annotations(eff, {HV + "path": "/opt/kata/escape/python3"})
    assert Path("/usr/bin/python3").exists() or Path("/usr/bin/env").exists()
    assert one(result, HV + "path").status == "rejected"


def test_empty_allow_list_allows_nothing(config: Loader) -> None:
    eff = config("go", ["virtio_fs_daemon"])
    d = one(apply_annotations(eff, {HV + "virtio_fs_daemon": "/opt/kata/bin/virtiofsd"}),
            HV + "virtio_fs_daemon")
    assert d.status == "rejected"
    assert "valid_virtio_fs_daemon_paths is empty" in d.reason


# --- N-7, N-8: assets and hashes ----------------------------------------------------------

def test_go_asset_hash(config: Loader, host: Path) -> None:
    eff = config("go", ["kernel"])
    good = hashlib.sha512(b"kernel").hexdigest()
    kernel = "/opt/kata/share/vmlinux"
    ok = apply_annotations(eff, {HV + "kernel": kernel, HV + "kernel_hash": good})
    assert one(ok, HV + "kernel").status == "accepted"
    bad = apply_annotations(eff, {HV + "kernel": kernel, HV + "kernel_hash": "00"})
    assert one(bad, HV + "kernel").rule == "N-7"
    assert one(bad, HV + "kernel").fatal
    md5 = apply_annotations(eff, {HV + "kernel": kernel, HV + "kernel_hash": good,
                                  "io.katacontainers.asset_hash_type": "md5"})
    assert "only sha512" in one(md5, HV + "kernel").reason
    relative = apply_annotations(eff, {HV + "kernel": "vmlinux"})
    assert "absolute" in one(relative, HV + "kernel").reason


def test_go_remote_image_is_a_name(host: Path) -> None:
    (host / CONFIG.lstrip("/")).write_text(
        '[hypervisor.remote]\nenable_annotations = ["image"]\n[agent.kata]\n[runtime]\n')
    eff = load(CONFIG, runtime="go", arch="x86_64", root=host)
    result = apply_annotations(eff, {HV + "image": "peerpod-image-v1"})
    assert result.effective.hypervisor.image == "peerpod-image-v1"


def test_runtime_rs_boot_assets_must_exist(config: Loader) -> None:
    eff = config("rs", ["kernel"])
    ok = apply_annotations(eff, {HV + "kernel": "/opt/kata/share/vmlinux"})
    assert one(ok, HV + "kernel").status == "accepted"
    missing = apply_annotations(eff, {HV + "kernel": "/opt/kata/share/nope"})
    assert (one(missing, HV + "kernel").rule, one(missing, HV + "kernel").fatal) == ("N-8", True)
    hashed = apply_annotations(eff, {HV + "kernel_hash": "00"})
    assert "Invalid annotation type" in one(hashed, HV + "kernel_hash").reason


# --- N-4: runtime and agent annotations are never gated -----------------------------------

def test_runtime_and_agent_annotations_ignore_enable_annotations(config: Loader) -> None:
    pod = {RT + "disable_guest_seccomp": "true", AG + "enable_tracing": "true"}
    for flavour in ("go", "rs"):
        result = apply_annotations(config(flavour, []), pod)
        assert {d.status for d in result.decisions} == {"accepted"}, flavour
        assert {c.key for c in result.changes} >= {"runtime.disable_guest_seccomp",
                                                  "agent.enable_tracing"}


def test_bool_spelling_go_takes_1_runtime_rs_refuses_it(config: Loader) -> None:
    pod = {RT + "disable_guest_seccomp": "1"}
    assert one(apply_annotations(config("go", []), pod), RT + "disable_guest_seccomp").status \
        == "accepted"
    d = one(apply_annotations(config("rs", []), pod), RT + "disable_guest_seccomp")
    assert (d.status, d.fatal, d.rule) == ("rejected", True, "N-10")


def test_kernel_modules_replace_in_go_append_in_runtime_rs(config: Loader) -> None:
    pod = {AG + "kernel_modules": "a;b c"}
    for flavour in ("go", "rs"):
        eff = config(flavour, [])
        result = apply_annotations(eff, pod)
        assert tuple(result.effective.agent.kernel_modules)[-2:] == ("a", "b c"), flavour


def test_vcpu_pinning_annotation_names_differ(config: Loader) -> None:
    go_name, rs_name = "io.katacontainers.enable_vcpus_pinning", RT + "enable_vcpus_pinning"
    go = apply_annotations(config("go", []), {go_name: "true", rs_name: "true"})
    assert (one(go, go_name).status, one(go, rs_name).status) == ("accepted", "rejected")
    rs = apply_annotations(config("rs", []), {go_name: "true", rs_name: "true"})
    assert (one(rs, go_name).status, one(rs, rs_name).status) == ("rejected", "accepted")


def test_experimental_separators(config: Loader) -> None:
    go = apply_annotations(config("go", []), {RT + "experimental": "a b"})
    assert one(go, RT + "experimental").fatal  # the Go runtime knows no experimental feature
    rs = apply_annotations(config("rs", []), {RT + "experimental": "a,b"})
    assert rs.effective.runtime.experimental[-2:] == ("a", "b")


# --- N-9, N-10: value conversions ---------------------------------------------------------

@pytest.mark.parametrize(("flavour", "value", "expected"), [
    ("go", "4096", 4096), ("go", "128", None), ("go", "4 GiB", None),
    ("rs", "4 GiB", 4096), ("rs", "4096", 4096), ("rs", "32 MiB", None),
])
def test_default_memory(config: Loader, flavour: str, value: str, expected: int | None) -> None:
    result = apply_annotations(config(flavour, ["default_memory"]),
                               {HV + "default_memory": value})
    d = one(result, HV + "default_memory")
    if expected is None:
        assert (d.status, d.fatal) == ("rejected", True)
    else:
        assert result.effective.hypervisor.default_memory == expected


def test_runtime_rs_3_30_reads_a_bare_memory_number_as_bytes(config: Loader) -> None:
    result = apply_annotations(config("rs", ["default_memory"]),
                               {HV + "default_memory": "4096"}, kata_version="3.30.0")
    assert "below" in one(result, HV + "default_memory").reason


def test_default_max_vcpus_sets_default_maxvcpus_within_host_cpus(config: Loader) -> None:
    eff = config("go", ["default_max_vcpus", "default_vcpus"])
    ok = apply_annotations(eff, {HV + "default_max_vcpus": "2"})
    assert ok.effective.hypervisor.default_maxvcpus == 2
    too_many = apply_annotations(eff, {HV + "default_max_vcpus": "8"})
    assert "4 CPUs" in one(too_many, HV + "default_max_vcpus").reason
    fraction = apply_annotations(eff, {HV + "default_vcpus": "1.5"})
    assert fraction.effective.hypervisor.default_vcpus == 1.5


@pytest.mark.parametrize("flavour", ["go", "rs"])
def test_sector_sizes(config: Loader, flavour: str) -> None:
    eff = config(flavour, ["blk_.*"])
    assert one(apply_annotations(eff, {HV + "blk_logical_sector_size": "1000"}),
               HV + "blk_logical_sector_size").status == "rejected"
    crossed = apply_annotations(eff, {HV + "blk_logical_sector_size": "4096",
                                      HV + "blk_physical_sector_size": "512"})
    assert "larger than physical" in one(crossed, HV + "blk_logical_sector_size").reason
    fine = apply_annotations(eff, {HV + "blk_logical_sector_size": "512",
                                   HV + "blk_physical_sector_size": "4096"})
    assert fine.effective.hypervisor.block_device_physical_sector_size == 4096


def test_go_vfio_port_resets_the_other(config: Loader) -> None:
    eff = config("go", [".*_plug_vfio"], cold_plug_vfio="root-port")
    result = apply_annotations(eff, {HV + "hot_plug_vfio": "bridge-port"})
    assert result.effective.hypervisor.hot_plug_vfio == "bridge-port"
    assert result.effective.hypervisor.cold_plug_vfio == "no-port"
    bad = apply_annotations(eff, {HV + "hot_plug_vfio": "any-port"})
    assert one(bad, HV + "hot_plug_vfio").fatal


def test_virtio_fs_extra_args(config: Loader) -> None:
    go = apply_annotations(config("go", ["virtio_fs_extra_args"]),
                           {HV + "virtio_fs_extra_args": '["--thread-pool-size=1"]'})
    assert go.effective.hypervisor.virtio_fs_extra_args[-1] == "--thread-pool-size=1"
    not_json = apply_annotations(config("go", ["virtio_fs_extra_args"]),
                                 {HV + "virtio_fs_extra_args": "--a,--b"})
    assert one(not_json, HV + "virtio_fs_extra_args").fatal
    rs = apply_annotations(config("rs", ["virtio_fs_extra_args"]),
                           {HV + "virtio_fs_extra_args": "--a,--b"})
    assert rs.effective.hypervisor.virtio_fs_extra_args[-2:] == ("--a", "--b")


def test_cc_init_data_is_base64_of_gzip_of_toml(config: Loader) -> None:
    good = base64.b64encode(gzip.compress(b'version = "0.1.0"\nalgorithm = "sha384"\n'))
    for flavour in ("go", "rs"):
        eff = config(flavour, ["cc_init_data"])
        ok = apply_annotations(eff, {HV + "cc_init_data": good.decode()})
        assert one(ok, HV + "cc_init_data").status == "accepted"
        bad = apply_annotations(eff, {HV + "cc_init_data": base64.b64encode(b"x").decode()})
        assert one(bad, HV + "cc_init_data").fatal


# --- hostile input ------------------------------------------------------------------------

@pytest.mark.parametrize("flavour", ["go", "rs"])
def test_hostile_values_get_reasoned_rejections(config: Loader, flavour: str) -> None:
    eff = config(flavour, [".*"])
    pod: dict[str, object] = {
        HV + "kernel_params": "a\0b",
        HV + "machine_type": "q" * (64 * 1024 + 1),
        HV + "default_memory": 4096,  # a number from a JSON file, not a string
        HV + "memory_slots": "ten",
    }
    result = apply_annotations(eff, pod)
    reasons = {d.annotation: d.reason for d in result.decisions}
    assert "NUL" in reasons[HV + "kernel_params"]
    assert "KiB" in reasons[HV + "machine_type"]
    assert "strings" in reasons[HV + "default_memory"]
    assert one(result, HV + "memory_slots").fatal
    assert all(d.status == "rejected" for d in result.decisions)


def test_unknown_annotations(config: Loader) -> None:
    pod = {HV + "no_such_knob": "1", RT + "no_such_knob": "1"}
    go = apply_annotations(config("go", [".*"]), pod)
    assert not one(go, HV + "no_such_knob").fatal  # Go ignores an unknown enabled annotation
    rs = apply_annotations(config("rs", [".*"]), pod)
    assert one(rs, HV + "no_such_knob").fatal  # runtime-rs: "Invalid annotation type"
    assert not one(rs, RT + "no_such_knob").fatal


def test_annotation_for_another_hypervisor_changes_nothing(config: Loader) -> None:
    # default_gpus is read for the remote hypervisor only: on QEMU the Go runtime drops it.
    result = apply_annotations(config("go", ["default_gpus"]), {HV + "default_gpus": "2"})
    assert one(result, HV + "default_gpus").status == "accepted"
    assert result.changes == ()


def test_config_path_is_never_followed(config: Loader) -> None:
    result = apply_annotations(config("go", []),
                               {"io.katacontainers.config_path": "/tmp/evil.toml"})
    d = one(result, "io.katacontainers.config_path")
    assert (d.status, d.rule) == ("rejected", "L9")
    assert "outside the configuration directories" in d.reason
    assert "3.30 to 3.32" in d.reason


def test_huge_annotation_counts_are_bounded(config: Loader) -> None:
    pod = {f"example.com/a{i:05}": "x" for i in range(5000)}
    result = apply_annotations(config("rs", []), pod)
    assert len(result.decisions) == 5000
    assert sum("not evaluated" in d.reason for d in result.decisions) == 5000 - 1024
