"""Every ``[agent.<name>]`` and ``[agent.<name>.mem_agent]`` key (config-keys.md §6 and §7).

runtime-rs rejects unknown keys in both tables, so a Go-only key here (``dial_timeout``,
``cdh_api_timeout``) breaks a runtime-rs load; ``runtimes`` tells the validators which is which.
"""

from __future__ import annotations

from typing import Any, Final

from kata_config.keys.hv_base import BOOL, BOTH, GO, INT, RS, STR, STRS, TABLE, U8_MAX, key
from kata_config.keys.spec import KeySpec, Table, ValueType

_LOG_LEVELS: Final = ("trace", "debug", "info", "warn", "error", "critical")


def _agent(name: str, type_: ValueType, description: str, **kw: Any) -> KeySpec:
    return key(Table.AGENT, name, type_, description, **kw)


def _mem(name: str, type_: ValueType, description: str, **kw: Any) -> KeySpec:
    # The memory agent exists only in runtime-rs; absent tuning keys leave the agent's defaults.
    return key(Table.MEM_AGENT, name, type_, description, runtimes=RS, **kw)


_U8: Final = {"minimum": 0, "maximum": U8_MAX}

AGENT_KEYS: Final[tuple[KeySpec, ...]] = (
    _agent("enable_debug", BOOL, "Run the guest agent with debug logging.", default=False),
    _agent("enable_tracing", BOOL, "Make the guest agent emit traces.", default=False),
    _agent(
        "debug_console_enabled", BOOL, "Offer a debug shell in the guest over vsock.",
        default=False,
    ),
    _agent(
        "kernel_modules", STRS, "Guest kernel modules to load, each 'name param=value ...'.",
        runtimes=BOTH, default=[],
    ),
    # --- connection timeouts: Go counts seconds, runtime-rs milliseconds ---
    _agent(
        "dial_timeout", INT, "How long to wait for the agent to answer after boot.",
        runtimes=GO, default=30, unit="s", minimum=0,
    ),
    _agent(
        "dial_timeout_ms", INT, "Timeout of one attempt to connect to the agent.",
        runtimes=RS, default=10, unit="ms", minimum=1,
    ),
    _agent(
        "reconnect_timeout_ms", INT, "Total time spent retrying the agent connection.",
        runtimes=RS, default=3000, unit="ms", minimum=0,
    ),
    _agent(
        "cdh_api_timeout", INT, "Timeout the agent uses for confidential data hub calls.",
        runtimes=GO, default=0, unit="s", minimum=0,
    ),
    _agent(
        "cdh_api_timeout_ms", INT, "Timeout for confidential data hub calls (whole seconds used).",
        runtimes=RS, default=50000, unit="ms", minimum=0,
    ),
    _agent(
        "launch_process_timeout", INT, "How long the agent waits for a container process start.",
        default=0, unit="s", minimum=0,
    ),
    _agent(
        "visible_cdi_devices", BOOL, "Expose CDI device information to the guest.",
        default=False,
    ),
    _agent(
        "create_container_timeout", INT, "Deadline of the CreateContainer request to the agent.",
        runtimes=RS, default=30, unit="s", minimum=0,
    ),
    _agent(
        "health_check_request_timeout_ms", INT, "Timeout of agent health-check requests.",
        runtimes=RS, default=90000, unit="ms",
    ),
    # --- runtime-rs agent plumbing ---
    _agent(
        "log_level", STR, "Log level of the guest agent.",
        runtimes=RS, default="info", choices=_LOG_LEVELS,
    ),
    _agent("server_port", INT, "vsock port the agent listens on.", runtimes=RS, default=1024,
           minimum=0),
    _agent("log_port", INT, "vsock port the agent sends logs to.", runtimes=RS, default=1025,
           minimum=0),
    _agent(
        "passfd_listener_port", INT, "vsock port for passing container I/O descriptors.",
        runtimes=RS, default=1027, minimum=0,
    ),
    _agent(
        "container_pipe_size", INT, "Pipe buffer size for container stdio; 0 = guest default.",
        runtimes=RS, default=0, unit="bytes", minimum=0,
    ),
    _agent("policy", STR, "Agent policy document enforced in the guest.", runtimes=RS, default=""),
    # Sub-table key: its own keys are MEM_AGENT_KEYS below.
    _agent("mem_agent", TABLE, "Memory agent tuning ([agent.X.mem_agent]).", runtimes=RS),
)

MEM_AGENT_KEYS: Final[tuple[KeySpec, ...]] = (
    # Templates write mem_agent_enable; runtime-rs' own field is `enable`, accepted as an alias.
    _mem(
        "mem_agent_enable", BOOL, "Run the guest memory agent (memcg reclaim and compaction).",
        default=False, aliases=("enable",),
    ),
    _mem("memcg_disable", BOOL, "Turn off the memory agent's memcg reclaim."),
    _mem("memcg_swap", BOOL, "Let memcg reclaim swap out anonymous memory."),
    _mem("compact_disable", BOOL, "Turn off the memory agent's proactive compaction."),
    _mem("memcg_swappiness_max", INT, "Highest swappiness memcg reclaim may use.", **_U8),
    _mem(
        "memcg_period_psi_percent_limit", INT, "Memory PSI level that pauses periodic reclaim.",
        unit="percent", **_U8,
    ),
    _mem(
        "memcg_eviction_psi_percent_limit", INT, "Memory PSI level that stops eviction.",
        unit="percent", **_U8,
    ),
    _mem(
        "compact_period_psi_percent_limit", INT, "Memory PSI level that pauses compaction.",
        unit="percent", **_U8,
    ),
    _mem(
        "compact_psi_percent_limit", INT, "Memory PSI level that stops a compaction run.",
        unit="percent", **_U8,
    ),
    _mem("compact_order", INT, "Page order the compaction targets.", **_U8),
    _mem("memcg_period_secs", INT, "Interval between memcg reclaim runs.", unit="s", minimum=0),
    _mem(
        "memcg_eviction_run_aging_count_min", INT, "Aging passes required before eviction.",
        minimum=0,
    ),
    _mem("compact_period_secs", INT, "Interval between compaction runs.", unit="s", minimum=0),
    _mem("compact_threshold", INT, "Fragmentation level that triggers compaction.", minimum=0),
    _mem("compact_force_times", INT, "Runs after which compaction is forced anyway.", minimum=0),
    _mem("compact_sec_max", INT, "Longest time one compaction run may take.", unit="s"),
)

KEYS: Final[tuple[KeySpec, ...]] = (*AGENT_KEYS, *MEM_AGENT_KEYS)
