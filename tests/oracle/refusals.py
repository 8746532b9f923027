"""Upstream's refusal messages (Go runtime 3.30) mapped to the rule ids that explain them.

A refusal is *explained* when ``validate --runtime go`` reports, at load time, an error of one
of the listed rules. The patterns were collected by running the oracle over the corpus, the
fixtures and thousands of generated configs; the differential suite fails on a refusal that
matches none of them, so a new upstream message cannot go unnoticed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Refusal:
    """One kind of upstream refusal: how to recognise it and which of our rules explain it."""

    id: str
    pattern: re.Pattern[str]
    rules: frozenset[str]
    where: str
    """Where upstream refuses, in its code (for the reader of docs/fidelity.md)."""
    keyed: bool = False
    """The message names the offending key (``last key "..."``): our finding must be on it."""

    def key(self, message: str) -> str | None:
        """The dotted key upstream names, when this refusal is keyed."""
        found = _LAST_KEY.search(message) if self.keyed else None
        return found.group(1) if found else None


def _r(ident: str, pattern: str, rules: str, where: str, keyed: bool = False) -> Refusal:
    return Refusal(ident, re.compile(pattern), frozenset(rules.split()), where, keyed)


_LAST_KEY: Final = re.compile(r'\(last key "([^"]+)"\)')


_TYPE_OR_ENUM: Final = "schema-enum value-not-for-runtime value-too-new"
"""A value outside the choices: ours, the other runtime's, or a newer release's."""

REFUSALS: Final[tuple[Refusal, ...]] = (
    # the TOML decoder (BurntSushi/toml): checked first, it stops everything else
    # decode errors name the key: our error must be about that very key; a number too big to
    # parse in a key of another type is both out of range and of the wrong type
    _r("toml-type", r"^toml: .*incompatible types", "schema-type", "toml decode", keyed=True),
    _r("toml-range", r"^toml: .*is out of range for", "schema-range schema-type", "toml decode",
       keyed=True),
    _r("toml-encoding", r"^toml: .*(invalid UTF-8|cannot contain control characters)",
       "file-not-text toml-syntax", "toml parse"),
    # a damaged file: which broken byte each parser meets first can differ
    _r("toml-syntax", r"^toml: ", "toml-syntax file-not-text", "toml parse"),
    _r("dropin-decode", r"^error (decoding|reading|applying).*drop-in|^error reading \"",
       "toml-syntax schema-type dropin-not-file", "decodeDropIns"),
    # the hypervisor builders (katautils/config.go)
    _r("hypervisor-section", r"configuration file contains invalid hypervisor section",
       "hypervisor-name-invalid", "updateRuntimeConfigHypervisor"),
    _r("path-missing", r"file .* does not exist|[Ff]ailed to resolve path",
       "path-not-absolute placeholder-unsubstituted", "ResolvePath"),
    _r("block-driver", r"Invalid hypervisor block storage driver", _TYPE_OR_ENUM,
       "blockDeviceDriver"),
    _r("block-aio", r"Invalid hypervisor block storage I/O mechanism", _TYPE_OR_ENUM,
       "blockDeviceAIO"),
    _r("monitor-socket", r"Invalid hypervisor extra monitor socket", _TYPE_OR_ENUM,
       "extraMonitorSocket"),
    _r("shared-fs", r"Invalid hypervisor shared file system", _TYPE_OR_ENUM, "sharedFS"),
    _r("sector-size", r"invalid block_device_(logical|physical)_sector_size",
       "sector-size-invalid", "validateBlockDeviceSectorSize"),
    _r("sector-order", r"invalid sector sizes: logical", "sector-size-order",
       "validateBlockDeviceSectorSizes"),
    _r("virtiofs-daemon", r"without daemon path", "virtio-fs-daemon-missing",
       "new*HypervisorConfig"),
    _r("boot-image", r"image or initrd must be defined", "boot-image-missing",
       "newClhHypervisorConfig / newStratovirtHypervisorConfig"),
    _r("image-and-initrd", r"both an image and an initrd", "image-and-initrd",
       "newStratovirtHypervisorConfig"),
    _r("9p-unsupported", r"does not support .* shared filesystem option",
       "virtio-9p-unsupported", "newClhHypervisorConfig / newStratovirtHypervisorConfig"),
    # LoadConfiguration's checks after the builders
    _r("emptydir-mode", r"invalid emptydir_mode", _TYPE_OR_ENUM, "emptyDirMode"),
    _r("network-model", r"^Unknown type ", _TYPE_OR_ENUM, "NetInterworkingModel.SetModel"),
    _r("vfio-mode", r"^Unknown VFIO mode", _TYPE_OR_ENUM, "VFIOSetMode"),
    _r("experimental", r"Unsupported experimental feature", "experimental-unsupported",
       "LoadConfiguration"),
    _r("bind-mount-base", r"sandbox-bindmounts: File .* has base", "bind-mount-duplicate-name",
       "validateBindMounts"),
    _r("vfio-both", r"invalid hot-plug=.* and cold-plug=.* only one of them",
       "vfio-port-conflict", "checkPCIeConfig"),
    _r("vfio-clh", r"supported on CLH", "vfio-port-clh schema-enum", "checkPCIeConfig"),
    _r("vfio-port", r"invalid vfio_port=", "schema-enum", "checkPCIeConfig"),
    _r("netns", r"disable_new_netns only works", "netns-requires-none-model",
       "checkNetNsConfig"),
    _r("template-initrd", r"enable_template requires an initrd", "template-initrd-refused",
       "checkFactoryConfig"),
    _r("vm-cache", r"VM cache just support qemu", "vm-cache-needs-qemu", "checkFactoryConfig"),
    _r("memory-zero", r"VM memory cannot be zero", "schema-range", "checkHypervisorConfig"),
    _r("timeout", r"^timed out after", "", "the oracle harness's deadline"),
)


def classify(message: str) -> Refusal | None:
    """The refusal kind of one upstream message, or None for a message not seen before."""
    for refusal in REFUSALS:
        if refusal.pattern.search(message):
            return refusal
    return None
