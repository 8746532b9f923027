"""Which Kata configuration a runtime loads on a host, found the way the runtime finds it.

``discover()`` walks, on any host root, the sources of validation-rules.md §1 in the order of
the runtime that would load the file: an explicit path; for a runtime class, the handler's
config path from containerd's or CRI-O's configuration; ``KATA_CONF_FILE`` (shipped files
only); the runtime's built-in list; then the ``config.d/`` drop-ins beside the resolved file.
Every read goes through ``HostRoot``, so symlinks resolve inside the root as chroot would.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping
from pathlib import Path

from kata_config.discovery.builtin import GO_CONFIG_PATHS, RS_CONFIG_PATHS, dropins
from kata_config.discovery.search import find_handler, search
from kata_config.discovery.types import (
    Candidate,
    Discovery,
    Flavour,
    RuntimeChoice,
    RuntimeHandler,
)
from kata_config.flavour import detect_runtime
from kata_config.probes.host import HostRoot

__all__ = ["GO_CONFIG_PATHS", "RS_CONFIG_PATHS", "Candidate", "Discovery", "RuntimeHandler",
           "discover", "discover_in"]

CONFIG_NAME = "configuration.toml"


def discover(*, runtime: RuntimeChoice = "auto", root: str | os.PathLike[str] = "/",
             runtime_class: str | None = None, env: Mapping[str, str] | None = None,
             path: str | os.PathLike[str] | None = None) -> Discovery:
    """The configuration the runtime would load on the host at ``root``, and why.

    Args:
        runtime: the runtime that loads it; ``"auto"`` decides from the runtime class's shim,
            else from which built-in list has a file (Go's first).
        root: the host's ``/``; under another root, paths are read below it.
        runtime_class: a RuntimeClass handler (``kata-qemu``); its config path is read from
            containerd's configuration, else CRI-O's.
        env: the shim's environment (for ``KATA_CONF_FILE``); by default this process's on
            the live host and empty under another root.
        path: an explicit file (``kata-runtime --config``): used as is, it must exist. A
            directory stands for its ``configuration.toml``.
    """
    host = HostRoot(root)
    return discover_in(host, runtime=runtime, runtime_class=runtime_class, env=env, path=path)


def discover_in(host: HostRoot, *, runtime: RuntimeChoice = "auto",
                runtime_class: str | None = None, env: Mapping[str, str] | None = None,
                path: str | os.PathLike[str] | None = None) -> Discovery:
    """``discover`` over an existing ``HostRoot`` (so a snapshot records what it read)."""
    if path is not None:
        return _explicit(host, os.fspath(path), runtime)
    environ = env if env is not None else (os.environ if host.live else {})
    engine = find_handler(host, runtime_class) if runtime_class else None
    if engine is not None and engine.handler is None:
        flavour: Flavour = "go" if runtime == "auto" else runtime
        return Discovery(None, None, flavour, (), engine.files, "no handler", None,
                         engine.missing)
    return search(host, runtime, environ, engine)


def _explicit(host: HostRoot, path: str, runtime: RuntimeChoice) -> Discovery:
    spelled = path
    if not path.startswith("/"):
        path = os.path.abspath(path) if host.live else "/" + path
    resolved = host.resolve(path)
    if resolved is not None and host.is_dir(resolved):
        spelled = posixpath.join(spelled, CONFIG_NAME)
        resolved = host.resolve(posixpath.join(resolved, CONFIG_NAME))
    if resolved is None:
        reason = "does not exist: an explicit path must resolve (L5/L8)"
        flavour: Flavour = "go" if runtime == "auto" else runtime
        return Discovery(spelled, None, flavour, (), (Candidate(spelled, "explicit", False,
                         reason),), "as asked" if runtime != "auto" else "", None,
                         f"{spelled} {reason}")
    flavour, why = (runtime, "as asked") if runtime != "auto" else _sniff(host, resolved)
    files, extra = dropins(host, resolved, flavour)
    used = Candidate(spelled, "explicit", True, "given explicitly; used as is")
    return Discovery(spelled, resolved, flavour, files, (used, *extra), why)


def _sniff(host: HostRoot, resolved: str) -> tuple[Flavour, str]:
    """Go or runtime-rs, from where the file lives and its ``[runtime]`` selectors."""
    # tomllib (with datetime): ~2.5 ms of imports, paid only when a configuration is found
    import tomllib  # noqa: PLC0415

    raw = host.read_bytes(resolved) or b""
    try:
        data = tomllib.loads(raw.decode("utf-8", errors="replace"))
    except tomllib.TOMLDecodeError:
        data = {}
    found = detect_runtime(data, Path(resolved))
    why = ("its [runtime] section names the hypervisor and agent, or it lies under runtime-rs/"
           if found == "rs" else "it has no runtime-rs [runtime] selectors")
    return found, why
