"""Shared helpers of the launch-plan tests: corpus configs laid out on a fixed host root."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kata_config import Effective, load
from kata_runtime.plan import Context, Plan, build_plan

HOST_CPUS = 8
HOST_MIB = 16384
CONFIG = "/etc/kata-containers/configuration.toml"


def runtime_of(path: Path) -> str:
    """go or rs, from the corpus layout ``<arch>/runtime-<go|rs>/<file>``."""
    return "rs" if path.parent.name == "runtime-rs" else "go"


def host_root(tmp: Path, text: str) -> Path:
    """A host root with 8 CPUs, 16 GiB, /dev/shm and ``text`` as its Kata config."""
    (tmp / "proc").mkdir(parents=True, exist_ok=True)
    (tmp / "proc" / "cpuinfo").write_text(
        "".join(f"processor\t: {i}\n\n" for i in range(HOST_CPUS)))
    (tmp / "proc" / "meminfo").write_text(f"MemTotal:       {HOST_MIB * 1024} kB\n")
    (tmp / "dev" / "shm").mkdir(parents=True, exist_ok=True)
    target = tmp / CONFIG.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    return tmp


def plan_on_root(tmp: Path, config: Path) -> tuple[Effective, Plan]:
    """Load ``config`` as if installed on the fixed host root and plan it."""
    root = host_root(tmp, config.read_text())
    eff = load(CONFIG, root=str(root), arch=config.parents[1].name, runtime=runtime_of(config))
    return eff, build_plan(eff, Context(root=str(root)))


def plan_doc(plan: Plan, root: Path) -> dict[str, Any]:
    """A plan as a golden document (the temp root replaced by ``<ROOT>``)."""
    doc = {
        "argv": plan.argv(),
        "origins": [[a.option, list(a.keys), a.rule] for a in plan.args],
        "helpers": [list(h.argv) for h in plan.helpers],
        "warnings": list(plan.warnings),
    }
    return json.loads(json.dumps(doc).replace(str(root), "<ROOT>"))
