"""``kata-config annotate``: verdicts in text and JSON, and its exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kata_cli import app

HV = "io.katacontainers.config.hypervisor."
CONFIG = """\
[hypervisor.qemu]
path = "/usr/bin/qemu-system-x86_64"
kernel = "/usr/share/kata-containers/vmlinux"
image = "/usr/share/kata-containers/kata.img"
enable_annotations = ["default_memory", "kernel_params"]
default_memory = 2048
[agent.kata]
[runtime]
"""


@pytest.fixture
def config(tmp_path: Path) -> str:
    (tmp_path / "proc").mkdir()
    (tmp_path / "proc" / "cpuinfo").write_text("processor\t: 0\n\nprocessor\t: 1\n")
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "configuration.toml").write_text(CONFIG)
    return str(tmp_path)


def run(root: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["annotate", "/etc/configuration.toml", "--root", root,
                                      "--arch", "x86_64", "--runtime", "go", *args])
    return result.exit_code, result.output


def test_text_lists_verdicts_then_changes(config: str) -> None:
    code, out = run(config, "-a", HV + "default_memory=4096", "-a", HV + "kernel_params=quiet")
    assert code == 0, out
    assert f"accepted  {HV}default_memory=4096" in out
    assert "enabled by 'default_memory'" in out
    assert "hypervisor.default_memory: 2048 -> 4096" in out


def test_json_shape_and_go_rejection_exit_code(config: str) -> None:
    code, out = run(config, "-a", HV + "default_memory=4096", "-a", HV + "image=/x.img",
                    "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert set(doc) == {"version", "runtime", "config", "annotations", "changes"}
    assert (doc["version"], doc["runtime"], doc["config"]) == (1, "go", "/etc/configuration.toml")
    assert [set(a) for a in doc["annotations"]] == [
        {"annotation", "value", "status", "reason"}] * 2
    by_name = {a["annotation"]: a for a in doc["annotations"]}
    assert by_name[HV + "image"]["status"] == "rejected"
    assert by_name[HV + "default_memory"] == {
        "annotation": HV + "default_memory", "value": "4096", "status": "accepted",
        "reason": "enabled by 'default_memory'; sets hypervisor.default_memory to 4096"}
    assert doc["changes"] == [{"key": "hypervisor.default_memory", "from": 2048, "to": 4096}]


def test_runtime_rs_rules_only_warn_on_a_disallowed_annotation(config: str) -> None:
    code, out = run(config, "-a", HV + "image=/x.img", "--behaviour", "rs")
    assert code == 0, out
    assert "runtime-rs warns and ignores it" in out


def test_annotation_file(config: str, tmp_path: Path) -> None:
    pod = tmp_path / "pod.json"
    pod.write_text(json.dumps({HV + "default_memory": "3072", "example.com/team": "a"}))
    code, out = run(config, "-a", f"@{pod}", "--format", "json")
    doc = json.loads(out)
    assert [a["status"] for a in doc["annotations"]] == ["rejected", "accepted"]  # by name
    assert code == 1  # under the Go rules any rejection fails


@pytest.mark.parametrize(("args", "message"), [
    (["-a", HV + "default_memory"], "expected KEY=VALUE"),
    ([], "at least one --annotation"),
    (["-a", "k=v", "--kata-version", "2.5.0"], "3.30.0 to 4.1.0"),
])
def test_usage_errors_exit_2(config: str, args: list[str], message: str) -> None:
    code, out = run(config, *args)
    assert code == 2
    assert message in out


def test_annotation_file_from_standard_input(config: str) -> None:
    # kubectl get pod P -o jsonpath='{.metadata.annotations}' | kata-config annotate -a @-
    result = CliRunner().invoke(app, ["annotate", "/etc/configuration.toml", "--root", config,
                                      "--arch", "x86_64", "--runtime", "go", "-a", "@-",
                                      "--format", "json"],
                                input=json.dumps({HV + "default_memory": "3072"}))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["changes"] == [
        {"key": "hypervisor.default_memory", "from": 2048, "to": 3072}]
