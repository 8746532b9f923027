"""Each runtime's conversion of an annotation value into the value of its key (N-9, N-10).

A converter takes the context, the key and the value and returns ``{key: new value}`` (empty
when the runtime ignores the value, more than one key when setting one resets another), or
raises ``Refused`` with the runtime's reason. ``table.py`` names the converter per runtime.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import tomllib
import zlib
from typing import Final

from kata_runtime.annotations import parse_values as pv
from kata_runtime.annotations.context import Changes, Context, Converter, Refused, wrap
from kata_runtime.annotations.convert_runtime import RUNTIME_CONVERTERS, choice
from kata_runtime.annotations.table import GO_MIN_MEMORY, RS_PLUGIN_LIMITS

GO_VFIO_PORTS: Final = ("no-port", "bridge-port", "root-port", "switch-port")


def _go_pos(ctx: Context, key: str, value: str) -> Changes:
    number = wrap(pv.go_uint)(ctx, key, value)[key]
    return {key: number} if isinstance(number, int) and number > 0 else {}


def _nonempty(ctx: Context, key: str, value: str) -> Changes:
    return {key: value} if value else {}


def _glob(ctx: Context, key: str, value: str) -> Changes:
    reason = ctx.path_ok(key, value)
    if reason:
        raise Refused(reason, "N-5" if ctx.flavour == "go" else "N-6")
    if ctx.flavour == "go" and key.endswith(("entropy_source",)) and not value:
        return {}
    if ctx.flavour == "go" and key in ("hypervisor.path", "hypervisor.jailer_path"):
        _asset(ctx, key, value)
    return {key: value}


def _asset(ctx: Context, key: str, value: str) -> Changes:
    if not value:
        return {}
    if ctx.hypervisor == "remote" and key == "hypervisor.image":
        return {key: value}  # for peer pods the image is a cloud image name, not a path
    if not value.startswith("/"):
        raise Refused(f"{value!r} is not an absolute path", "N-7")
    return {key: value}


def _boot(ctx: Context, key: str, value: str) -> Changes:
    reason = ctx.boot_ok(value) if value else ""
    if reason:
        raise Refused(reason, "N-8")
    return {key: value}


def _vcpus(ctx: Context, key: str, value: str) -> Changes:
    if ctx.flavour == "go":
        number = wrap(pv.go_float32)(ctx, key, value)[key]
        assert isinstance(number, float)
        if ctx.hypervisor != "remote" and ctx.host_cpus is not None and number > ctx.host_cpus:
            raise Refused(f"{value} vCPUs exceed the host's {ctx.host_cpus} CPUs")
        return {key: number}
    number = wrap(pv.rs_float32)(ctx, key, value)[key]
    assert isinstance(number, float)
    limit = RS_PLUGIN_LIMITS.get(ctx.hypervisor, (None, None))[0]
    if limit is not None and number > limit:
        raise Refused(f"{value} vCPUs exceed the {ctx.hypervisor} limit of {limit}", "N-10")
    return {key: number}


def _maxvcpus(ctx: Context, key: str, value: str) -> Changes:
    number = wrap(pv.go_uint)(ctx, key, value)[key]
    assert isinstance(number, int)
    number %= 2**32  # Go keeps the low 32 bits before comparing
    if ctx.hypervisor != "remote":
        if ctx.host_cpus is not None and number > ctx.host_cpus:
            raise Refused(f"{number} exceeds the host's {ctx.host_cpus} CPUs")
        if ctx.hypervisor == "qemu" and ctx.go_max_vcpus and number > ctx.go_max_vcpus:
            raise Refused(f"{number} exceeds QEMU's {ctx.go_max_vcpus} on this architecture")
    return {key: number}


def _memory(ctx: Context, key: str, value: str) -> Changes:
    if ctx.flavour == "go":
        number = wrap(pv.go_uint)(ctx, key, value)[key]
        assert isinstance(number, int)
        if number < GO_MIN_MEMORY and ctx.hypervisor != "remote":
            raise Refused(f"{number} MiB is below the minimum of {GO_MIN_MEMORY} MiB")
        return {key: number % 2**32}
    mib = pv.rs_memory_mib(value, bare_is_mib=ctx.version >= 332)
    if mib is None:
        return {}  # runtime-rs logs the parse error and keeps the configured value
    minimum = RS_PLUGIN_LIMITS.get(ctx.hypervisor, (None, 0))[1] or 0
    if mib < minimum:
        raise Refused(f"{value!r} is {mib} MiB, below the {ctx.hypervisor} minimum of "
                      f"{minimum} MiB", "N-10")
    return {key: mib}


def _kparams(ctx: Context, key: str, value: str) -> Changes:
    if not value.strip():
        return {}
    new = value.split()
    replaced = {param.partition("=")[0] for param in new}
    kept = [p for p in str(ctx.values.get(key, "")).split()
            if p.partition("=")[0] not in replaced]
    return {key: " ".join([*kept, *new])}


def _verity(ctx: Context, key: str, value: str) -> Changes:
    if not value.strip():
        return {}
    fields = dict(f.strip().partition("=")[::2] for f in value.split(",") if f.strip())
    if any("=" not in f for f in value.split(",") if f.strip()):
        raise Refused("every kernel_verity_params entry must be name=value")
    for name in ("root_hash", "salt", "data_blocks", "data_block_size", "hash_block_size"):
        if not fields.get(name):
            raise Refused(f"kernel_verity_params lacks {name}")
    for name in ("data_blocks", "data_block_size", "hash_block_size"):
        number = wrap(pv.go_uint)(ctx, name, fields[name])[name]
        if number == 0 or (name != "data_blocks" and number % 512):  # type: ignore[operator]
            raise Refused(f"kernel_verity_params {name} must be a non-zero multiple of 512")
    return {key: value}


def _vfio(ctx: Context, key: str, value: str) -> Changes:
    port = value or "no-port"
    if port not in GO_VFIO_PORTS:
        raise Refused(f"{value!r} is not a PCIe port name ({', '.join(GO_VFIO_PORTS)})")
    other = "hypervisor.cold_plug_vfio" if key.endswith("hot_plug_vfio") else \
        "hypervisor.hot_plug_vfio"
    return {key: port, other: "no-port"}


def _sector(ctx: Context, key: str, value: str) -> Changes:
    parse = pv.go_uint if ctx.flavour == "go" else (lambda v: pv.rs_uint(v, 32))
    size = wrap(parse)(ctx, key, value)[key]
    assert isinstance(size, int)
    if size and (not 512 <= size <= 65536 or size & (size - 1)):
        raise Refused(f"{size} must be 0 or a power of 2 between 512 and 65536")
    return {key: size}


def _indep(ctx: Context, key: str, value: str) -> Changes:
    number = wrap(pv.go_uint)(ctx, key, value)[key]
    if not 1 <= number <= 50:  # type: ignore[operator]
        raise Refused("indep_iothreads must be between 1 and 50")
    return {key: number}


def _msize(ctx: Context, key: str, value: str) -> Changes:
    number = wrap(pv.go_uint)(ctx, key, value)[key]
    if number == 0:
        raise Refused("msize_9p must be positive")
    return {key: number}


def _fsargs_json(ctx: Context, key: str, value: str) -> Changes:
    try:
        args = json.loads(value)
    except ValueError:
        args = None
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        raise Refused("virtio_fs_extra_args must be a JSON array of strings")
    return {key: [*ctx.values.get(key, []), *args]}


def _fsargs_csv(ctx: Context, key: str, value: str) -> Changes:
    return {key: [*ctx.values.get(key, []), *value.split(",")]}


def _initdata(ctx: Context, key: str, value: str) -> Changes:
    if not value:
        return {}
    try:
        text = gzip.decompress(base64.b64decode(value, validate=True)).decode()
        tomllib.loads(text)
    except (binascii.Error, OSError, EOFError, zlib.error, UnicodeDecodeError,
            tomllib.TOMLDecodeError) as exc:
        how = "refuses the pod" if ctx.flavour == "go" else "panics (the pod fails)"
        raise Refused(f"not base64 of gzip of TOML ({type(exc).__name__}); the runtime {how}",
                      "N-9" if ctx.flavour == "go" else "N-10") from None
    return {key: text}


def _gpu(ctx: Context, key: str, value: str) -> Changes:
    if ctx.hypervisor != "remote":
        return {}  # the Go runtime reads GPU annotations for the remote hypervisor only
    return wrap(pv.go_uint)(ctx, key, value) if key.endswith("gpus") else {key: value}


def _pcie16(ctx: Context, key: str, value: str) -> Changes:
    number = wrap(lambda v: pv.rs_uint(v, 32))(ctx, key, value)[key]
    if number > 16:  # type: ignore[operator]
        raise Refused(f"{number} ports exceed the maximum of 16", "N-10")
    return {key: number}


def _bool(ctx: Context, key: str, value: str) -> Changes:
    return wrap(pv.go_bool if ctx.flavour == "go" else pv.rs_bool)(ctx, key, value)


CONVERTERS: Final[dict[str, Converter]] = {
    "bool": _bool, "uint": wrap(pv.go_uint), "u32": wrap(lambda v: pv.rs_uint(v, 32)),
    "u64": wrap(lambda v: pv.rs_uint(v, 64)), "pos": _go_pos, "str": lambda c, k, v: {k: v},
    "nonempty": _nonempty, "glob": _glob, "asset": _asset, "boot": _boot, "vcpus": _vcpus,
    "maxvcpus": _maxvcpus, "memory": _memory, "kparams": _kparams, "verity": _verity,
    "vfio": _vfio, "sector": _sector, "indep": _indep, "msize": _msize,
    "fsargs_json": _fsargs_json, "fsargs_csv": _fsargs_csv, "initdata": _initdata,
    "gpu": _gpu, "pcie16": _pcie16, "hash": lambda c, k, v: {}, **RUNTIME_CONVERTERS,
}  # fmt: skip


def converter(kind: str) -> Converter:
    """The converter named ``kind`` in ``table.py`` (``choice:a|b`` builds one)."""
    if kind.startswith("choice:"):
        return choice(kind.removeprefix("choice:"))
    return CONVERTERS[kind]
