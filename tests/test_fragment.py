"""A config.d/ drop-in validated alone is a fragment: no errors about what its main file sets."""

from __future__ import annotations

from pathlib import Path

from kata_config.pipeline import validate_file


def _dropin(tmp_path: Path, text: str) -> Path:
    dropins = tmp_path / "config.d"
    dropins.mkdir()
    path = dropins / "50-memory.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_dropin_alone_reports_no_missing_keys(tmp_path: Path) -> None:
    path = _dropin(tmp_path, "[hypervisor.qemu]\ndefault_memory = 4096\n")
    report = validate_file(path, runtime="go", arch="x86_64")
    assert [f.rule_id for f in report.findings] == ["dropin-fragment"]
    note = report.findings[0].message
    assert f"kata-config validate {tmp_path}" in note


def test_dropin_alone_still_reports_its_own_keys(tmp_path: Path) -> None:
    path = _dropin(tmp_path, '[hypervisor.qemu]\ndefault_memory = "4G"\nenable_swap = true\n')
    ids = sorted(f.rule_id for f in validate_file(path, runtime="go", arch="x86_64").findings)
    assert ids == ["dropin-fragment", "retired-key", "schema-type"]


def test_a_main_file_is_not_a_fragment(tmp_path: Path) -> None:
    path = tmp_path / "configuration.toml"
    path.write_text("[hypervisor.qemu]\ndefault_memory = 4096\n", encoding="utf-8")
    ids = {f.rule_id for f in validate_file(path, runtime="go", arch="x86_64").findings}
    assert "dropin-fragment" not in ids
    assert ids  # kernel, image and the rest are missing from a main file
