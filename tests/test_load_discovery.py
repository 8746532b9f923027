"""``load()`` without a path finds the file through ``discover()``, runtime classes included."""

from __future__ import annotations

import pytest

from kata_config import ConfigNotFound, load
from tests.nodetree import KATA_DEPLOY, SHARE


def test_load_runtime_class_reads_the_handlers_file_and_its_drop_ins() -> None:
    eff = load(root=KATA_DEPLOY, runtime_class="kata-qemu")
    assert eff.files == (f"{SHARE}/runtimes/qemu/configuration-qemu.toml",
                         f"{SHARE}/runtimes/qemu/config.d/50-user-overrides.toml")
    assert eff.hypervisor.default_memory == 4096  # from the drop-in
    assert eff.origin("hypervisor.default_memory").kind == "drop-in"
    assert eff.discovery is not None
    assert eff.discovery.handler.name == "kata-qemu"


def test_load_runtime_class_takes_the_flavour_from_the_shim() -> None:
    eff = load(root=KATA_DEPLOY, runtime_class="kata-qemu-runtime-rs")
    assert (eff.flavour, eff.hypervisor_name) == ("rs", "qemu")


def test_load_unknown_runtime_class_raises_config_not_found_with_the_candidates() -> None:
    with pytest.raises(ConfigNotFound) as caught:
        load(root=KATA_DEPLOY, runtime_class="kata-fc")
    assert "no runtime handler 'kata-fc'" in str(caught.value)
    assert caught.value.discovery.candidates[0].path == "/etc/containerd/config.toml"
