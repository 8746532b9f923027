"""Upstream's host checker (``kata-runtime check``) next to ``kata-config check`` on this host.

Upstream runs in the oracle's namespace with the host's own ``/dev`` (``host_dev``) and a
``modprobe`` that refuses (as root, ``kata-runtime check`` would otherwise load missing
modules: probes never change the host). It runs twice: on the host as it is, where a QEMU
config may already fail to load, and with an empty ``/dev/vhost-vsock`` added, so its checks
after the config loads run too. Each failing upstream check is matched to our check of the
same thing; where our verdict differs, our check's own message is the explanation.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Final

from typer.testing import CliRunner

from kata_cli import app
from tests.oracle.harness import Case

VARIANTS: Final = (
    ("check --no-network-checks", ["check", "--no-network-checks", "--verbose"], False),
    ("check --no-network-checks (empty /dev/vhost-vsock added)",
     ["check", "--no-network-checks", "--verbose"], True),
    ("kata-check --no-network-checks --strict (empty /dev/vhost-vsock added)",
     ["kata-check", "--no-network-checks", "--strict"], True),
)
_FAILED: Final = re.compile(
    r'level=error msg="(?P<msg>[^"]+)"(?=.*\bname=(?P<name>\S+))(?=.*\btype=(?P<type>\S+))')
_VSOCK: Final = "doesn't support vsock"


@dataclass(frozen=True, slots=True)
class Failure:
    """One check upstream failed, and what ours says about the same thing."""

    upstream: str
    ours: str
    status: str
    message: str


def upstream_failures(stderr: str) -> list[tuple[str, str]]:
    """(kind, name) of every check upstream reports as failed; ("config", msg) when the
    config already fails to load on this host."""
    found = [(m["type"], m["name"]) for m in _FAILED.finditer(stderr)]
    last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    if not found and last and "not capable" not in last:
        found.append(("config", last))
    return found


def our_check(kind: str, name: str) -> str:
    """The id of our check about the same thing as upstream's (kind, name)."""
    if kind == "flag" and name in ("vmx", "svm"):
        return "cpu.virtualization"
    if kind == "flag":
        return f"cpu.{name}"
    if kind == "module":
        return f"module.{name}"
    if kind == "attribute":
        return "cpu.vendor"
    return "config.vsock" if _VSOCK in name else "config.file"


def ours(config: str) -> dict[str, tuple[str, str]]:
    """kata-config check on this host with ``config``: check id -> (status, message)."""
    result = CliRunner().invoke(app, ["check", "--no-network-checks", "--config", config,
                                      "--format", "json"])
    doc = json.loads(result.output)
    checks = {c["id"]: (c["status"], c["message"]) for c in doc["checks"]}
    checks["verdict"] = (doc["verdict"], "")
    return checks


def compare(stderr: str, checks: dict[str, tuple[str, str]]) -> list[Failure]:
    """Every upstream failure with our check of the same thing."""
    rows = []
    for kind, name in upstream_failures(stderr):
        ident = our_check(kind, name)
        status, message = checks.get(ident, ("missing", "no check of ours covers this"))
        rows.append(Failure(f"{kind} {name}", ident, status, message))
    return rows


def stock_case(path: str) -> Case:
    """The config both checkers are given."""
    with open(path, "rb") as handle:
        return Case("stock qemu", handle.read())
