"""The typer-free front end of the hot commands: ``check``, ``validate`` and ``diff``.

``parse`` reads argv with the same declarations (``spec.py``) the typer commands are built
from, and ``run`` calls the command body with the values. It handles only plain command
lines: anything else (``--help``, an unknown or malformed option, a bad value, ``--``,
grouped short flags, shell completion) is left to the typer app, so help and usage errors
read exactly as typer prints them. Starting without typer saves ~45 ms a run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Final

from kata_cli.spec import Arg, Command, Opt

_COMPLETION: Final = "_KATA_CONFIG_COMPLETE"


class _Unsure(Exception):
    """This command line is for typer to read (and to explain, if it is wrong)."""


def _convert(param: Opt | Arg, raw: str) -> object:
    kind = param.value
    try:
        value = kind(raw) if kind is not None else raw
    except ValueError:  # not a number, not a choice: typer's message says which
        raise _Unsure from None
    if isinstance(param, Opt) and param.minimum is not None and value < param.minimum:  # type: ignore[operator]
        raise _Unsure
    return value


def _flags(command: Command) -> dict[str, tuple[Opt, bool]]:
    """Every spelling of every option -> (option, value of a flag: False for ``--no-x``)."""
    found: dict[str, tuple[Opt, bool]] = {}
    for param in command.params:
        if isinstance(param, Opt):
            for decl in param.flags:
                on, _, off = decl.partition("/")
                found[on] = (param, True)
                if off:
                    found[off] = (param, False)
    return found


def _store(values: dict[str, object], param: Opt | Arg, value: object) -> None:
    if param.many:
        values[param.dest] = [*(values[param.dest] or ()), value]  # type: ignore[misc]
    else:
        values[param.dest] = value


def parse(command: Command, argv: Sequence[str]) -> dict[str, object] | None:
    """The values of ``command``'s parameters as typer would pass them, or None when this
    command line is not a plain one (typer then reads it)."""
    flags = _flags(command)
    values: dict[str, object] = {
        p.dest: None if isinstance(p, Arg) or p.many else p.default for p in command.params}
    positional: list[str] = []
    tokens = iter(argv)
    try:
        for token in tokens:
            if token == "-" or not token.startswith("-"):
                positional.append(token)
                continue
            name, eq, inline = token.partition("=") if token.startswith("--") else (token, "", "")
            found = flags.get(name)
            if found is None:  # --help, --, an unknown option, grouped short flags
                raise _Unsure
            opt, on = found
            if opt.value is None:
                if eq:
                    raise _Unsure
                values[opt.dest] = on
                continue
            raw = inline if eq else next(tokens, None)
            if raw is None:  # the option's value is missing
                raise _Unsure
            _store(values, opt, _convert(opt, raw))
        args = [p for p in command.params if isinstance(p, Arg)]
        if len(positional) > len(args) and not any(a.many for a in args):
            raise _Unsure
        for arg in args:
            taken, positional = (positional, []) if arg.many else (positional[:1], positional[1:])
            for raw in taken:
                _store(values, arg, _convert(arg, raw))
    except _Unsure:
        return None
    return values


def _hot(name: str) -> tuple[Command, Callable[..., None]] | None:
    """A hot command's declaration and body (importing only that command's modules)."""
    # The hot part of the command table: typed imports here, so a run loads one command.
    from kata_cli import spec  # noqa: PLC0415 (the command table)

    if name == "validate":
        from kata_cli import validate  # noqa: PLC0415 (the command table)

        return spec.VALIDATE, validate.run
    if name == "check":
        from kata_cli import check  # noqa: PLC0415 (the command table)

        return spec.CHECK, check.run
    if name == "diff":
        from kata_cli import diff  # noqa: PLC0415 (the command table)

        return spec.DIFF, diff.run
    return None


def run(argv: Sequence[str]) -> None:
    """Run a plain hot command line (its body exits); return to let typer take ``argv``."""
    if not argv or _COMPLETION in os.environ:
        return
    hot = _hot(argv[0])
    if hot is None:
        return
    command, body = hot
    values = parse(command, argv[1:])
    if values is not None:
        body(**values)
        raise SystemExit(0)
