"""``kata-config validate`` and ``schema`` through typer's test runner: output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final

import pytest
from typer.testing import CliRunner

from kata_cli import app

FIXTURES: Final = Path(__file__).parent / "fixtures" / "configs"
VALID: Final = FIXTURES / "valid" / "unknown-key" / "spelt-right.toml"
TYPO: Final = FIXTURES / "invalid" / "unknown-key" / "typo.toml"
BAD_TYPE: Final = FIXTURES / "invalid" / "schema-type" / "string-for-number.toml"
runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout


def test_clean_file_exits_0() -> None:
    code, out = _run("validate", str(VALID), "--arch", "x86_64")
    assert code == 0
    assert out.strip().endswith("in 1 file")


def test_warning_exits_0_but_1_under_strict() -> None:
    assert _run("validate", str(TYPO), "--arch", "x86_64")[0] == 0
    assert _run("validate", str(TYPO), "--arch", "x86_64", "--strict")[0] == 1


def test_text_line_names_place_rule_and_fix() -> None:
    _, out = _run("validate", str(TYPO), "--arch", "x86_64")
    first, source = out.splitlines()[:2]
    assert first.startswith(f"{TYPO}:8:1: warning unknown-key ")
    assert "did you mean 'default_vcpus'?" in first
    assert source.strip() == "default_vpcus = 2"


def test_error_exits_1() -> None:
    code, out = _run("validate", str(BAD_TYPE), "--arch", "x86_64")
    assert code == 1
    assert "error schema-type default_vcpus must be a number, found a string" in out


def test_json_shape() -> None:
    code, out = _run("validate", str(BAD_TYPE), "--arch", "x86_64", "--format", "json")
    doc = json.loads(out)
    assert code == 1
    assert set(doc) >= {"version", "files", "findings", "summary"}
    assert doc["version"] == 1
    assert doc["files"] == [str(BAD_TYPE)]
    (finding,) = doc["findings"]
    assert finding == {
        "rule": "schema-type", "severity": "error", "when": "load", "message": finding["message"],
        "path": str(BAD_TYPE), "line": 8, "column": 1, "key": "hypervisor.qemu.default_vcpus",
    }
    assert doc["summary"]["errors"] == 1
    assert doc["summary"]["warnings"] == 0


def test_sarif_meets_github_minimum() -> None:
    code, out = _run("validate", str(TYPO), "--arch", "x86_64", "--format", "sarif")
    doc = json.loads(out)
    assert code == 0
    assert doc["version"] == "2.1.0"
    assert doc["$schema"].endswith("sarif-2.1.0.json")
    (run,) = doc["runs"]
    assert run["tool"]["driver"]["name"] == "kata-config"
    assert run["columnKind"] == "unicodeCodePoints"
    for rule in run["tool"]["driver"]["rules"]:
        for field in ("shortDescription", "fullDescription", "help"):
            assert rule[field]["text"], (rule["id"], field)
    (result,) = run["results"]
    assert result["ruleId"] == "unknown-key"
    assert result["level"] == "warning"
    location = result["locations"][0]["physicalLocation"]
    assert location["region"] == {"startLine": 8, "startColumn": 1}
    assert not location["artifactLocation"]["uri"].startswith("/")


@pytest.mark.parametrize(
    "args",
    [
        ("validate", "does/not/exist.toml", "--arch", "x86_64"),
        ("validate", str(VALID), "--arch", "sparc"),
        ("validate", str(VALID), "--runtime", "java"),
        ("validate", str(FIXTURES / "invalid" / "file-not-text" / "nul-bytes.toml"),
         "--arch", "x86_64"),
        ("validate", str(FIXTURES / "invalid" / "file-unreadable" / "directory-as-file"),
         "--arch", "x86_64"),
    ],
    ids=["missing", "unknown-arch", "unknown-runtime", "binary", "unreadable"],
)
def test_usage_errors_and_unreadable_input_exit_2(args: tuple[str, ...]) -> None:
    assert _run(*args)[0] == 2


def test_no_path_validates_the_file_kata_would_load(tmp_path: Path) -> None:
    target = tmp_path / "etc" / "kata-containers" / "configuration.toml"
    target.parent.mkdir(parents=True)
    target.write_text(VALID.read_text())
    result = runner.invoke(app, ["validate", "--arch", "x86_64", "--root", str(tmp_path)])
    assert result.exit_code == 0
    assert "validate /etc/kata-containers/configuration.toml (built-in)" in result.stderr


def test_kata_conf_file_outside_the_shipped_files_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Since Kata 4.0 the shim takes KATA_CONF_FILE only when it is a shipped file."""
    target = tmp_path / "configuration.toml"
    target.write_text(VALID.read_text())
    monkeypatch.setenv("KATA_CONF_FILE", str(target))
    result = runner.invoke(app, ["validate", "--arch", "x86_64"])
    assert result.exit_code == 2
    assert "not one of the shipped configuration files" in result.stderr


def test_schema_command_prints_the_shipped_schema() -> None:
    code, out = _run("schema")
    assert code == 0
    assert json.loads(out)["title"] == "Kata Containers configuration.toml"


START_TIME = FIXTURES / "invalid" / "vcpus-exceed-max" / "basic.toml"


def test_json_and_sarif_say_when_an_error_strikes() -> None:
    # the Go runtime loads this file; QEMU then refuses to start with more vCPUs than maxcpus
    _, out = _run("validate", str(START_TIME), "--arch", "x86_64", "--format", "json")
    whens = {f["rule"]: f["when"] for f in json.loads(out)["findings"]}
    assert whens["vcpus-exceed-max"] == "start"
    _, out = _run("validate", str(START_TIME), "--arch", "x86_64", "--format", "sarif")
    (run,) = json.loads(out)["runs"]
    whens = {r["ruleId"]: r["properties"]["when"] for r in run["results"]}
    assert whens["vcpus-exceed-max"] == "start"
