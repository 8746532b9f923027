"""Where each runtime looks on its own, which files it accepts, and its ``config.d`` drop-ins.

Facts (kata-containers 4.1.0; validation-rules.md §1):

- Go (L3): ``SYSCONFIG`` ``/etc/kata-containers/configuration.toml``, then ``CONFIG_PATH``
  ``<PREFIX>/share/defaults/kata-containers/configuration.toml``, both baked in by the Makefile.
  A distro build has PREFIX ``/usr``; kata-deploy's static build (``static-build/shim-v2``)
  uses ``/opt/kata``, so one binary looks in only one of the two share directories.
- runtime-rs (L7): a list hard-coded in kata-types ``default.rs``, the same for every build.
- Since 4.0.0 both shims accept ``KATA_CONF_FILE`` only when it resolves to the same file as
  one of their built-in paths (L2/L6, ``isShippedKataConfigPath``); 3.x took any file.
- Drop-ins (D1/D5): every entry of ``config.d/`` beside the symlink-resolved main file, in
  name order, whatever its name; a directory fails both loads (D2), and runtime-rs checks a
  symlinked entry's own type and most likely refuses it (D6).
"""

from __future__ import annotations

import posixpath
from typing import Final

from kata_config.discovery.types import Candidate, Flavour
from kata_config.probes.host import HostRoot

GO_SYSCONFIG: Final = "/etc/kata-containers/configuration.toml"
GO_SHARE: Final = {
    "/usr": "/usr/share/defaults/kata-containers/configuration.toml",
    "/opt/kata": "/opt/kata/share/defaults/kata-containers/configuration.toml",
}
GO_CONFIG_PATHS: Final = (GO_SYSCONFIG, *GO_SHARE.values())
"""Every path a Go shim may look at, in order (one build looks at the first and one other)."""

RS_CONFIG_PATHS: Final = (
    "/etc/kata-containers/runtime-rs/configuration.toml",
    "/usr/share/defaults/kata-containers/runtime-rs/configuration.toml",
    "/opt/kata/share/defaults/kata-containers/runtime-rs/configuration.toml",
)
"""runtime-rs's built-in list, in its order."""


def build_prefix(shim: str | None) -> str | None:
    """The Go build's PREFIX, read off where its shim is installed (None when unknown)."""
    for prefix in GO_SHARE:
        if shim and shim.startswith(prefix + "/"):
            return prefix
    return None


def builtin_paths(flavour: Flavour, prefix: str | None = None) -> tuple[str, ...]:
    """The built-in list of ``flavour`` (for Go, of the build with ``prefix`` when known)."""
    if flavour == "rs":
        return RS_CONFIG_PATHS
    return (GO_SYSCONFIG, GO_SHARE[prefix]) if prefix in GO_SHARE else GO_CONFIG_PATHS


def builtin_note(flavour: Flavour, path: str, prefix: str | None) -> str:
    """Why ``path`` is on the list, in a few words."""
    if flavour == "rs":
        return "runtime-rs built-in list"
    if path == GO_SYSCONFIG:
        return "Go built-in list (SYSCONFIG)"
    if prefix is not None:
        return f"Go built-in list (CONFIG_PATH of a PREFIX={prefix} build)"
    kind = "a distro" if path.startswith("/usr/") else "kata-deploy's"
    return f"Go built-in list (CONFIG_PATH of {kind} build)"


def shipped(host: HostRoot, resolved: str, flavour: Flavour, prefix: str | None) -> str | None:
    """The built-in path that is the same file as ``resolved``, or None (L2/L6)."""
    for path in builtin_paths(flavour, prefix):
        if host.resolve(path) == resolved:
            return path
    return None


def dropins(host: HostRoot, resolved: str, flavour: Flavour
            ) -> tuple[tuple[str, ...], tuple[Candidate, ...]]:
    """The ``config.d`` entries the runtime applies after ``resolved``, with their reasons.

    Every entry is listed, as the runtime tries every entry; the ones that make it fail say
    so in their reason (the loader reports them as findings).
    """
    directory = posixpath.join(posixpath.dirname(resolved), "config.d")
    where = host.resolve(directory)
    if where is None or not host.is_dir(where):
        return (), ()
    names = host.listdir(where)
    if names is None:
        reason = "cannot be listed (permissions?): both runtimes fail to load"
        return (), (Candidate(directory, "config.d", False, reason),)
    candidates = []
    for index, name in enumerate(names, 1):
        path = posixpath.join(directory, name)
        reason = f"drop-in {index} of {len(names)}, merged over the main file in name order"
        if host.is_dir(path) and not host.is_symlink(path):
            reason = "a directory: both runtimes read every entry of config.d and fail on it"
        elif host.is_symlink(path) and flavour == "rs":
            reason += ("; a symbolic link, which runtime-rs most likely refuses (it checks the "
                       "entry's own type): copy the file in instead")
        candidates.append(Candidate(path, "config.d", True, reason))
    return tuple(c.path for c in candidates), tuple(candidates)
