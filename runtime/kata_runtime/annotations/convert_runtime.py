"""Conversions of runtime and agent annotations (N-4, N-9, N-10); see ``convert.py``."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Final

from kata_runtime.annotations import parse_values as pv
from kata_runtime.annotations.context import Changes, Context, Converter, Refused, wrap


def choice(options: str) -> Converter:
    """A converter accepting exactly one of the ``|``-separated ``options``."""
    allowed = options.split("|")

    def convert(ctx: Context, key: str, value: str) -> Changes:
        if value not in allowed:
            raise Refused(f"{value!r} is not one of {', '.join(allowed)}")
        return {key: value}
    return convert


def _experimental_go(ctx: Context, key: str, value: str) -> Changes:
    # Go splits on single spaces and knows no experimental feature at all in these releases.
    raise Refused(f"unknown experimental feature {value.split(' ', maxsplit=1)[0]!r}")


def _experimental_rs(ctx: Context, key: str, value: str) -> Changes:
    return {key: [*ctx.values.get(key, []), *value.split(",")]}


def _modules(append: bool) -> Converter:
    def convert(ctx: Context, key: str, value: str) -> Changes:
        old = list(ctx.values.get(key, [])) if append else []
        return {key: [*old, *value.split(";")]}
    return convert


def _policy(ctx: Context, key: str, value: str) -> Changes:
    try:
        base64.b64decode(value, validate=True)
    except binascii.Error:
        raise Refused("the agent policy must be standard base64") from None
    return {}


def _runtime_name(ctx: Context, key: str, value: str) -> Changes:
    return choice("virt-container|linux-container|wasm-container")(ctx, key, value) and {}


def _switch(ctx: Context, key: str, value: str) -> Changes:
    return {}  # handled by the engine: it needs the names of the file's tables


def _mounts(ctx: Context, key: str, value: str) -> Changes:
    try:
        mounts = json.loads(value)
    except ValueError:
        raise Refused("shared_mounts must be JSON", "N-10") from None
    if not isinstance(mounts, list):
        raise Refused("shared_mounts must be a JSON array", "N-10")
    return {}


def _pprof(ctx: Context, key: str, value: str) -> Changes:
    try:
        return {key: True} if pv.go_bool(value) else {}
    except ValueError:
        return {}  # the Go shim ignores an unparsable value here


def _bind_mounts(ctx: Context, key: str, value: str) -> Changes:
    if ctx.version >= 400:
        raise Refused("runtime-rs refuses host bind mounts from workload annotations", "N-4",
                      fatal=False)
    return {key: [*ctx.values.get(key, []), *value.split()]}


def _timeout(ctx: Context, key: str, value: str) -> Changes:
    seconds = wrap(lambda v: pv.rs_uint(v, 32))(ctx, key, value)[key]
    return {"agent.create_container_timeout": seconds}


RUNTIME_CONVERTERS: Final[dict[str, Converter]] = {
    "experimental_go": _experimental_go, "experimental_rs": _experimental_rs,
    "modules_go": _modules(append=False), "modules_rs": _modules(append=True),
    "policy": _policy, "runtime_name": _runtime_name, "switch": _switch, "mounts": _mounts,
    "pprof": _pprof, "bind_mounts": _bind_mounts, "timeout": _timeout,
}  # fmt: skip
