"""``validate`` and ``diff`` pick the file a runtime class loads (``--runtime-class``)."""

from __future__ import annotations

from typer.testing import CliRunner

from kata_cli import app
from tests.nodetree import KATA_DEPLOY, SHARE

runner = CliRunner()


def test_validate_runtime_class_checks_the_handlers_file_for_its_runtime() -> None:
    result = runner.invoke(app, ["validate", "--root", str(KATA_DEPLOY), "--arch", "x86_64",
                                 "--runtime-class", "kata-qemu-runtime-rs", "--format", "json"])
    assert result.exit_code == 0, result.stdout
    assert "loaded by runtime-rs" in result.stderr
    assert "configuration-qemu-runtime-rs.toml" in result.stdout


def test_validate_runtime_class_reads_the_drop_ins_too() -> None:
    result = runner.invoke(app, ["validate", "--root", str(KATA_DEPLOY), "--arch", "x86_64",
                                 "--runtime-class", "kata-qemu"])
    assert result.exit_code == 0, result.stdout
    assert f"{SHARE}/runtimes/qemu/configuration-qemu.toml" in result.stderr
    assert result.stdout.strip().endswith("in 2 files")


def test_unknown_runtime_class_is_a_usage_error() -> None:
    result = runner.invoke(app, ["validate", "--root", str(KATA_DEPLOY), "--arch", "x86_64",
                                 "--runtime-class", "kata-fc"])
    assert result.exit_code == 2
    assert "containerd has no runtime handler 'kata-fc'" in result.stderr


def test_path_and_runtime_class_together_is_a_usage_error() -> None:
    result = runner.invoke(app, ["validate", "x.toml", "--runtime-class", "kata-qemu"])
    assert result.exit_code == 2
    assert "either a PATH or --runtime-class" in result.stderr


def test_diff_runtime_class_diffs_the_effective_file() -> None:
    result = runner.invoke(app, ["diff", "--root", str(KATA_DEPLOY), "--runtime-class",
                                 "kata-qemu", "--format", "json"])
    assert result.exit_code == 1  # it differs from stock
    assert "default_memory" in result.stdout  # 4096 from config.d/50-user-overrides.toml
    assert "50-user-overrides.toml" in result.stdout
