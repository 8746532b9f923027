"""Conventions every command shares: version, prefixes, streams, upstream's flags and variables,
silencing rules, CI formats, explain, schema output, symlinked writes, completion."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Final

import pytest
from typer.testing import CliRunner

from kata_cli import app
from kata_cli.render import wants_colour, write_lines
from kata_config import __version__
from tests.hostfixtures import HOSTS

FIXTURES: Final = Path(__file__).parent / "fixtures" / "configs"
TYPO: Final = FIXTURES / "invalid" / "unknown-key" / "typo.toml"
runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    assert run("--version") == (0, f"kata-config {__version__}\n", "")


@pytest.mark.parametrize("args", [
    ["validate", "/nonexistent.toml", "--arch", "x86_64"],
    ["validate", str(TYPO), "--arch", "sparc"],
    ["check", "--arch", "sparc"],
    ["defaults", "show", "no-such-template", "--arch", "x86_64"],
    ["diff", "/nonexistent.toml"],
    ["migrate", "/nonexistent.toml", "--to", "rs"],
    ["snapshot", "x.tar.gz", "y"],
    ["explain", "no-such-rule"],
    ["validate", str(TYPO), "--ignore", "no-such-rule"],
], ids=["validate", "validate-arch", "check", "defaults", "diff", "migrate", "snapshot",
        "explain", "ignore"])
def test_one_message_prefix_on_stderr_and_exit_2(args: list[str]) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    assert err.startswith("kata-config: "), err
    assert "kata-config check:" not in err


def _help(*command: str) -> str:
    """A command's --help as one line of words (rich's box edges and wrapping removed)."""
    _, out, _ = run(*command, "--help", env={"TERM": "dumb", "COLUMNS": "200"})
    return " ".join(out.replace("│", " ").split())


def test_same_arch_and_runtime_options_everywhere() -> None:
    for command in (["validate"], ["check"], ["diff"], ["defaults", "show"],
                    ["defaults", "write"]):
        text = _help(*command)
        assert "--arch" in text, command
        assert "Default: this host's" in text, command
    for command in (["validate"], ["diff"], ["defaults", "show"]):
        assert "go, rs, or auto" in _help(*command), command


def test_kata_check_no_network_means_off_whatever_its_value() -> None:
    for value in ("1", "0", "false", ""):
        _, out, _ = run("check", "--root", str(HOSTS / "x86_64-pvm"), "--only", "network",
                        "--format", "json", env={"KATA_CHECK_NO_NETWORK": value})
        (line,) = json.loads(out)["checks"]
        assert line["status"] == "skip", value


def test_upstream_short_flags() -> None:
    root = str(HOSTS / "x86_64-pvm")
    code, out, _ = run("check", "-n", "-v", "-s", "--root", root, "--only", "env")
    assert code == 1  # -s: the PVM warning fails the run
    assert "evidence:" in out  # -v
    assert "network" not in out


def test_quiet_prints_only_problems() -> None:
    _, out, _ = run("check", "-n", "-q", "--root", str(HOSTS / "x86_64-pvm"), "--only", "env")
    assert "WARN" in out
    assert "PASS" not in out


def test_inline_disable_and_unused_directive(tmp_path: Path) -> None:
    text = TYPO.read_text(encoding="utf-8")
    config = tmp_path / "configuration.toml"
    config.write_text(text.replace("default_vpcus = 2",
                                   "default_vpcus = 2  # kata-config: disable=unknown-key")
                      + "# kata-config: disable=schema-type\ndefault_memory = 2048\n")
    code, out, _ = run("validate", str(config), "--arch", "x86_64", "--format", "json")
    rules = [(f["rule"], f["line"]) for f in json.loads(out)["findings"]]
    assert ("unknown-key", 8) not in rules
    assert rules == [("unused-disable", 9)]
    assert code == 0


def test_select_and_ignore() -> None:
    _, out, _ = run("validate", str(TYPO), "--arch", "x86_64", "--format", "json",
                    "--ignore", "unknown-key")
    assert json.loads(out)["findings"] == []
    _, out, _ = run("validate", str(TYPO), "--arch", "x86_64", "--format", "json",
                    "--select", "schema-type,unknown-key")
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["unknown-key"]
    code, _, err = run("validate", str(TYPO), "--select", "unknwn-key")
    assert code == 2
    assert "did you mean unknown-key" in err


def test_github_annotations() -> None:
    code, out, _ = run("validate", str(TYPO), "--arch", "x86_64", "--format", "github")
    first = out.splitlines()[0]
    assert code == 0
    assert first.startswith("::warning file=")
    assert ",line=8,col=1,title=kata-config unknown-key::" in first
    assert first.endswith("docs/rules.md#unknown-key)")


def test_sarif_rules_link_their_docs() -> None:
    _, out, _ = run("validate", str(TYPO), "--arch", "x86_64", "--format", "sarif")
    (rule,) = json.loads(out)["runs"][0]["tool"]["driver"]["rules"]
    assert rule["helpUri"].endswith("/docs/rules.md#unknown-key")
    assert rule["helpUri"].startswith("https://")


def test_explain() -> None:
    code, out, _ = run("explain", "unknown-key")
    assert code == 0
    assert out.startswith("unknown-key (warning): ")
    assert "```" not in out
    assert out.rstrip().endswith("docs/rules.md#unknown-key")
    code, out, _ = run("explain")
    assert "unused-disable" in out


def test_schema_output(tmp_path: Path) -> None:
    target = tmp_path / "kata.schema.json"
    code, out, err = run("schema", "--output", str(target))
    assert code == 0
    assert out == ""
    assert err == f"kata-config: wrote {target}\n"
    assert json.loads(target.read_text())["$id"].startswith("https://")


def test_migrate_write_goes_through_kata_deploys_symlink(tmp_path: Path) -> None:
    real = tmp_path / "configuration-qemu.toml"
    real.write_text('[hypervisor.qemu]\npath = "/usr/bin/qemu"\nkernel = "/vmlinux"\n'
                    'image = "/kata.img"\n[agent.kata]\n[runtime]\n')
    link = tmp_path / "configuration.toml"
    link.symlink_to(real.name)
    code, _, err = run("migrate", str(link), "--to", "rs", "--write")
    assert code == 0, err
    assert link.is_symlink()
    assert "hypervisor_name" in real.read_text()
    assert f"wrote {real} through the symlink {link}" in err


def test_completion_script_is_available() -> None:
    """What a distro package installs as /usr/share/bash-completion/completions/kata-config."""
    script = Path(sys.executable).with_name("kata-config")
    env = {**os.environ, "_KATA_CONFIG_COMPLETE": "source_bash"}
    done = subprocess.run([str(script)], env=env, capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0
    assert "complete -o default -F _kata_config_completion kata-config" in done.stdout


def test_every_command_has_quiet() -> None:
    for command in (["validate"], ["check"], ["diff"], ["migrate"], ["snapshot"], ["schema"],
                    ["defaults", "write"]):
        _, out, _ = run(*command, "--help", env={"TERM": "dumb", "COLUMNS": "200"})
        assert "--quiet" in out, command
    code, out, err = run("diff", "--quiet", str(TYPO))
    assert (code, out, err) == (1, "", "")


@pytest.mark.parametrize(("env", "coloured"), [
    ({"FORCE_COLOR": "1"}, True),
    ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
    ({}, False),  # not a terminal
], ids=["force", "no-color-wins", "pipe"])
def test_colour_follows_force_color_and_no_color(env: dict[str, str], coloured: bool) -> None:
    base = {"FORCE_COLOR": "", "NO_COLOR": ""}
    _, out, _ = run("check", "-n", "--root", str(HOSTS / "x86_64-pvm"), "--only", "env",
                    env={**base, **env})
    assert ("\x1b[" in out) is coloured
    _, out, _ = run("validate", str(TYPO), "--arch", "x86_64", env={**base, **env})
    assert ("\x1b[" in out) is coloured


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("env", "coloured"), [
    ({}, True),
    ({"TERM": "dumb"}, False),
    ({"NO_COLOR": "1"}, False),
    ({"TERM": "dumb", "FORCE_COLOR": "1"}, True),
    ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
], ids=["terminal", "dumb", "no-color", "force-beats-dumb", "no-color-beats-force"])
def test_one_colour_path_on_a_terminal(monkeypatch: pytest.MonkeyPatch, env: dict[str, str],
                                       coloured: bool) -> None:
    """wants_colour decides, write_lines (rich) paints; the text is the same either way."""
    for name in ("TERM", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out = _Terminal()
    colour = wants_colour(out)
    write_lines([(("FAIL", "bold red"), ("  cpu.x  \x1b[2J evil", ""))], out, colour)
    assert colour is coloured
    assert ("\x1b[" in out.getvalue()) is coloured
    assert "\\x1b[2J evil" in out.getvalue()  # what came from a file stays escaped


def test_no_renderer_writes_raw_escape_sequences() -> None:
    """rich is the only colour path: no renderer spells an ANSI sequence itself."""
    root = Path(__file__).resolve().parents[1] / "kata_cli"
    raw = [str(p) for p in root.rglob("*.py") if "\\x1b[" in p.read_text(encoding="utf-8")
           or "\\033[" in p.read_text(encoding="utf-8")]
    assert raw == []


def test_check_github_annotations() -> None:
    code, out, _ = run("check", "-n", "--root", str(HOSTS / "x86_64-amd-no-svm"), "--only",
                       "cpu", "--format", "github")
    lines = out.splitlines()
    assert code == 1
    assert any(line.startswith("::error title=kata-config check cpu.") for line in lines)
    assert lines[-1].startswith("verdict: FAIL")
    assert not any(line.startswith("::") and "::pass" in line for line in lines)


def test_check_sarif_anchors_host_findings_to_the_config() -> None:
    """--format sarif means the same in check as in validate: code scanning input, each
    result with a file (line 1 of the configuration checked) and the rule's help."""
    config = "defaults/go/x86_64/configuration-qemu.toml"
    root = str(HOSTS / "x86_64-amd-no-svm")
    code, out, _ = run("check", "-n", "--root", root, "--config", config, "--format", "sarif")
    _, plain, _ = run("check", "-n", "--root", root, "--config", config, "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["version"] == "2.1.0"
    (sarif_run,) = doc["runs"]
    problems = [c for c in json.loads(plain)["checks"] if c["status"] in ("warn", "fail")]
    assert [r["ruleId"] for r in sarif_run["results"]] == [c["id"] for c in problems]
    assert {r["level"] for r in sarif_run["results"]} == {"error", "warning"}
    for result in sarif_run["results"]:
        (location,) = result["locations"]
        assert location["physicalLocation"] == {"artifactLocation": {"uri": config},
                                                "region": {"startLine": 1}}
    for rule in sarif_run["tool"]["driver"]["rules"]:
        for field in ("shortDescription", "fullDescription", "help"):
            assert rule[field]["text"], (rule["id"], field)
    # without a configuration there is no file to anchor to: refused, not an invalid upload
    code, out, err = run("check", "-n", "--root", str(HOSTS / "x86_64-pvm"), "--format",
                         "sarif")
    assert (code, out) == (2, "")
    assert err.startswith("kata-config: --format sarif anchors"), err


@pytest.mark.parametrize("args", [
    ["validate", "-", "--arch", "x86_64", "--format", "json"],
    ["diff", "-"],
    ["migrate", "-", "--to", "rs"],
    ["check", "-n", "--root", str(HOSTS / "x86_64-pvm"), "--config", "-", "--only", "config"],
], ids=["validate", "diff", "migrate", "check-config"])
def test_dash_reads_the_configuration_from_stdin(args: list[str]) -> None:
    stock = Path(__file__).resolve().parents[1] / "defaults/go/x86_64/configuration-qemu.toml"
    result = runner.invoke(app, args, input=stock.read_text(encoding="utf-8"))
    assert result.exit_code in (0, 1), result.stderr
    assert "does not exist" not in result.stderr
    if args[0] == "validate":
        assert json.loads(result.stdout)["summary"]["errors"] == 0
    if args[0] == "diff":
        assert "no differences" in result.stdout


def test_dash_under_root_is_refused_by_validate(tmp_path: Path) -> None:
    """Under --root, validate's paths are read inside the root, where '-' would be a file named
    '-': standard input is not there, so it is refused with a sentence, even when such a file
    exists, rather than validating something the user did not give."""
    (tmp_path / "-").write_text("[runtime]\n", encoding="utf-8")
    stock = Path(__file__).resolve().parents[1] / "defaults/go/x86_64/configuration-qemu.toml"
    result = runner.invoke(app, ["validate", "--root", str(tmp_path), "--arch", "x86_64", "-"],
                           input=stock.read_text(encoding="utf-8"))
    assert (result.exit_code, result.stdout) == (2, ""), result.stdout
    assert result.stderr.startswith("kata-config: - (standard input) is read on this host"), \
        result.stderr
    assert "--root" in result.stderr


def test_reports_on_stderr_results_on_stdout(tmp_path: Path) -> None:
    """A command that writes a file says so on stderr; stdout stays for results."""
    archive = tmp_path / "s.tar.gz"
    code, out, err = run("snapshot", str(archive), "--root", str(HOSTS / "x86_64-pvm"))
    assert (code, out) == (0, "")
    assert err.startswith(f"kata-config: wrote {archive}: "), err
    target = tmp_path / "configuration.toml"
    code, out, err = run("defaults", "write", "qemu", "--arch", "x86_64", str(target))
    assert (code, out, err) == (0, "", f"kata-config: wrote {target}\n")
    code, out, err = run("defaults", "show", "qemu", "--arch", "x86_64")
    assert (code, err) == (0, "")
    assert out == target.read_text(encoding="utf-8")


@pytest.mark.parametrize(("env", "coloured"), [
    ({"TERM": "xterm-256color"}, True),
    ({"TERM": "dumb"}, False),
    ({"TERM": "dumb", "FORCE_COLOR": "1"}, True),
    ({"TERM": "xterm-256color", "NO_COLOR": "1"}, False),
], ids=["terminal", "term-dumb", "dumb-forced", "no-color"])
def test_colour_on_a_terminal_follows_term(env: dict[str, str], coloured: bool,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TERM", "FORCE_COLOR", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert wants_colour(_Terminal()) is coloured
