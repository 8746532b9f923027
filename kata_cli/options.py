"""Options every command shares, as typer types; and the typer side of ``spec`` declarations.

Every command takes ``--arch``, ``--runtime``, ``--quiet`` (and ``--format`` where it has
formats) from here, and reports through ``fail``/``note`` (``usage.py``, re-exported): one
message prefix (``kata-config:``), diagnostics on stderr, results on stdout, exit 2 for a usage
error. A new command gets the same meaning by using these names. The hot commands are declared
in ``spec.py`` and built into typer commands by ``typer_command``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any

import typer

from kata_cli import spec
from kata_cli.spec import ARCH_HELP, RuntimeOption
from kata_cli.usage import (
    PREFIX,
    STDIN,
    fail,
    note,
    resolve_arch,
    resolve_release,
    rule_ids,
)

__all__ = [  # the shared names, here for the typer commands
    "ARCH_HELP", "PREFIX", "STDIN", "Arch", "Ignore", "KataVersion", "Quiet", "Root", "Runtime",
    "RuntimeClass", "RuntimeOption", "Select", "Strict", "fail", "note", "resolve_arch",
    "resolve_release", "rule_ids", "runtime_value", "typer_command", "typer_option",
]


def typer_option(opt: spec.Opt) -> Any:
    """The typer option of a declaration (what goes into ``Annotated[..., here]``)."""
    # typer's help reads rich markup: "[runtime]" would vanish as an unknown tag
    return typer.Option(*opt.flags, help=opt.help.replace("[", "\\["),
                        show_default=opt.show_default, min=opt.minimum)


def _annotation(param: spec.Opt | spec.Arg) -> Any:
    if isinstance(param, spec.Arg):
        info = typer.Argument(help=param.help, show_default=False)
        kind: Any = list[param.value] if param.many else param.value  # type: ignore[name-defined]
        return Annotated[kind | None, info]
    if param.value is None:
        return Annotated[bool, typer_option(param)]
    kind = list[param.value] if param.many else param.value  # type: ignore[name-defined]
    return Annotated[kind if param.default is not None else kind | None, typer_option(param)]


def _default(param: spec.Opt | spec.Arg) -> object:
    return None if isinstance(param, spec.Arg) or param.many else param.default


def typer_command(command: spec.Command, body: Callable[..., None]) -> Callable[..., None]:
    """A typer command function for a declaration that hands its values to ``body``.

    Its signature (names, types, typer options, defaults) is made from the declaration, so the
    typer front end and ``fast.parse`` cannot accept different options.
    """
    def run(**values: Any) -> None:
        body(**values)

    run.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
        inspect.Parameter(p.dest, inspect.Parameter.KEYWORD_ONLY, default=_default(p),
                          annotation=_annotation(p))
        for p in command.params
    ])
    run.__doc__ = command.help
    run.__name__ = command.name
    return run


Arch = Annotated[str | None, typer_option(spec.ARCH)]
Runtime = Annotated[RuntimeOption, typer_option(spec.RUNTIME)]
Quiet = Annotated[bool, typer_option(spec.QUIET)]
Strict = Annotated[bool, typer_option(spec.STRICT)]
KataVersion = Annotated[str | None, typer_option(spec.KATA_VERSION)]
Select = Annotated[list[str] | None, typer_option(spec.SELECT)]
Ignore = Annotated[list[str] | None, typer_option(spec.IGNORE)]
RuntimeClass = Annotated[str | None, typer_option(spec.RUNTIME_CLASS)]
Root = Annotated[str, typer_option(spec.ROOT)]


def runtime_value(option: RuntimeOption) -> str | None:
    """The runtime as the library takes it: None for auto."""
    return None if option is RuntimeOption.auto else option.value
