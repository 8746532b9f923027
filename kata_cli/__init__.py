"""The ``kata-config`` command line: a thin layer over the library, typer for all but the start.

``build_app`` is the command table: each command module exposes ``register(app)``, and the
hot commands (``check``, ``validate``, ``diff``) are built from their declarations in
``spec.py``. ``main`` first lets ``fast.py`` run a hot command without importing typer (typer
and its click cost ~45 ms, as much as the rest of a run); anything else, and any ``--help`` or
usage error, goes to the typer app. ``kata_cli.app`` is that app, built on first use.
"""

from __future__ import annotations

import gc

# A run's start-up makes some 40,000 objects that all live until it ends (the modules'
# functions, tables and records). At Python's default threshold (700) the collector walks
# them again and again while they load: ~2 ms of a check or validate start (issue 13). With
# this one, collections during a run are rare, not gone; set before anything else loads.
gc.set_threshold(20_000)

import atexit
import errno
import os
import sys
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from kata_cli import fast
from kata_cli.render import printable

if TYPE_CHECKING:
    import typer


@cache
def build_app() -> typer.Typer:
    """The typer app with every command, in the order ``--help`` lists them."""
    # The command table imports typer and every command module here, not with the package:
    # the fast front end of the hot commands needs none of them.
    from kata_cli import (  # noqa: PLC0415 (the command table)
        annotate,
        check,
        defaults,
        diff,
        env,
        explain,
        migrate,
        options,
        plan,
        root,
        schema,
        snapshot,
        spec,
        validate,
    )

    app = root.new_app()
    app.command("validate")(options.typer_command(spec.VALIDATE, validate.run))
    schema.register(app)
    app.command("check")(options.typer_command(spec.CHECK, check.run))
    defaults.register(app)
    app.command("diff")(options.typer_command(spec.DIFF, diff.run))
    for module in (env, migrate, snapshot, annotate, explain, plan):
        module.register(app)
    return app


def __getattr__(name: str) -> typer.Typer:
    if name == "app":
        return build_app()
    raise AttributeError(f"module 'kata_cli' has no attribute {name!r}")


def _quiet_broken_pipe() -> None:
    # The reader went away (| head): say nothing, as click does, and keep Python from
    # complaining when it flushes stdout at exit.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point: a bug reaches the user as one sentence, never a traceback."""
    _skip_exit_collection()
    try:
        fast.run(sys.argv[1:] if argv is None else argv)  # a hot command exits in there
        if argv is None:
            build_app()()
        else:
            build_app()(args=list(argv), prog_name="kata-config")
    except KeyboardInterrupt:
        sys.stderr.write("kata-config: interrupted\n")
        raise SystemExit(130) from None
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            _internal(exc)
        _quiet_broken_pipe()
        raise SystemExit(1) from None
    except Exception as exc:  # last line of defence, see docstring
        _internal(exc)


def _skip_exit_collection() -> None:
    # When the interpreter ends it runs one last full collection over every object the run
    # made (~40,000, see the threshold above): ~6 ms of a 45 ms ``validate FILE`` (issue 13).
    # gc.freeze() as the last exit handler moves them out of the collector's sight first.
    # What still runs: every atexit handler and weakref.finalize (freezing finalises nothing
    # and stops no handler), the flush of stdout and stderr, and the freeing of everything
    # not in a reference cycle. What no longer runs is
    # __del__ of objects alive only in cycles at exit, which Python never promises at exit
    # anyway; ours need none: every file we write is closed by a with block or write_text
    # before the command returns (atomic.py, migrate_fixes.py, snapshot.py), and the one
    # finalizer (probes/host.py's directory fd) is a weakref.finalize, run at exit as before.
    # Registered once per process however often main() runs (tests call it in-process); it
    # runs only at interpreter exit, so an in-process caller's heap is never frozen mid-run.
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)


def _internal(exc: Exception) -> None:
    sys.stderr.write(
        f"kata-config: internal error: {type(exc).__name__}: {printable(exc)}\n"
        "Please report this together with the command you ran.\n"
    )
    raise SystemExit(2) from None
