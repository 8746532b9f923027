"""Odd but parseable files: every path ends in a sentence, with bounded output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kata_cli import app
from tests.hostile.conftest import fingerprint, make

runner = CliRunner()
HEAD = '[hypervisor.qemu]\npath = "/usr/bin/qemu-system-x86_64"\n'
DATES = (HEAD + "default_memory = 1979-05-27T07:32:00Z\nkernel_params = 07:32:00\n"
         "firmware = 1979-05-27\n[runtime]\nstamp = 1979-05-27T00:32:00.999999-07:00\n")
SHAPES = {
    "dates": DATES,
    "deep-keys": "[runtime]\nx" + ".a" * 10_000 + " = 1\n",
    "deep-keys-4mb": "x" + ".a" * 2_000_000 + " = 1\n",  # tomllib alone: quadratic, hours
    "deep-tables": "[" + ".".join(["t"] * 5_000) + "]\n",
    "deep-arrays": "x = " + "[" * 5_000 + "]" * 5_000 + "\n",
    "many-tables": HEAD + "".join(f'[hypervisor.h{i}]\npath = "/x"\n' for i in range(10_000)),
    "duplicate-key": HEAD + "default_memory = 1\ndefault_memory = 2\n",
    "out-of-order": ("[runtime.x]\na = 1\n[agent.kata]\ndial_timeout = 5\n[runtime]\n"
                     "create_container_timeout = 30\n[hypervisor.qemu.y]\nb = 1\n[runtime.z]\n"
                     "c = 1\n" + HEAD + 'seccompsandbox = "on"\n'),
    "escapes": HEAD + 'kernel_params = "\\u001b[2J\\u001b]0;pwned\\u0007"\n'
               'machine_type = "q35\\u202e"\nbogus\\u001b = 1\n'.replace("bogus\\u001b",
                                                                        '"bogus\\u001b"'),
}
COMMANDS = {"validate": ["validate", "--arch", "x86_64"],
            "validate-json": ["validate", "--arch", "x86_64", "--format", "json"],
            "validate-sarif": ["validate", "--arch", "x86_64", "--format", "sarif"],
            "diff": ["diff", "--arch", "x86_64", "--against", "code-defaults"],
            "diff-json": ["diff", "--arch", "x86_64", "--format", "json"],
            "migrate": ["migrate", "--to", "rs"],
            "migrate-json": ["migrate", "--to", "rs", "--format", "json"]}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_shape_ends_in_a_sentence(tmp_path: Path, shape: str, command: str) -> None:
    path = make(tmp_path, "c.toml", SHAPES[shape])
    before = fingerprint(tmp_path)
    result = runner.invoke(app, [*COMMANDS[command], str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1, 2), result.output
    assert "internal error" not in result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stderr.startswith("kata-config: ") or "error" in result.stdout
    if not command.endswith(("json", "sarif")):  # JSON escapes control characters itself
        assert "\x1b" not in result.output
        assert "\u202e" not in result.output
    if command.endswith("json") and result.exit_code != 2:
        # migrate writes the converted file to stdout and its report to stderr
        text = result.stderr if command.startswith("migrate") else result.stdout
        json.JSONDecoder().raw_decode(text)  # migrate may add a note after the document
    assert fingerprint(tmp_path) == before


@pytest.mark.parametrize(("shape", "message"), [
    ("deep-keys", "more than 16 dotted parts"), ("deep-tables", "more than 16 dotted parts"),
    ("deep-arrays", "too deep"), ("many-tables", "more than 1000 tables"),
    ("duplicate-key", "Cannot overwrite a value"), ("out-of-order", "in pieces")])
def test_the_sentence_names_the_problem(tmp_path: Path, shape: str, message: str) -> None:
    path = make(tmp_path, "c.toml", SHAPES[shape])
    for argv in (COMMANDS["validate"], COMMANDS["diff"], COMMANDS["migrate"]):
        result = runner.invoke(app, [*argv, str(path)])
        if argv[0] == "migrate" or shape != "out-of-order":
            assert message in result.output, (argv, result.output)


def test_a_source_line_is_shown_once_not_per_finding(tmp_path: Path) -> None:
    entries = ", ".join(f'"no_such_annotation_{i}"' for i in range(2000))
    path = make(tmp_path, "c.toml", f"{HEAD}enable_annotations = [{entries}]\n")
    result = runner.invoke(app, ["validate", "--arch", "x86_64", str(path)])
    assert result.stdout.count("enable_annotations = [") == 1
    assert len(result.stdout) < 1_000_000  # was 30 MB: the 60 KB line under each finding


def test_dates_are_iso_text_in_json(tmp_path: Path) -> None:
    path = make(tmp_path, "c.toml", DATES)
    result = runner.invoke(app, ["diff", "--arch", "x86_64", "--against", "code-defaults",
                                 "--format", "json", str(path)])
    doc = json.loads(result.stdout)
    values = {c["key"]: c["value"] for c in doc["changes"]}
    assert values["hypervisor.qemu.default_memory"] == "1979-05-27T07:32:00+00:00"
