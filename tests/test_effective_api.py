"""The public API surface: the generated classes are current and keys() describes the catalogue."""

from __future__ import annotations

import kata_config
from kata_config.effective import generate
from kata_config.effective.layout import TOP


def test_generated_settings_classes_are_current() -> None:
    assert generate.TARGET.read_text(encoding="utf-8") == generate.render(), (
        "the key catalogue changed: run python -m kata_config.effective.generate")


def test_every_catalogue_key_is_a_typed_attribute() -> None:
    attributes = {f"{name}.{spec.name}" for name, section in TOP.items()
                  for spec in section.specs()}
    skipped = {"hypervisor.factory"}  # runtime-rs's [hypervisor.<name>.factory] is .factory
    for info in kata_config.catalogue():
        head = info.section.rstrip("[]")
        if head in TOP:
            assert info.key in attributes | skipped, info.key


def test_key_info_path_allowlists() -> None:
    infos = {info.key: info for info in kata_config.catalogue()}
    assert infos["hypervisor.path"].path_allowlist == "valid_hypervisor_paths"
    assert infos["hypervisor.entropy_source"].path_allowlist == "valid_entropy_sources"
    assert infos["hypervisor.kernel"].path_allowlist == ""
    assert infos["hypervisor.default_maxvcpus"].annotation == "default_max_vcpus"
    assert infos["hypervisor.default_memory"].read_by("rs", "qemu")
    assert not infos["hypervisor.msize_9p"].read_by("rs")
    assert "virtio-blk-pci" in infos["hypervisor.block_device_driver"].choices("rs")


def test_public_names_resolve_and_are_documented() -> None:
    for name in kata_config.__all__:
        value = getattr(kata_config, name)
        if name != "__version__":
            assert (getattr(value, "__doc__", None) or "").strip(), f"{name} has no docstring"


def test_no_public_name_is_shadowed_by_a_submodule() -> None:
    # importing kata_config.<name> rebinds the package attribute <name> to the module
    import pkgutil

    modules = {m.name for m in pkgutil.iter_modules(kata_config.__path__)}
    assert modules & set(kata_config.__all__) == set()
