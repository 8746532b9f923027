"""The hot commands' two front ends (typer, and fast.py without typer) agree, from one declaration.

``spec.py`` declares the options of ``check``, ``validate`` and ``diff`` once; typer builds
its commands from it and ``fast.parse`` reads argv with it. These tests feed both every
option the declarations name (each spelling, ``--x=v`` forms, repeats, every choice) and
compare the values the command body receives; check that whatever fast.py does not read
plainly goes to typer; and that typer's help shows every declared option and its help text.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

import pytest
import typer
from typer.testing import CliRunner

from kata_cli import build_app, check, diff, fast, main, options, spec, validate

HOT: Final = {"validate": (spec.VALIDATE, validate.run), "check": (spec.CHECK, check.run),
              "diff": (spec.DIFF, diff.run)}
REPO: Final = Path(__file__).resolve().parents[1]
STOCK: Final = REPO / "defaults" / "go" / "x86_64" / "configuration-qemu.toml"


def _samples(param: spec.Opt | spec.Arg) -> list[str]:
    kind = param.value
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return [member.value for member in kind]
    return {float: ["2.5", "7"], Path: ["some/file.toml", "-"]}.get(kind, ["abc", "-x y"])


def _argvs(command: spec.Command) -> Iterator[list[str]]:
    """Plain command lines touching every spelling of every declared parameter."""
    yield []
    opts: list[str] = []
    args: list[str] = []
    for param in command.params:
        if isinstance(param, spec.Arg):
            args.append(_samples(param)[0])
            yield [_samples(param)[0]]
            if param.many:
                yield [_samples(param)[0], "other.toml"]
            continue
        for decl in param.flags:
            for flag in filter(None, decl.split("/")):
                if param.value is None:
                    yield [flag]
                    continue
                for sample in _samples(param):
                    yield [flag, sample]
                    if flag.startswith("--"):
                        yield [f"{flag}={sample}"]
                if param.many:
                    yield [flag, _samples(param)[0], flag, _samples(param)[-1]]
        first = param.flags[0].split("/")[0]
        opts += [first] if param.value is None else [first, _samples(param)[0]]
    yield [*args, *opts]
    yield [*opts, *args]  # options and arguments mix freely, as click allows


def _typer_values(command: spec.Command, argv: list[str]) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def body(**values: Any) -> None:
        seen.update(values)

    app = typer.Typer()
    app.command()(options.typer_command(command, body))
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, (argv, result.output)
    return seen


@pytest.mark.parametrize("name", sorted(HOT))
def test_both_front_ends_give_the_body_the_same_values(name: str) -> None:
    command, _ = HOT[name]
    checked = 0
    for argv in _argvs(command):
        fast_values = fast.parse(command, argv)
        assert fast_values is not None, f"fast.py left a plain command line to typer: {argv}"
        assert fast_values == _typer_values(command, argv), argv
        checked += 1
    assert checked > 10


@pytest.mark.parametrize("name", sorted(HOT))
def test_the_body_takes_exactly_the_declared_parameters(name: str) -> None:
    command, body = HOT[name]
    params = inspect.signature(body).parameters
    assert list(params) == [p.dest for p in command.params]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params.values())


@pytest.mark.parametrize("argv", [
    ["--help"], ["--format", "bogus"], ["--bogus"], ["--arch"], ["-qv"], ["--", "x.toml"],
    ["--quiet=yes"], ["-q", "--format"],
], ids=repr)
def test_what_fast_does_not_read_plainly_goes_to_typer(argv: list[str]) -> None:
    for command, _ in HOT.values():
        assert fast.parse(command, argv) is None


def test_bad_numbers_and_extra_arguments_go_to_typer() -> None:
    assert fast.parse(spec.CHECK, ["--interval", "0.5"]) is None  # below the minimum
    assert fast.parse(spec.CHECK, ["--interval", "soon"]) is None
    assert fast.parse(spec.CHECK, ["stray"]) is None
    assert fast.parse(spec.DIFF, ["a.toml", "b.toml"]) is None


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


@pytest.mark.parametrize("name", sorted(HOT))
def test_help_shows_every_declared_option_and_its_help(name: str) -> None:
    command, _ = HOT[name]
    result = CliRunner().invoke(build_app(), [name, "--help"], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    shown = _plain(result.output)
    assert _plain(command.help.split("\n\n")[0]) in shown
    for param in command.params:
        if isinstance(param, spec.Opt):
            for flag in (f for decl in param.flags for f in decl.split("/")):
                assert re.search(rf"(^|\s){re.escape(flag)}(\s|$)", shown), flag
        assert _plain(param.help) in shown, param.dest


@pytest.mark.parametrize("argv", [["validate", "--help"], ["check", "--format", "bogus"],
                                  ["diff", "--bogus"]], ids=" ".join)
def test_the_entry_point_hands_help_and_errors_to_typer(
        argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    expected = CliRunner().invoke(build_app(), argv)
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == expected.exit_code
    out = capsys.readouterr()
    assert _plain(out.out + out.err) == _plain(expected.output)
