"""Integer types the Go runtime (3.30) decodes each integer key into: pure data.

Read from the ``toml`` struct tags of ``src/runtime/pkg/katautils/config.go`` and confirmed
with upstream's own loader (tests/oracle). They decide what refuses to load: BurntSushi/toml
refuses a number outside a 32-bit field's range, but stores a negative number in a 64-bit
unsigned field without complaint (``-1`` becomes 18446744073709551615) and keeps it as is in
a signed one. runtime-rs decodes into its own types, not listed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from kata_config.keys.spec import Table

_U32: Final = (
    "default_maxvcpus", "default_memory", "memory_slots", "default_bridges", "msize_9p",
    "block_device_logical_sector_size", "block_device_physical_sector_size", "indep_iothreads",
    "pcie_root_port", "pcie_switch_port", "hypervisor_loglevel", "virtio_fs_cache_size",
    "virtio_fs_queue_size", "vhost_user_reconnect_timeout_sec", "remote_hypervisor_timeout",
    "tdx_quote_generation_service_socket_port",
)
_U64: Final = ("default_maxmemory", "memory_offset", "rx_rate_limiter_max_rate",
               "tx_rate_limiter_max_rate", "snp_guest_policy")
_I64: Final = tuple(f"{kind}_rate_limiter_{what}" for kind in ("disk", "net")
                    for what in ("bw_max_rate", "ops_max_rate", "bw_one_time_burst",
                                 "ops_one_time_burst"))

GO_WIDTHS: Final[Mapping[tuple[Table, str], str]] = {
    **{(Table.HYPERVISOR, name): "u32" for name in _U32},
    **{(Table.HYPERVISOR, name): "u64" for name in _U64},
    **{(Table.HYPERVISOR, name): "i64" for name in _I64},
    **{(Table.AGENT, name): "u32" for name in ("dial_timeout", "cdh_api_timeout",
                                               "launch_process_timeout")},
    (Table.RUNTIME, "create_container_timeout"): "u64",
    (Table.FACTORY, "vm_cache_number"): "u64",
}
