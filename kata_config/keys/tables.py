"""Keys of the small tables: factory, guest extension images, rootless user, shared mounts.

The VM factory lives in two places: Go reads a top-level ``[factory]`` (all four keys),
runtime-rs reads ``[hypervisor.<name>.factory]`` and refuses anything but the two templating
keys there. Both are catalogued so each runtime's table gets its own key set.
"""

from __future__ import annotations

from typing import Any, Final

from kata_config.keys.hv_base import BOOL, BOTH, GO, INT, INTS, RS, STR, key
from kata_config.keys.spec import REQUIRED, KeySpec, Runtime, Table, ValueType

_TEMPLATE_DIR: Final = "/run/vc/vm/template"


def _templating(table: Table, runtimes: frozenset[Runtime]) -> tuple[KeySpec, ...]:
    return (
        key(
            table, "enable_template", BOOL, "Clone new VMs from a pre-booted template VM.",
            runtimes=runtimes, default=False,
        ),
        key(
            table, "template_path", STR, "Host directory holding the template VM's state.",
            runtimes=runtimes, default=_TEMPLATE_DIR,
        ),
    )


def _table(table: Table, runtimes: frozenset[Runtime]) -> Any:
    def make(name: str, type_: ValueType, description: str, **kw: Any) -> KeySpec:
        return key(table, name, type_, description, runtimes=runtimes, **kw)

    return make


_ext = _table(Table.EXTENSION_IMAGE, BOTH)
_user = _table(Table.ROOTLESS_USER, RS)
_mount = _table(Table.SHARED_MOUNT, RS)

KEYS: Final[tuple[KeySpec, ...]] = (
    # --- §9 Go: top-level [factory] ---
    *_templating(Table.FACTORY, GO),
    key(
        Table.FACTORY, "vm_cache_number", INT, "Pre-booted VMs kept in the VMCache (qemu only).",
        runtimes=GO, default=0, minimum=0,
    ),
    key(
        Table.FACTORY, "vm_cache_endpoint", STR, "Socket of the VMCache server.",
        runtimes=GO, default="/var/run/kata-containers/cache.sock",
    ),
    # --- §9 runtime-rs: [hypervisor.<name>.factory] ---
    *_templating(Table.HV_FACTORY, RS),
    # --- §10 [[hypervisor.<name>.guest_extension_images]] ---
    _ext("name", STR, "Name of the extension image (letters, digits, '-', '_').",
         default=REQUIRED),
    _ext("path", STR, "Host path of the extension disk image.", default=""),
    _ext("verity_params", STR, "dm-verity settings for the image, as in kernel_verity_params.",
         default=""),
    # --- §11 [hypervisor.<name>.rootless_user] (runtime-rs) ---
    _user("uid", INT, "User id the rootless VMM runs as.", default=0),
    _user("gid", INT, "Primary group id of the rootless VMM.", default=0),
    _user("groups", INTS, "Supplementary group ids of the rootless VMM.", default=[]),
    _user("user_name", STR, "User name of the rootless VMM.", default=""),
    # --- §12 [[runtime.shared_mounts]] (runtime-rs); every key is mandatory ---
    _mount("name", STR, "Name of the shared mount.", default=REQUIRED),
    _mount("src_ctr", STR, "Container that provides the mount.", default=REQUIRED),
    _mount("dst_ctr", STR, "Container that receives the mount.", default=REQUIRED),
    _mount("src_path", STR, "Absolute guest path in the source container.", default=REQUIRED),
    _mount("dst_path", STR, "Absolute guest path in the destination container.",
           default=REQUIRED),
)
