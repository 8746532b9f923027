"""``kata-config validate``: the command body, shared by the typer and the fast front end.

Its options are declared in ``spec.VALIDATE``; this module imports no typer, so a validate run
starts without it (``fast.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import kata_config
from kata_cli import sources, usage
from kata_cli.discovered import exclusive, pick, runtime_choice
from kata_cli.render import wants_colour
from kata_cli.render.findings import RENDERERS
from kata_cli.spec import AUTO_ARCH, FindingsFormat, RuntimeOption
from kata_cli.usage import STDIN

_UNREADABLE = frozenset({"file-unreadable", "file-too-large", "file-not-text",
                         "file-too-complex"})


def _with_main_files(paths: list[Path], quiet: bool) -> list[Path]:
    """Replace a ``config.d/`` drop-in by the configuration it belongs to, once.

    A drop-in alone is a fragment (no image, no kernel), so checking it by itself reports what
    its main file provides; pre-commit passes exactly the files that changed, drop-ins alone
    included. The main file is the one ``configuration*.toml`` beside ``config.d/``
    (``configuration.toml`` when there are several, as kata-deploy links it).
    """
    out: list[Path] = []
    for given in paths:
        path = given
        if given.parent.name == "config.d":
            mains = sorted(given.parent.parent.glob("configuration*.toml"))
            named = [m for m in mains if m.name == "configuration.toml"]
            main = named[0] if named else mains[0] if len(mains) == 1 else None
            if main is not None:
                usage.note(f"{given} is a drop-in: validating {main} with its config.d/", quiet)
                path = main
        if path not in out:
            out.append(path)
    return out


def run(*, paths: list[Path] | None, runtime: RuntimeOption, arch: str | None,
        fmt: FindingsFormat, strict: bool, kata_version: str | None, select: list[str] | None,
        ignore: list[str] | None, quiet: bool, runtime_class: str | None, root: str) -> None:
    """Validate, render the report and exit: 0 clean or warnings, 1 errors, 2 unreadable."""
    # the rule table (every rule's docs) is needed only to check --select/--ignore ids
    known = kata_config.rule_docs() if select or ignore else {}
    chosen = usage.rule_ids(select, known, "--select")
    ignored = usage.rule_ids(ignore, known, "--ignore")
    target_arch = AUTO_ARCH if arch == AUTO_ARCH else usage.resolve_arch(arch)
    release = usage.resolve_release(kata_version)
    flavour = runtime_choice(runtime.value)
    exclusive("validate", paths, runtime_class)
    if not paths:
        found, flavour = pick("validate", runtime.value, root, runtime_class, quiet=quiet)
        paths = [found]
    elif root == "/":  # under --root the paths are the host's, read through it
        sources.require(paths)
        paths = _with_main_files(paths, quiet)
    elif any(str(path) == STDIN for path in paths):
        # not a file named '-' inside the root: the user meant standard input, which is not there
        raise usage.fail("- (standard input) is read on this host, not under --root; name the "
                         "configuration inside the root, or drop --root")
    try:
        report = kata_config.validate(paths, runtime=flavour, arch=target_arch,
                                      kata_version=release, root=root)
    except kata_config.ConfigNotFound as exc:
        raise usage.fail(f"{exc}: pass a PATH") from None
    if chosen or ignored:
        report = kata_config.select_findings(report, chosen, ignored)
    RENDERERS[fmt.value](report, sys.stdout, sources.Sources(root), wants_colour())
    unreadable = any(f.rule_id in _UNREADABLE for f in report.findings)
    raise SystemExit(2 if unreadable else report.exit_code(strict))
