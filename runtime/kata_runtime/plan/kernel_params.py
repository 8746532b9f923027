"""The guest kernel command line, composed as each runtime composes it (launch-plans §1.6, §2).

Each piece is a ``Piece``: its parameters and the keys (or rule) behind them, so the plan can
say where every word of ``-append`` came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from kata_config import Effective

SYSTEMD = (
    "systemd.unit=kata-containers.target",
    "systemd.mask=systemd-networkd.service",
    "systemd.mask=systemd-networkd.socket",
)
DEBUG_CONSOLE_VPORT = "1026"


@dataclass(frozen=True, slots=True)
class Piece:
    """Some consecutive kernel parameters and where they came from."""

    params: tuple[str, ...]
    keys: tuple[str, ...] = ()
    rule: str = ""


def split_params(text: str) -> tuple[str, ...]:
    """Split ``kernel_params`` on spaces, keeping a double-quoted span in one parameter."""
    out: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == " " and not quoted:
            if current:
                out.append("".join(current))
                current = []
            continue
        current.append(char)
    if current:
        out.append("".join(current))
    return tuple(out)


def join(pieces: list[Piece]) -> str:
    """The pieces as one ``-append`` string."""
    return " ".join(p for piece in pieces for p in piece.params)


def keys_of(pieces: list[Piece]) -> tuple[str, ...]:
    """Every key named by the pieces, first mention first."""
    seen: dict[str, None] = {}
    for piece in pieces:
        seen.update(dict.fromkeys(piece.keys))
    return tuple(seen)


def go_agent_params(eff: Effective) -> list[Piece]:
    """The agent's parameters in the Go runtime's order (virtcontainers KataAgentKernelParams)."""
    agent = eff.agent
    pieces = [
        Piece(("agent.log=debug",), ("agent.enable_debug",)) if agent.enable_debug else None,
        Piece(("agent.trace=true",), ("agent.enable_tracing",)) if agent.enable_tracing else None,
        Piece((f"agent.container_pipe_size={agent.container_pipe_size}",),
              ("agent.container_pipe_size",)) if agent.container_pipe_size > 0 else None,
        Piece(("agent.debug_console", f"agent.debug_console_vport={DEBUG_CONSOLE_VPORT}"),
              ("agent.debug_console_enabled",)) if agent.debug_console_enabled else None,
        Piece((f"agent.cdh_api_timeout={agent.cdh_api_timeout}",),
              ("agent.cdh_api_timeout",)) if agent.cdh_api_timeout > 0 else None,
        Piece((f"agent.launch_process_timeout={agent.launch_process_timeout}",),
              ("agent.launch_process_timeout",)) if agent.launch_process_timeout > 0 else None,
        Piece(("agent.visible_cdi_devices=true",),
              ("agent.visible_cdi_devices",)) if agent.visible_cdi_devices else None,
    ]
    return [p for p in pieces if p is not None]


def go_config_level(eff: Effective) -> list[Piece]:
    """Stage one: the list the Go loader builds (SetKernelParams), before the VM exists."""
    hv = eff.hypervisor
    pieces: list[Piece] = []
    if hv.image:
        pieces.append(Piece(SYSTEMD, ("hypervisor.image",), "systemd units, with an image"))
    if hv.block_device_driver == "virtio-scsi":
        pieces.append(Piece(("scsi_mod.scan=none",), ("hypervisor.block_device_driver",)))
    pieces.extend(go_agent_params(eff))
    user = split_params(hv.kernel_params)
    if user:
        pieces.append(Piece(user, ("hypervisor.kernel_params",)))
    return pieces


def _flag(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def rs_agent_params(eff: Effective) -> list[Piece]:
    """The agent's parameters as runtime-rs prepends them to kernel_params: sorted by name."""
    agent = eff.agent
    found: dict[str, tuple[str, str]] = {}
    if agent.enable_debug:
        found["agent.log"] = ("debug", "agent.enable_debug")
    if agent.enable_tracing:
        found["agent.trace"] = ("true", "agent.enable_tracing")
    if agent.container_pipe_size > 0:
        found["agent.container_pipe_size"] = (str(agent.container_pipe_size),
                                              "agent.container_pipe_size")
    if agent.launch_process_timeout > 0:
        found["agent.launch_process_timeout"] = (str(agent.launch_process_timeout),
                                                 "agent.launch_process_timeout")
    if agent.cdh_api_timeout_ms > 0:
        # runtime-rs takes milliseconds and hands the agent whole seconds
        found["agent.cdh_api_timeout"] = (str(agent.cdh_api_timeout_ms // 1000),
                                          "agent.cdh_api_timeout_ms")
    if agent.debug_console_enabled:
        found["agent.debug_console"] = ("", "agent.debug_console_enabled")
        found["agent.debug_console_vport"] = (DEBUG_CONSOLE_VPORT, "agent.debug_console_enabled")
    if agent.visible_cdi_devices:
        found["agent.visible_cdi_devices"] = ("true", "agent.visible_cdi_devices")
    mem = agent.mem_agent
    if mem.mem_agent_enable:
        found["psi"] = ("1", "agent.mem_agent.mem_agent_enable")
        found["agent.mem_agent_enable"] = ("1", "agent.mem_agent.mem_agent_enable")
        for name in type(mem).__slots__:
            value = getattr(mem, name)
            if name != "mem_agent_enable" and value is not None:
                found[f"agent.mem_agent_{name}"] = (_flag(value), f"agent.mem_agent.{name}")
    return [
        Piece((f"{name}={value}" if value else name,), (key,))
        for name, (value, key) in sorted(found.items())
    ]
