"""Every ``[hypervisor.<name>]`` key, gathered from the per-area ``hv_*`` modules."""

from __future__ import annotations

from typing import Final

from kata_config.keys import hv_block, hv_boot, hv_compute, hv_devices, hv_extras, hv_security
from kata_config.keys.spec import KeySpec

# Order follows config-keys.md §5.1-5.12 so listings read like the reference.
KEYS: Final[tuple[KeySpec, ...]] = (
    *hv_boot.KEYS,
    *hv_compute.KEYS,
    *hv_block.KEYS,
    *hv_devices.KEYS,
    *hv_security.KEYS,
    *hv_extras.KEYS,
)
