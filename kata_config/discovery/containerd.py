"""containerd's configuration read as containerd reads it, to find one runtime handler.

Facts this module relies on (containerd ``cmd/containerd/server/config/config.go``, read at
v1.6.0, v1.7.34 and v2.0.0 to v2.3.4, and its ``config_test.go``):

- Files load breadth first: ``/etc/containerd/config.toml``, then its ``imports`` in order,
  then theirs. A path already loaded is skipped, which is what ends an import loop. A relative
  import is relative to the importing file's directory; one containing ``*`` is expanded with
  ``filepath.Glob`` (sorted); a missing non-glob import, or any file that is not TOML, stops
  containerd from starting. The ``conf.d/*.toml`` of ``containerd config default`` (2.2+) is
  only read when a file lists it.
- containerd 2.x migrates each file on its own before merging it: below version 3 the
  ``io.containerd.grpc.v1.cri`` runtimes move to ``io.containerd.cri.v1.runtime`` (unless the
  file already has runtimes there), and a version-1 file (or one without ``version``, as
  kata-deploy writes its drop-in) may call the plugin ``cri``. A version >= 3 file is read only
  at ``io.containerd.cri.v1.runtime``. Tables then merge key by key and a later file wins
  (TestMergingPluginsWithTwoCriRuntime*DropInConfigs).
- containerd 1.x instead replaces a whole plugin table with a later file's (``mergeConfig``:
  ``to.Plugins[k] = v``), reads ``plugins.cri`` when the merged version is 1 and
  ``plugins."io.containerd.grpc.v1.cri"`` when it is 2, and refuses version 3.
"""

from __future__ import annotations

import posixpath
from collections import deque
from typing import Any, Final

from kata_config.discovery.hostfiles import TomlFile, clean, glob, read_toml, table, text
from kata_config.discovery.types import Candidate, EngineResult, RuntimeHandler
from kata_config.probes.host import HostRoot
from kata_config.tablemerge import merge

MAIN: Final = "/etc/containerd/config.toml"
MAX_FILES: Final = 256
"""containerd reads every import; kata-config stops after this many files (hostile globs)."""
MAX_GLOB: Final = 128

V1_CRI: Final = "cri"
V2_CRI: Final = "io.containerd.grpc.v1.cri"
V3_RUNTIME: Final = "io.containerd.cri.v1.runtime"
_FATAL: Final = "; containerd refuses to start until it is fixed"


def _version(data: dict[str, Any]) -> int:
    value = data.get("version")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _chain(host: HostRoot) -> tuple[list[TomlFile], dict[str, list[str]]]:
    """Every file containerd loads, in its order, with what we noticed about each."""
    files: list[TomlFile] = []
    notes: dict[str, list[str]] = {MAIN: ["the main containerd configuration"]}
    pending: deque[str] = deque([MAIN])
    loaded: set[str] = set()
    while pending:
        path = pending.popleft()
        if path in loaded:
            continue
        if len(files) == MAX_FILES:
            notes[path].append(f"not read: kata-config stops after {MAX_FILES} containerd files")
            files.append(TomlFile(path, None, None))
            break
        loaded.add(path)
        current = read_toml(host, path)
        files.append(current)
        for child in _imports(host, current, notes):
            if child in loaded:
                notes[child].append(f"imported again by {path}; containerd reads each file "
                                    "once, so the import loop ends there")
            else:
                notes.setdefault(child, []).append(f"imported by {path}")
                pending.append(child)
    return files, notes


def _imports(host: HostRoot, current: TomlFile, notes: dict[str, list[str]]) -> list[str]:
    raw = (current.data or {}).get("imports", [])
    if not isinstance(raw, list) or not all(isinstance(i, str) for i in raw):
        notes[current.path].append("its imports is not a list of strings" + _FATAL)
        return []
    found: list[str] = []
    for entry in raw:
        path = clean(entry)
        if not path.startswith("/"):
            path = clean(posixpath.join(posixpath.dirname(current.path), path))
        if "*" not in path:
            found.append(path)
            continue
        matches, total = glob(host, path, MAX_GLOB)
        if total > len(matches):
            notes[current.path].append(
                f"its import {entry!r} matches {total} files; containerd reads them all, "
                f"kata-config only the first {len(matches)}")
        found.extend(matches)
    return found


