"""Acceptance (issue 7): every upstream corpus config loads, and the sizing keys resolve to what
the runtime would use.

The expected values are derived here, independently of ``kata_config``: the raw file is read
with tomllib and the runtime's documented load-time rules are applied by hand (Go:
launch-plans.md §1.2 and katautils/config.go; runtime-rs: config-keys.md and kata-types
``adjust_config``), on a fake host root with 4 CPUs and 6000 MiB of RAM.
"""

from __future__ import annotations

import shutil
import tomllib
import types
import typing
from dataclasses import fields
from pathlib import Path
from typing import Any, Final

import pytest

from kata_config import Effective, load
from tests.corpus import arch_of, corpus_id, rendered_configs, require_corpus, runtime_of
from tests.fakehost import make_host

CPUS: Final = 4
MEMORY: Final = 6000
CONF: Final = "/etc/kata-containers/configuration.toml"

GO_CAP: Final = {"x86_64": 240, "aarch64": 123, "ppc64le": 128, "s390x": 248, "riscv64": 512}
GO_SIZED: Final = {"qemu", "clh", "firecracker", "stratovirt", "dragonball"}
RS_MEMORY: Final = {"qemu": 128, "clh": 128, "dragonball": 128, "firecracker": 128, "remote": 64}
RS_SLOTS: Final = {"qemu": 128, "clh": 128, "dragonball": 128, "remote": 128, "openvmm": 128}

Expected = dict[str, Any]


def go_expected(name: str, hv: dict[str, Any], arch: str) -> Expected:
    """Go: the loader's rules for the six keys (unread keys keep the file's or built-in value)."""
    memory, slots = hv.get("default_memory", 2048), hv.get("memory_slots", 10)
    vcpus, maxv = float(hv.get("default_vcpus", 1)), hv.get("default_maxvcpus", 0)
    fs, block = hv.get("shared_fs", "virtio-fs"), hv.get("block_device_driver", "virtio-scsi")
    if name in GO_SIZED:
        memory = 2048 if memory < 256 else memory
        limit = min(CPUS, GO_CAP[arch])
        vcpus = 1.0 if vcpus == 0 else vcpus
        vcpus = float(limit) if vcpus < 0 or vcpus > limit else vcpus
        maxv = min(CPUS if maxv == 0 or maxv >= CPUS else maxv, GO_CAP[arch])
        slots = 10 if slots == 0 else slots
    if name in {"qemu", "clh", "stratovirt"} and fs == "":
        fs = "virtio-fs"
    if name == "remote":
        fs = "none"  # the remote loader sets none
    if name == "firecracker":
        fs = ""  # the firecracker loader never copies shared_fs: kata-env shows it empty
    if name in {"qemu", "clh", "firecracker", "stratovirt"}:
        block = block or "virtio-scsi"
        if block == "virtio-blk" and hv.get("machine_type", "q35") == "s390-ccw-virtio":
            block = "virtio-blk-ccw"
    if name == "remote":
        block = "dummy"  # the remote loader's placeholder: no block device is attached
        slots = 0  # and it never copies memory_slots (kata-env shows 0: tests/oracle)
    return {"default_memory": memory, "default_vcpus": vcpus, "default_maxvcpus": maxv,
            "memory_slots": slots, "shared_fs": fs, "block_device_driver": block}


def rs_expected(name: str, hv: dict[str, Any], arch: str) -> Expected:
    """runtime-rs: the VMM plugin's defaults, then the generic adjustments."""
    memory = hv.get("default_memory", 0) or RS_MEMORY.get(name, 0)
    memory = min(memory, MEMORY)
    if arch == "ppc64le":
        memory = max(memory, 1024) // 256 * 256
    maxv = hv.get("default_maxvcpus", 0)
    maxv = min(maxv, 256) if name == "dragonball" else maxv
    maxv = CPUS if maxv == 0 or maxv > CPUS else maxv
    vcpus = float(hv.get("default_vcpus", 0))
    vcpus = float(CPUS) if vcpus < 0 or vcpus > CPUS else (1.0 if vcpus == 0 else vcpus)
    vcpus = min(vcpus, float(maxv))
    slots = hv.get("memory_slots", 0) or RS_SLOTS.get(name, 0)
    fs = hv.get("shared_fs", "none")
    fs = "virtio-fs" if fs == "" else fs
    block = "" if hv.get("disable_block_device_use") else (
        hv.get("block_device_driver") or "virtio-blk-pci")
    return {"default_memory": memory, "default_vcpus": vcpus, "default_maxvcpus": maxv,
            "memory_slots": slots, "shared_fs": fs, "block_device_driver": block}


def _loaded(path: Path, tmp_path: Path) -> Effective:
    root = make_host(tmp_path, cpus=CPUS, memory_mib=MEMORY)
    (root / "etc/kata-containers").mkdir(parents=True)
    shutil.copy(path, root / CONF.lstrip("/"))
    return load(CONF, runtime=runtime_of(path), root=root, arch=arch_of(path))  # type: ignore[arg-type]


def _fits(value: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if origin is types.UnionType:
        return any(_fits(value, arm) for arm in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return isinstance(value, tuple) and all(_fits(v, item) for v in value)
    if hint is float:
        return isinstance(value, float)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def _check_types(obj: Any, where: str) -> None:
    hints = typing.get_type_hints(type(obj))
    for f in fields(obj):
        value = getattr(obj, f.name)
        if hasattr(value, "__dataclass_fields__"):
            _check_types(value, f"{where}.{f.name}")
        else:
            hint = hints[f.name]
            assert _fits(value, hint), f"{where}.{f.name} = {value!r} is not {hint}"


@pytest.mark.corpus
@pytest.mark.parametrize("path", rendered_configs(), ids=corpus_id)
def test_corpus_config_resolves_like_its_runtime(path: Path, tmp_path: Path) -> None:
    require_corpus()
    eff = _loaded(path, tmp_path)
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    hv = raw["hypervisor"][eff.hypervisor_name]
    derive = go_expected if eff.flavour == "go" else rs_expected
    expected = derive(eff.hypervisor_name, hv, arch_of(path))
    got = {key: getattr(eff.hypervisor, key) for key in expected}
    assert got == expected
    for section in ("hypervisor", "agent", "runtime", "factory"):
        _check_types(getattr(eff, section), section)
    for key in eff.values():
        assert eff.origin(key).kind in ("file", "drop-in", "default", "normalised"), key


def test_corpus_is_all_there() -> None:
    require_corpus()
    assert len(rendered_configs()) == 37
