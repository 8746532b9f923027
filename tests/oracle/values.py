"""Value pools for generated configs, drawn from the key catalogue: in range, at the edges,
out of range, the wrong type, and (for strings with meaning) plausible and broken spellings.

Each pool entry is ``(label, value)``; the label names the class of the value so a difference
found by the differential suite says what kind of input caused it.
"""

from __future__ import annotations

import random
from typing import Any, Final

from kata_config.keys import KeySpec, ValueType

U32: Final = 2**32
I64_MAX: Final = 2**63 - 1

PATH_KEYS: Final = frozenset({
    "path", "jailer_path", "kernel", "initrd", "image", "firmware", "firmware_volume",
    "virtio_fs_daemon", "entropy_source", "vhost_user_store_path", "guest_hook_path",
    "guest_memory_dump_path", "remote_hypervisor_socket", "file_mem_backend", "ctlpath",
    "template_path", "vm_cache_endpoint", "pod_resource_api_sock", "kubelet_root_dir",
    "dan_conf",
})
PATH_LIST_KEYS: Final = frozenset({"pflashes", "sandbox_bind_mounts"})

_PATHS: Final = (
    ("absolute", "/opt/kata/share/asset.bin"),
    ("empty", ""),
    ("relative", "kata/asset.bin"),
    ("home-variable", "$HOME/kata/asset.bin"),
    ("tilde", "~/kata/asset.bin"),
    ("dotdot", "/opt/kata/../kata/asset.bin"),
)
_SPECIAL: Final[dict[str, tuple[tuple[str, Any], ...]]] = {
    "kernel_params": (("params", "quiet"), ("params", "console=hvc0 agent.log=debug"),
                      ("params", "a=b=c"), ("params", "systemd.unit=foo.target"),
                      ("params", "  spaced   out "), ("empty", "")),
    "kernel_verity_params": (
        ("verity-ok", "root_hash=ab12,salt=cd34,data_blocks=100,data_block_size=4096,"
         "hash_block_size=4096"),
        ("verity-missing", "root_hash=ab12"), ("verity-odd-size",
         "root_hash=ab12,salt=cd34,data_blocks=1,data_block_size=1000,hash_block_size=4096"),
        ("verity-junk", "nonsense"), ("empty", "")),
    "machine_type": (("q35", "q35"), ("microvm", "microvm"), ("virt", "virt"),
                     ("pseries", "pseries"), ("s390", "s390-ccw-virtio"), ("empty", ""),
                     ("bogus", "pc-i440fx")),
    "numa_mapping": (("numa-one", ["0"]), ("numa-two", ["0", "1"]), ("numa-range", ["0-1"]),
                     ("numa-junk", ["x"]), ("empty", [])),
    "enable_annotations": (("anchored", ["^kernel_params$"]), ("unanchored", ["path"]),
                           ("bad-regex", ["[a-"]), ("all", [".*"]), ("empty", [])),
    "experimental": (("feature", ["force_guest_pull"]), ("junk", ["nope"]), ("empty", [])),
    "snp_id_block": (("base64", "AAAA"), ("empty", "")),
    "snp_id_auth": (("base64", "AAAA"), ("empty", "")),
    "cpu_features": (("features", "pmu=off"), ("features", "+vmx,-sgx"), ("empty", "")),
    "machine_accelerators": (("accel", "nvdimm=on"), ("empty", "")),
    "virtio_fs_extra_args": (("args", ["--thread-pool-size=1"]), ("args", ["-o", "xattr"]),
                             ("empty", [])),
    "seccompsandbox": (("sandbox", "on,obsolete=deny"), ("empty", "")),
    "kernel_modules": (("module", ["e1000e InterruptThrottleRate=3000"]), ("empty", [])),
    "name": (("name-ok", "ext_1"), ("name-bad", "ext 1"), ("empty", "")),
    "verity_params": (("verity-ok", "root_hash=ab,salt=cd,data_blocks=1,data_block_size=512,"
                                    "hash_block_size=512"), ("verity-junk", "x"), ("empty", "")),
}


