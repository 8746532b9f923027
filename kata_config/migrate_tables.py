"""Table-level conversions: the factory table, runtime-rs's selectors, unsupported keys."""

from __future__ import annotations

from typing import Any, Final

import tomlkit

from kata_config.migrate_edit import NAMES, Edit, plain
from kata_config.walk import spec_for

FACTORY_KEYS: Final = ("enable_template", "template_path")
RS_NAME: Final = "virt_container"


def factory(e: Edit, forward: bool) -> None:
    """The VM templating table: top-level [factory] (Go) <-> [hypervisor.<name>.factory]."""
    doc: Any = e.doc
    hv_table: Any = doc["hypervisor"][e.hv]
    src_name = "factory" if forward else f"hypervisor.{e.hv}.factory"
    src = doc.get("factory") if forward else hv_table.get("factory")
    if src is None:
        return
    dst_name = f"hypervisor.{e.hv}.factory" if forward else "factory"
    if forward:
        del doc["factory"]
        for key in [k for k in src if k not in FACTORY_KEYS]:
            e.log(
                "dropped",
                f"factory.{key}",
                None,
                plain(src[key]),
                None,
                "runtime-rs has no VMCache; its factory table refuses this key",
            )
            del src[key]
        src.add(tomlkit.nl())
        hv_table.append("factory", src)
    else:
        del hv_table["factory"]
        doc.append("factory", src)
    e.log(
        "moved",
        src_name,
        dst_name,
        None,
        None,
        f"{NAMES[e.to]} reads VM templating settings from [{dst_name}]",
    )


def selectors(e: Edit) -> None:
    """runtime-rs's required [runtime] name, hypervisor_name and agent_name."""
    doc: Any = e.doc
    if "runtime" not in doc:
        doc.append("runtime", tomlkit.table())
    table = doc["runtime"]
    agent = e.agents[0] if e.agents else "kata"
    for key, value in (("name", RS_NAME), ("hypervisor_name", e.hv), ("agent_name", agent)):
        if key not in table:
            table[key] = value
            e.log(
                "added",
                f"runtime.{key}",
                f"runtime.{key}",
                None,
                value,
                "runtime-rs requires it to pick the sandbox type, hypervisor and agent tables",
            )


def drop_unsupported(e: Edit) -> None:
    """Drop keys the target runtime has no use for (or, in its strict tables, refuses)."""
    doc: Any = e.doc
    hv: Any = doc["hypervisor"][e.hv]
    scan: list[tuple[str, Any, bool]] = [(f"hypervisor.{e.hv}", hv, False)]
    if "factory" in hv:
        scan.append((f"hypervisor.{e.hv}.factory", hv["factory"], True))
    for name, table in e.tables("agent"):
        scan.append((name, table, True))
        if "mem_agent" in table:
            scan.append((f"{name}.mem_agent", table["mem_agent"], True))
    scan += [(n, t, False) for n, t in (*e.tables("runtime"), *e.tables("factory"))]
    for name, table, strict in scan:
        for key in list(table):
            dotted = f"{name}.{key}"
            spec = spec_for(dotted)
            if spec is None:
                if not (strict and e.to == "rs"):
                    continue
                why = f"runtime-rs refuses keys it does not know in [{name}]"
            elif e.to in spec.runtimes:
                continue
            else:
                why = f"{NAMES[e.to]} has no such setting ({spec.description.rstrip('.')})"
            e.log("dropped", dotted, None, plain(table[key]), None, why)
            del table[key]
