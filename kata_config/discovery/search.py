"""The order each runtime tries its configuration sources in (validation-rules.md §1.1).

- Go shim (L1/L2): the handler's ``ConfigPath``, else ``KATA_CONF_FILE`` (non-empty), else the
  built-in list. runtime-rs (L6): ``KATA_CONF_FILE`` (set at all, even empty), else the
  handler's config path, else its list. The env variable is the shim's own, which it inherits
  from the container engine's service, so it is read from ``env`` (live host only by default).
- A chosen source is final: a missing ``ConfigPath`` or a refused ``KATA_CONF_FILE`` fails the
  load, it never falls through to the next source. A relative ``ConfigPath`` is resolved
  against the shim's working directory, the task's bundle directory (containerd's
  ``WorkDir: bundle.Path``), where no configuration lives.
- L9: since 4.0.0 neither runtime reads the ``io.katacontainers.config_path`` annotation (3.x
  put it first), so no pod can choose the file and discovery takes no annotations.
"""

from __future__ import annotations

from collections.abc import Mapping

from kata_config.discovery import containerd, crio
from kata_config.discovery.builtin import (
    build_prefix,
    builtin_note,
    builtin_paths,
    dropins,
    shipped,
)
from kata_config.discovery.types import (
    Candidate,
    Discovery,
    EngineResult,
    Flavour,
    RuntimeChoice,
    RuntimeHandler,
)
from kata_config.probes.host import HostRoot
from kata_config.record import record

SHIM_DIRS = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
"""Where a container engine finds a shim it has no ``runtime_path`` for (systemd's PATH)."""


@record
class _Step:
    kind: str  # "config", "env" or "builtin"
    path: str
    source: str
    flavour: Flavour | None = None  # the built-in list it belongs to


@record(frozen=False, slots=False)
class _State:
    flavour: Flavour | None
    prefix: str | None
    chosen: tuple[str, str, str] | None = None  # path, resolved, source
    error: str | None = None


def find_handler(host: HostRoot, name: str) -> EngineResult:
    """The handler ``name`` from containerd's configuration, else from CRI-O's."""
    first = containerd.find(host, name)
    if first.handler is not None:
        return first
    second = crio.find(host, name)
    missing = f"{first.missing} and {second.missing}: a pod with this runtime class fails"
    return EngineResult(second.handler, first.files + second.files, second.note,
                        "" if second.handler else missing)


def shim_binary(host: HostRoot, handler: RuntimeHandler) -> str | None:
    """The shim the engine starts for ``handler``: its runtime_path, else found on PATH."""
    if handler.runtime_path:
        return handler.runtime_path
    kind = handler.runtime_type or ""
    if handler.engine == "containerd" and kind.startswith("/"):
        return kind
    parts = kind.split(".")
    # containerd: io.containerd.kata-qemu.v2 runs containerd-shim-kata-qemu-v2
    name = (f"containerd-shim-{parts[-2]}-{parts[-1]}" if handler.engine == "containerd"
            and len(parts) >= 2 else handler.name)
    return next((f"{d}/{name}" for d in SHIM_DIRS if host.resolve(f"{d}/{name}")), None)


def handler_flavour(host: HostRoot, handler: RuntimeHandler, shim: str | None
                    ) -> tuple[Flavour, str, str | None]:
    """The runtime behind ``handler`` started as ``shim``, why we think so, and the shim's
    resolved path."""
    real = (host.resolve(shim) if shim else None) or shim
    if real and "runtime-rs" in real.split("/"):
        return "rs", f"its shim {shim} is runtime-rs's (kata-deploy installs it there)", real
    if handler.config_path and "runtime-rs" in handler.config_path.split("/"):
        return "rs", f"its config path {handler.config_path} is a runtime-rs one", real
    if shim:
        return "go", f"its shim {shim} is the Go runtime's (not under runtime-rs/)", real
    return "go", "its shim is not installed where kata-config looked; assuming the Go runtime", None


