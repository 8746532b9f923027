"""Path values the runtime resolves while loading: they must be absolute.

Both runtimes turn each path into an absolute one against their own working directory (the
shim's, which is the container bundle's) and refuse the file when the result does not exist.
Nothing expands ``$HOME``, ``${VAR}`` or ``~``: those are shell syntax, and a config is not a
shell script.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from kata_config.compat import PLACEHOLDER
from kata_config.findings import Issue, Rule, Severity
from kata_config.keys import Runtime, Table, lookup
from kata_config.model import KataConfig
from kata_config.validators._util import hkey, hv_tables, str_list

PATH_NOT_ABSOLUTE = Rule(
    "path-not-absolute", Severity.ERROR,
    "a path the runtime resolves at load is relative (or uses $HOME or ~, which nothing expands)",
)

# Keys each runtime resolves when it loads the file (Go: its hypervisor builders' getters;
# runtime-rs: every path it canonicalises). Lists hold one path per item.
_RESOLVED: Final[dict[Runtime, frozenset[str]]] = {
    "go": frozenset({"path", "kernel", "initrd", "image", "firmware", "firmware_volume",
                     "jailer_path", "pflashes"}),
    "rs": frozenset({"path", "kernel", "initrd", "image", "firmware", "pflashes", "ctlpath",
                     "jailer_path", "entropy_source", "virtio_fs_daemon"}),
}
# Go's remote builder reads no path (its image is a name); runtime-rs remote only its socket.
_NO_PATHS: Final = "remote"


def _problem(value: str) -> str | None:
    if not value or value.startswith("/") or PLACEHOLDER.search(value):
        return None  # empty means the built-in path; placeholders have their own rule
    if value.startswith("~"):
        return "starts with ~, which the runtime does not expand"
    if "$" in value:
        return "uses a $variable, which the runtime does not expand"
    return "is relative, so it is looked up in the shim's working directory"


def _message(subject: str, problem: str) -> str:
    return (f"{subject} {problem}: the runtime finds no such file and refuses to load; write "
            "the full path from /")


def _values(raw: object) -> list[str]:
    if isinstance(raw, str):
        return [raw]
    return str_list(raw) or []


def check_paths_absolute(cfg: KataConfig) -> Iterator[Issue]:
    """A path value that is not absolute, in a key the runtime resolves while loading.

    ``path``, ``kernel``, ``image``, ``initrd``, ``firmware``, ``pflashes`` (and for the Go
    runtime ``firmware_volume`` and firecracker's ``jailer_path``; for runtime-rs also
    ``ctlpath``, ``entropy_source`` and ``virtio_fs_daemon``) and ``[runtime]
    sandbox_bind_mounts`` are resolved against the shim's working directory when the file
    is loaded. ``"$HOME/kata/vmlinux"`` or ``"~/kata/vmlinux"`` are not expanded: the
    runtime looks for a directory literally named ``$HOME`` there, finds nothing and
    refuses the file. An empty value means the built-in path.

    Fails:
        [hypervisor.qemu]
        kernel = "$HOME/kata/vmlinux.container"

    Passes:
        [hypervisor.qemu]
        kernel = "/home/kata/vmlinux.container"
    """
    keys = _RESOLVED[cfg.runtime]
    for name, table in hv_tables(cfg):
        if name == _NO_PATHS:
            continue
        for key in sorted(keys & table.keys()):
            spec = lookup(Table.HYPERVISOR, key)
            if spec is None or not spec.read_by(cfg.runtime, name):
                continue
            for value in _values(table[key]):
                problem = _problem(value)
                if problem:
                    yield Issue(hkey(name, key), _message(f"{key} = {value!r}", problem))
    for value in _values(cfg.runtime_table.get("sandbox_bind_mounts")):
        # runtime-rs allows a ":ro" / ":rw" suffix after the path
        path, _, mode = value.rpartition(":")
        problem = _problem(path if cfg.runtime == "rs" and mode in ("ro", "rw") else value)
        if problem:
            yield Issue("runtime.sandbox_bind_mounts",
                        _message(f"sandbox_bind_mounts entry {value!r}", problem))


CHECKS: Final = ((PATH_NOT_ABSOLUTE, check_paths_absolute),)
