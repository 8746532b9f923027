"""Record every user-visible verdict, to prove a refactoring changed no behaviour.

Runs the command line in-process over every input the project has: ``validate --format json``
of each upstream render, each shipped stock file and each rule fixture; ``diff`` and ``migrate``
of each upstream render; ``plan --format json`` of each upstream render; ``defaults show`` of
every stock file; and ``check --format json --verbose`` of every fixture host, with no config
and with each stock QEMU config. Timings are dropped. Usage::

    python tests/verdicts.py record BEFORE.json     # on the code before the change
    python tests/verdicts.py compare BEFORE.json    # after: lists what changed, exit 1 if any
    python tests/verdicts.py golden                 # rewrite tests/golden/verdicts.json

``tests/golden/verdicts.json`` holds a digest of every case that does not depend on the
machine (validate, migrate, defaults show, check of a fixture tree: ``STABLE``), and
tests/test_verdicts.py fails when one changes. ``plan`` (which looks for the hypervisor binary
on this host) and ``diff`` (whose absent keys resolve with this host's CPUs and memory) are
compared by ``record``/``compare`` only. After an intended change of behaviour, run
``golden`` and say in the commit which verdicts changed and why.

To record the code of another commit without checking it out::

    git archive main | tar -x -C /tmp/base
    PYTHONPATH=/tmp/base:/tmp/base/runtime python tests/verdicts.py record /tmp/base.json
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from typer.testing import CliRunner

import kata_config
from kata_cli import app

REPO: Final = Path(__file__).resolve().parents[1]
RENDERED: Final = REPO.parent / "shared" / "corpus" / "kata-upstream" / "rendered"
HOSTS: Final = REPO / "tests" / "fixtures" / "hosts"
CONFIGS: Final = REPO / "tests" / "fixtures" / "configs"
DEFAULTS: Final = REPO / "defaults"
_HEADER: Final = re.compile(r"^# kata-config:(.*)$", re.MULTILINE)
_TIMING: Final = ("finished", "duration", "timestamp", "elapsed")
GOLDEN: Final = REPO / "tests" / "golden" / "verdicts.json"
STABLE: Final = ("validate", "migrate", "defaults", "check")
"""The commands whose verdicts do not depend on the machine they run on."""


def _scrub(value: object) -> object:
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items() if k not in _TIMING}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def _run(args: list[str]) -> dict[str, object]:
    result = CliRunner().invoke(app, args)
    out: object = result.stdout
    if "--format" in args and args[args.index("--format") + 1] == "json":
        with contextlib.suppress(ValueError):
            out = _scrub(json.loads(result.stdout))
    return {"exit": result.exit_code, "stdout": out, "stderr": result.stderr}


def _arch_runtime(path: Path) -> list[str]:
    if path.is_relative_to(RENDERED):
        rel = path.relative_to(RENDERED).parts
        return ["--arch", rel[0], "--runtime", "rs" if rel[1] == "runtime-rs" else "go"]
    if path.is_relative_to(DEFAULTS):
        rel = path.relative_to(DEFAULTS).parts
        return ["--arch", rel[1], "--runtime", rel[0]]
    main = path / "configuration.toml" if path.is_dir() else path
    try:
        first = main.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace")
    except OSError:
        return []
    return shlex.split(first.removeprefix("# kata-config:")) if _HEADER.match(first) else []


def _name(path: Path) -> str:
    """A case's name: the input's path from the checkout (or from ../shared), so names do not
    depend on where the checkout lives."""
    return str(path.relative_to(REPO if path.is_relative_to(REPO) else REPO.parent))


def _cases() -> Iterator[tuple[str, list[str]]]:
    rendered = sorted(RENDERED.glob("*/runtime-*/*.toml"))
    stock = sorted(DEFAULTS.rglob("*.toml"))
    fixtures = sorted(p for p in CONFIGS.glob("*/*/*") if p.suffix != ".expected")
    for path in (*rendered, *stock, *fixtures):
        yield f"validate {_name(path)}", [
            "validate", str(path), *_arch_runtime(path), "--format", "json"]
    for path in rendered:
        name = str(_name(path))
        opts = _arch_runtime(path)
        yield f"diff {name}", ["diff", str(path), *opts, "--format", "json"]
        yield f"plan {name}", ["plan", str(path), *opts, "--format", "json"]
        for to in ("go", "rs"):
            yield f"migrate {name} {to}", ["migrate", str(path), "--to", to, "--output", "-"]
    for path in stock:
        rel = path.relative_to(DEFAULTS).parts
        name = path.stem.removeprefix("configuration-")
        yield f"defaults show {'/'.join(rel)}", [
            "defaults", "show", name, "--runtime", rel[0], "--arch", rel[1]]
    for host in sorted(p for p in HOSTS.iterdir() if p.is_dir()):
        arch = host.name.split("-")[0]
        base = ["check", "--root", str(host), "--arch", arch, "--format", "json", "--verbose",
                "--no-network-checks"]
        yield f"check {host.name}", base
        for runtime in ("go", "rs"):
            config = DEFAULTS / runtime / arch / "configuration-qemu.toml"
            if config.is_file():
                yield f"check {host.name} {runtime}", [*base, "--config", str(config)]


def record(commands: tuple[str, ...] | None = None) -> dict[str, dict[str, object]]:
    """Every case's exit code, stdout (parsed when JSON) and stderr (only the cases of
    ``commands`` when given)."""
    os.environ["NO_COLOR"] = "1"
    os.environ.setdefault("KATA_CHECK_NO_NETWORK", "1")
    # the code under test may live elsewhere (a git archive): its paths and the inputs'
    # both read <code>
    code = str(Path(kata_config.__file__).resolve().parents[1])
    text = json.dumps({name: _run(args) for name, args in _cases()
                       if commands is None or args[0] in commands})
    shared = str(REPO.parent / "shared")
    text = text.replace(code, "<code>").replace(str(REPO), "<code>").replace(shared, "<shared>")
    loaded: dict[str, dict[str, object]] = json.loads(text)
    return loaded


def digests() -> dict[str, str]:
    """A short digest of each ``STABLE`` case's verdict, as ``golden`` stores them."""
    return {name: hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]
            for name, value in record(STABLE).items()}


def main(argv: list[str]) -> int:
    """``record FILE``, ``compare FILE`` or ``golden``."""
    if argv == ["golden"]:
        GOLDEN.write_text(json.dumps(digests(), indent=1, sort_keys=True) + "\n", "utf-8")
        print(f"wrote {GOLDEN}")
        return 0
    if len(argv) != 2 or argv[0] not in ("record", "compare"):
        sys.stderr.write(__doc__ or "")
        return 2
    now = record()
    target = Path(argv[1])
    if argv[0] == "record":
        target.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"{len(now)} cases recorded in {target}")
        return 0
    before = json.loads(target.read_text(encoding="utf-8"))
    changed = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
    for name in changed:
        print(f"changed: {name}")
        print(f"  before: {json.dumps(before.get(name))[:600]}")
        print(f"  after:  {json.dumps(now.get(name))[:600]}")
    print(f"{len(now)} cases, {len(changed)} changed")
    return 1 if changed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