def _evaluate(host: HostRoot, step: _Step, state: _State, note: str) -> str:
    """Try one source; updates ``state`` and returns the candidate's reason."""
    if step.kind == "builtin":
        resolved = host.resolve(step.path)
        label = builtin_note(step.flavour or "go", step.path, state.prefix)
        if resolved is None:
            return f"{label}; does not exist"
        state.flavour = state.flavour or step.flavour
        state.chosen = (step.path, resolved, step.source)
        return f"{label}; the first on the list that exists"
    if step.kind == "env" and step.path == "":
        state.error = "KATA_CONF_FILE is set but empty: runtime-rs refuses to start; unset it"
        return state.error
    where = step.source if step.kind == "config" else "KATA_CONF_FILE"
    if not step.path.startswith("/"):
        state.error = (f"{where} names a relative path {step.path!r}: the shim resolves it "
                       "against its working directory (the task's bundle directory), where no "
                       "configuration is, and fails to load; write an absolute path")
        return state.error
    resolved = host.resolve(step.path)
    if resolved is None or host.is_dir(resolved):
        what = "does not exist" if resolved is None else "is a directory"
        state.error = (f"{step.path} ({where}) {what}: the shim fails to load it and does not "
                       "fall back to another source")
        return state.error
    if step.kind == "env":
        for flavour in (state.flavour,) if state.flavour else ("go", "rs"):
            match = shipped(host, resolved, flavour, state.prefix)
            if match is not None:
                state.flavour, state.chosen = flavour, (step.path, resolved, step.source)
                return f"the same file as the built-in {match}, so the shim accepts it"
        state.error = (f"KATA_CONF_FILE={step.path} is not one of the shipped configuration "
                       "files (the built-in list, symlinks resolved): since 4.0 the shim "
                       "refuses it; point it at a built-in path or use the handler's ConfigPath")
        return state.error
    state.chosen = (step.path, resolved, step.source)
    return "the handler's config path; the shim loads it" + (f"; {note}" if note else "")


def _steps(state: _State, env: Mapping[str, str], handler: RuntimeHandler | None) -> list[_Step]:
    config = ([_Step("config", handler.config_path, f"{handler.engine}:{handler.file}")]
              if handler is not None and handler.config_path else [])
    value = env.get("KATA_CONF_FILE")
    present = value is not None if state.flavour == "rs" else bool(value)
    variable = [_Step("env", value or "", "KATA_CONF_FILE")] if present else []
    flavours: tuple[Flavour, ...] = (state.flavour,) if state.flavour else ("go", "rs")
    builtins = [_Step("builtin", p, "built-in", f) for f in flavours
                for p in builtin_paths(f, state.prefix)]
    first = [*variable, *config] if state.flavour == "rs" else [*config, *variable]
    return [*first, *builtins]


def _skipped(state: _State, step: _Step) -> str:
    if state.chosen is None:
        return "not tried: the shim stops at the error above"
    path, _, source = state.chosen
    label = "the handler's config path" if ":" in source else (
        "KATA_CONF_FILE" if source == "KATA_CONF_FILE" else path)
    reason = f"not tried: {label} comes first"
    if step.kind == "config" and source == "KATA_CONF_FILE":
        reason += ("; runtime-rs takes KATA_CONF_FILE before the handler's config path "
                   "(the Go shim the other way round)")
    elif step.kind == "env" and source != "built-in":
        reason += ("; the Go shim takes the handler's ConfigPath before KATA_CONF_FILE "
                   "(runtime-rs the other way round)")
    return reason


def search(host: HostRoot, runtime: RuntimeChoice, env: Mapping[str, str],
           engine: EngineResult | None) -> Discovery:
    """Walk the sources in the runtime's order; the first usable one wins."""
    handler = engine.handler if engine is not None else None
    flavour: Flavour | None = None if runtime == "auto" else runtime
    why, real, shim = "as asked" if flavour else "", None, None
    if handler is not None:
        shim = shim_binary(host, handler)
        found, because, real = handler_flavour(host, handler, shim)
        flavour, why = flavour or found, why or because
    state = _State(flavour, build_prefix(real))
    candidates = list(engine.files) if engine is not None else []
    for step in _steps(state, env, handler):
        if state.chosen is not None or state.error is not None:
            candidates.append(Candidate(step.path, step.source, False, _skipped(state, step)))
            continue
        reason = _evaluate(host, step, state, engine.note if engine else "")
        used = state.chosen is not None and state.chosen[0] == step.path
        candidates.append(Candidate(step.path, step.source, used, reason))
    final: Flavour = state.flavour or "go"
    why = why or (f"found on the {'runtime-rs' if final == 'rs' else 'Go'} runtime's list"
                  if state.chosen else "no file found; the Go runtime assumed")
    if state.chosen is None:
        error = state.error or ("no configuration file found: the runtime fails to start "
                                "(\"Cannot find usable config file\")")
        return Discovery(None, None, final, (), tuple(candidates), why, handler, error, shim)
    path, resolved, _ = state.chosen
    files, extra = dropins(host, resolved, final)
    return Discovery(path, resolved, final, files, (*candidates, *extra), why, handler,
                     shim=shim)
