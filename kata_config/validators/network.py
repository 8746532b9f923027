"""Network rules: network namespace model and queue counts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from kata_config.findings import Issue, Rule, Severity
from kata_config.model import KataConfig
from kata_config.validators._util import as_int, as_str, hkey, hv_tables, is_true

NETNS_REQUIRES_NONE_MODEL = Rule(
    "netns-requires-none-model",
    Severity.ERROR,
    'Go: disable_new_netns = true requires internetworking_model = "none"',
)
NETWORK_QUEUES_CLAMPED = Rule(
    "network-queues-clamped",
    Severity.WARNING,
    "runtime-rs silently moves network_queues into 1..256",
)
REMOTE_OVERRIDES_NETWORK = Rule(
    "remote-overrides-network",
    Severity.WARNING,
    "runtime-rs forces the network settings when a [hypervisor.remote] table exists",
)


def check_netns_model(cfg: KataConfig) -> Iterator[Issue]:
    """``disable_new_netns = true`` without ``internetworking_model = "none"`` (Go).

    Without its own network namespace the sandbox cannot wire a tap or macvtap interface
    into the pod network, so the Go runtime refuses to load.

    Fails:
        [runtime]
        disable_new_netns = true
        internetworking_model = "tcfilter"

    Passes:
        [runtime]
        disable_new_netns = true
        internetworking_model = "none"
    """
    if cfg.runtime != "go" or not is_true(cfg.runtime_table.get("disable_new_netns")):
        return
    model = cfg.runtime_table.get("internetworking_model", "")
    if isinstance(model, str) and model != "none":
        shown = repr(model) if model else "unset (tcfilter)"
        yield Issue(
            "runtime.disable_new_netns",
            f'disable_new_netns = true needs internetworking_model = "none", found {shown}: '
            'the Go runtime refuses to load; set internetworking_model = "none"',
        )


def check_network_queues(cfg: KataConfig) -> Iterator[Issue]:
    """``network_queues`` of 0 or above 256 under runtime-rs.

    runtime-rs uses 1 for 0 and 256 for anything larger, without a message.

    Fails:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.qemu]
        network_queues = 0

    Passes:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.qemu]
        network_queues = 4
    """
    if cfg.runtime != "rs":
        return
    for name, table in hv_tables(cfg):
        queues = as_int(table.get("network_queues"))
        if queues is not None and (queues == 0 or queues > 256):
            becomes = 1 if queues == 0 else 256
            yield Issue(
                hkey(name, "network_queues"),
                f"network_queues ({queues}) is silently replaced by {becomes}; set a value "
                "from 1 to 256",
            )


def check_remote_network(cfg: KataConfig) -> Iterator[Issue]:
    """Network settings runtime-rs overrides because of ``[hypervisor.remote]``.

    With a remote table in the file (active or not) runtime-rs forces
    ``internetworking_model = "none"`` and ``disable_new_netns = false``; other values in
    ``[runtime]`` are silently replaced.

    Fails:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.remote]
        default_memory = 2048
        [runtime]
        internetworking_model = "tcfilter"

    Passes:
        # kata-config: --runtime rs --arch x86_64
        [hypervisor.remote]
        default_memory = 2048
        [runtime]
        internetworking_model = "none"
    """
    if cfg.runtime != "rs" or "remote" not in cfg.hypervisors:
        return
    model = as_str(cfg.runtime_table.get("internetworking_model"))
    if model and model != "none":
        yield Issue(
            "runtime.internetworking_model",
            f'internetworking_model {model!r} is replaced by "none" because the file has a '
            '[hypervisor.remote] table; set internetworking_model = "none"',
        )
    if is_true(cfg.runtime_table.get("disable_new_netns")):
        yield Issue(
            "runtime.disable_new_netns",
            "disable_new_netns = true is replaced by false because the file has a "
            "[hypervisor.remote] table; remove it",
        )


CHECKS: Final = (
    (NETNS_REQUIRES_NONE_MODEL, check_netns_model),
    (NETWORK_QUEUES_CLAMPED, check_network_queues),
    (REMOTE_OVERRIDES_NETWORK, check_remote_network),
)