def _integers(spec: KeySpec) -> list[tuple[str, Any]]:
    low = spec.minimum if spec.minimum is not None else -1
    pool: list[tuple[str, Any]] = [("in-range", int(low)), ("in-range", int(low) + 1),
                                   ("typical", 2), ("typical", 8), ("typical", 256),
                                   ("typical", 4096), ("large", 70000), ("u32-max", U32 - 1)]
    if spec.maximum is not None:
        pool += [("max", int(spec.maximum)), ("above-max", int(spec.maximum) + 1)]
    if spec.minimum is not None:
        pool += [("below-min", int(spec.minimum) - 1)]
    pool += [("above-u32", U32), ("i64-max", I64_MAX), ("negative", -5)]
    return pool


def _wrong_type(spec: KeySpec) -> list[tuple[str, Any]]:
    by_type: dict[ValueType, list[tuple[str, Any]]] = {
        ValueType.BOOL: [("wrong-type", "true"), ("wrong-type", 1)],
        ValueType.INTEGER: [("wrong-type", "4"), ("wrong-type", 1.5), ("wrong-type", True)],
        ValueType.FLOAT: [("wrong-type", "1"), ("wrong-type", True)],
        ValueType.STRING: [("wrong-type", 1), ("wrong-type", ["a"]), ("wrong-type", False)],
        ValueType.STRING_ARRAY: [("wrong-type", "a"), ("wrong-type", [1])],
        ValueType.INTEGER_ARRAY: [("wrong-type", ["a"]), ("wrong-type", 1)],
    }
    return by_type.get(spec.type, [("wrong-type", {"a": 1})])


def pool(spec: KeySpec) -> list[tuple[str, Any]]:
    """Every value the generator may write for ``spec``, each with its class label."""
    values: list[tuple[str, Any]] = list(_SPECIAL.get(spec.name, ()))
    choices = spec.choices_for("go")
    if choices:
        values += [("choice", c) for c in choices]
        values += [("choice-rs", c) for c in spec.choices_for("rs") if c not in choices]
        values += [("choice-typo", str(choices[-1]).upper() or "X"), ("choice-typo", "bogus")]
    elif spec.name in PATH_KEYS:
        values += list(_PATHS)
    elif spec.name in PATH_LIST_KEYS or spec.name.startswith("valid_"):
        values += [(f"list-{label}", [p]) for label, p in _PATHS if p]
        values += [("list-two", ["/opt/a/x", "/opt/b/y"]), ("list-same-base",
                   ["/opt/a/x", "/opt/b/x"]), ("empty", [])]
    elif spec.type is ValueType.BOOL:
        values += [("bool", True), ("bool", False)]
    elif spec.type is ValueType.INTEGER:
        values += _integers(spec)
    elif spec.type is ValueType.FLOAT:
        values += [("in-range", 1), ("fraction", 0.5), ("fraction", 2.75), ("zero", 0),
                   ("negative", -1), ("large", 1e6)]
    elif spec.type is ValueType.STRING and not values:
        values += [("text", "x"), ("empty", ""), ("text", "some value")]
    elif spec.type is ValueType.STRING_ARRAY and not values:
        values += [("list", ["x"]), ("empty", [])]
    elif spec.type is ValueType.INTEGER_ARRAY:
        values += [("list", [1, 2]), ("empty", [])]
    return values + _wrong_type(spec)


def typo(name: str, rnd: random.Random) -> str:
    """A misspelling of a key: one letter dropped, doubled or swapped, or an underscore lost."""
    pos = rnd.randrange(len(name))
    kind = rnd.randrange(4)
    if kind == 0 and len(name) > 1:
        return name[:pos] + name[pos + 1:]
    if kind == 1:
        return name[:pos] + name[pos] + name[pos:]
    if kind == 2 and pos + 1 < len(name):
        return name[:pos] + name[pos + 1] + name[pos] + name[pos + 2:]
    return name.replace("_", "", 1) if "_" in name else name + "s"
