"""CRI-O's configuration read as CRI-O reads it, to find one runtime handler.

Facts this module relies on (cri-o ``internal/criocli/criocli.go`` ``mergeConfigFiles`` and
``pkg/config/config.go``, read at main in 2026, and kata-deploy's ``runtime/crio.rs``):

- ``/etc/crio/crio.conf`` is read first (a missing one is skipped), then every file below
  ``/etc/crio/crio.conf.d`` in ``filepath.Walk`` order (depth first, names sorted), whatever
  its name: kata-deploy writes ``99-kata-deploy`` without an extension. A file that is not
  TOML stops CRI-O from starting.
- Each file is decoded over the running configuration. BurntSushi/toml builds a fresh value
  for every map key it decodes, so a ``[crio.runtime.runtimes.<h>]`` table in a later file
  replaces the whole handler: fields it leaves out fall back to empty, not to the earlier file.
- ``runtime_config_path`` is allowed only with ``runtime_type = "vm"`` and must exist, or
  CRI-O refuses to start; it reaches the shim as the runtime options' ``ConfigPath``, exactly
  like containerd's (``internal/oci/runtime_vm.go``). ``inherit_default_runtime = true``
  copies path, type and config path from ``[crio.runtime] default_runtime`` (``crun``).
"""

from __future__ import annotations

import posixpath
from typing import Any, Final

from kata_config.discovery.hostfiles import TomlFile, read_toml, table, text
from kata_config.discovery.types import Candidate, EngineResult, RuntimeHandler
from kata_config.probes.host import HostRoot

MAIN: Final = "/etc/crio/crio.conf"
DROPINS: Final = "/etc/crio/crio.conf.d"
MAX_FILES: Final = 256
_FATAL: Final = "; CRI-O refuses to start until it is fixed"


def _walk(host: HostRoot, directory: str, out: list[str], depth: int = 0) -> None:
    """Files below ``directory`` in ``filepath.Walk`` order (bounded in count and depth)."""
    where = host.resolve(directory)
    names = host.listdir(where) if where is not None and depth < 8 else None
    for name in names or ():
        if len(out) > MAX_FILES:
            return
        path = posixpath.join(directory, name)
        # Walk does not descend into a symlinked directory: it reads the link as a file
        if host.is_dir(path) and not host.is_symlink(path):
            _walk(host, path, out, depth + 1)
        else:
            out.append(path)


def _files(host: HostRoot) -> tuple[list[TomlFile], list[str]]:
    paths: list[str] = []
    _walk(host, DROPINS, paths)
    notes = []
    if len(paths) > MAX_FILES:
        notes.append(f"kata-config read only the first {MAX_FILES} files of {DROPINS}")
        paths = paths[:MAX_FILES]
    return [read_toml(host, MAIN), *(read_toml(host, p) for p in paths)], notes


def _handlers(data: dict[str, Any]) -> dict[str, Any]:
    return table(data, "crio", "runtime", "runtimes") or {}


def _describe(current: TomlFile, name: str, position: int) -> str:
    role = "the main CRI-O configuration" if position == 0 else f"CRI-O drop-in {position}"
    if current.problem is not None:
        if position == 0 and current.problem.startswith("does not exist"):
            return f"{role}; does not exist (CRI-O skips it)"
        return f"{role}; {current.problem}{_FATAL}"
    handlers = _handlers(current.data or {})
    if name in handlers:
        config = text(table(handlers, name) or {}, "runtime_config_path")
        shown = f" (runtime_config_path {config})" if config else " without runtime_config_path"
        return f"{role}; defines handler {name}{shown}, replacing any earlier definition whole"
    if handlers:
        return f"{role}; defines handlers {', '.join(sorted(handlers))} but not {name}"
    return f"{role}; defines no runtime handlers"


def find(host: HostRoot, name: str) -> EngineResult:
    """CRI-O's handler ``name`` as its merged configuration defines it."""
    files, notes = _files(host)
    entry: dict[str, Any] | None = None
    owner = ""
    default = "crun"
    for current in files:
        data = current.data or {}
        default = text(table(data, "crio", "runtime") or {}, "default_runtime") or default
        if isinstance(_handlers(data).get(name), dict):
            entry, owner = _handlers(data)[name], current.path
    candidates = tuple(Candidate(f.path, "crio", False, _describe(f, name, i))
                       for i, f in enumerate(files))
    if entry is None:
        return EngineResult(None, candidates, missing=f"CRI-O has no runtime handler {name!r}")
    note = "; ".join(notes)
    if entry.get("inherit_default_runtime") is True:
        inherited = next((_handlers(f.data or {}).get(default) for f in reversed(files)
                          if isinstance(_handlers(f.data or {}).get(default), dict)), None)
        note = "; ".join([*notes, f"inherits path, type and config path from {default}"])
        entry = {**entry, **{k: v for k, v in (inherited or {}).items() if k in _INHERITED}}
    runtime_type = text(entry, "runtime_type")
    config = text(entry, "runtime_config_path") or None
    if config and runtime_type != "vm":
        note = "; ".join([*notes, f"runtime_config_path needs runtime_type = \"vm\", found "
                          f"{runtime_type or 'none'!r}: CRI-O refuses to start"])
    handler = RuntimeHandler(name, "crio", owner, config, runtime_type, text(entry, "runtime_path"))
    return EngineResult(handler, candidates, note)


_INHERITED: Final = ("runtime_path", "runtime_type", "runtime_config_path", "runtime_root")