def _runtimes(data: dict[str, Any]) -> dict[str, Any] | None:
    """The runtimes table containerd 2.x takes from one file after migrating it."""
    current = table(data, "plugins", V3_RUNTIME, "containerd", "runtimes")
    if _version(data) >= 3 or current is not None:
        return current
    legacy = table(data, "plugins", V2_CRI, "containerd", "runtimes")
    if legacy is None and _version(data) <= 1:
        legacy = table(data, "plugins", V1_CRI, "containerd", "runtimes")
    return legacy


def _config_path(handler: dict[str, Any] | None) -> str | None:
    return text(table(handler, "options") or {}, "ConfigPath") if handler else None


def _as_1x(files: list[TomlFile], name: str) -> tuple[dict[str, Any] | None, str] | None:
    """The handler containerd 1.x would see and the file that decided it (None: not 1.x)."""
    parsed = [f for f in files if f.data is not None]
    if any(_version(f.data) >= 3 for f in parsed if f.data is not None):
        return None
    merged = next((v for f in reversed(parsed) if f.data and (v := _version(f.data))), 0)
    key = V1_CRI if merged <= 1 else V2_CRI
    owner = next((f for f in reversed(parsed) if table(f.data, "plugins", key)), None)
    if owner is None:
        return None, ""
    handler = table(owner.data, "plugins", key, "containerd", "runtimes", name)
    return handler, owner.path


def _describe(data: dict[str, Any], name: str) -> str:
    runtimes = _runtimes(data) or {}
    if name in runtimes:
        config = _config_path(table(runtimes, name))
        return f"defines handler {name}" + (f" (ConfigPath {config})" if config else "")
    legacy = table(data, "plugins", V2_CRI, "containerd", "runtimes") or {}
    if name in legacy and _version(data) >= 3:
        return (f"defines {name} under {V2_CRI}, but the file says version = "
                f"{_version(data)}, where containerd reads runtimes only from {V3_RUNTIME}: "
                "that definition is ignored; move it or drop the version line")
    if runtimes:
        return f"defines handlers {', '.join(sorted(runtimes))} but not {name}"
    return "defines no runtime handlers"


def find(host: HostRoot, name: str) -> EngineResult:
    """containerd's handler ``name`` as the merged configuration defines it."""
    files, notes = _chain(host)
    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for current in files:
        entry = table(_runtimes(current.data), name) if current.data is not None else None
        if entry is None:
            continue
        merge(merged, entry)
        origin.setdefault("defined", current.path)
        for key in ("runtime_type", "runtime_path"):
            if key in entry:
                origin[key] = current.path
        if "ConfigPath" in (table(entry, "options") or {}):
            origin["ConfigPath"] = current.path
    candidates = []
    for current in files:
        reasons = notes.get(current.path, [])
        if current.problem is not None:
            missing_main = current.path == MAIN and current.problem.startswith("does not exist")
            tail = (": containerd runs on its built-in defaults, which define no Kata handler"
                    if missing_main else _FATAL)
            reasons = [*reasons, current.problem + tail]
        elif current.data is not None:
            reasons = [*reasons, _describe(current.data, name)]
        candidates.append(Candidate(current.path, "containerd", False, "; ".join(reasons)))
    if not merged:
        return EngineResult(None, tuple(candidates), missing=f"containerd has no runtime "
                            f"handler {name!r} (looked in {len(files)} file(s))")
    config = _config_path(merged)
    handler = RuntimeHandler(name, "containerd", origin.get("ConfigPath", origin["defined"]),
                             config, text(merged, "runtime_type"), text(merged, "runtime_path"))
    return EngineResult(handler, tuple(candidates), _compare_1x(files, name, config))


def _compare_1x(files: list[TomlFile], name: str, config: str | None) -> str:
    old = _as_1x(files, name)
    if old is None:
        return ""
    handler, owner = old
    if handler is None:
        return (f"containerd 1.x would not find {name} at all: it replaces the whole CRI plugin "
                f"table with the last file's that has one{f' ({owner})' if owner else ''}")
    if _config_path(handler) != config:
        return (f"containerd 1.x would use ConfigPath {_config_path(handler)!r} instead: it "
                f"replaces the whole CRI plugin table with the last file's ({owner})")
    return ""
