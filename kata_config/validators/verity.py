"""dm-verity parameters and guest extension images."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

from kata_config.findings import Issue, Rule, Severity
from kata_config.model import KataConfig
from kata_config.validators._util import as_str, hkey, hv_tables

VERITY_PARAMS_INVALID = Rule(
    "verity-params-invalid",
    Severity.ERROR,
    "dm-verity parameters must list root_hash, salt, data_blocks and both block sizes",
    when="start",
)
EXTENSION_IMAGE_NAME_INVALID = Rule(
    "extension-image-name-invalid",
    Severity.ERROR,
    "guest extension images need a name of ASCII letters, digits, '-' or '_'",
)

_VERITY_KEYS: Final = ("root_hash", "salt", "data_blocks", "data_block_size", "hash_block_size")
_NAME_RE: Final = r"[A-Za-z0-9_-]+"
"""An extension image's name (``re``'s cache compiles it when a config names one)."""


def verity_problem(text: str) -> str | None:
    """Why a dm-verity parameter string is invalid, or None when it is valid (or empty)."""
    if not text.strip():
        return None
    fields: dict[str, str] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            return f"{part.strip()!r} is not key=value"
        fields[key.strip()] = value.strip()
    missing = [k for k in _VERITY_KEYS if not fields.get(k)]
    if missing:
        return f"missing {', '.join(missing)}"
    for key in ("data_blocks", "data_block_size", "hash_block_size"):
        value = fields[key]
        if not value.isdigit() or int(value) == 0:
            return f"{key} must be a positive integer, found {value!r}"
        if key != "data_blocks" and int(value) % 512:
            return f"{key} ({value}) is not a multiple of 512"
    return None


def _extension_images(cfg: KataConfig) -> Iterator[tuple[str, int, Mapping[str, Any]]]:
    for name, table in hv_tables(cfg):
        if cfg.runtime == "go" and name != "qemu":
            continue
        images = table.get("guest_extension_images")
        if isinstance(images, list):
            for index, image in enumerate(images):
                if isinstance(image, Mapping):
                    yield name, index, image


def check_verity_params(cfg: KataConfig) -> Iterator[Issue]:
    """``kernel_verity_params`` or an extension image's ``verity_params`` that does not parse.

    Both runtimes expect comma-separated ``key=value`` pairs with ``root_hash``, ``salt``,
    ``data_blocks``, ``data_block_size`` and ``hash_block_size``, non-zero numbers and
    block sizes that are multiples of 512. A bad kernel value fails when the VM starts, a
    bad extension image value fails the load (that finding says ``when: load``). Empty means
    dm-verity off.

    Fails:
        [[hypervisor.qemu.guest_extension_images]]
        name = "coco"
        verity_params = "root_hash=ab,salt=cd,data_blocks=8"

    Passes:
        [[hypervisor.qemu.guest_extension_images]]
        name = "coco"
        verity_params = "root_hash=ab,salt=cd,data_blocks=8,data_block_size=512,hash_block_size=512"
    """
    for name, table in hv_tables(cfg):
        text = as_str(table.get("kernel_verity_params"))
        problem = verity_problem(text) if text is not None else None
        if problem:
            yield Issue(
                hkey(name, "kernel_verity_params"),
                f"kernel_verity_params is invalid ({problem}): the VM fails to start; expected "
                "root_hash=..,salt=..,data_blocks=N,data_block_size=N,hash_block_size=N",
            )
    for name, index, image in _extension_images(cfg):
        text = as_str(image.get("verity_params"))
        problem = verity_problem(text) if text is not None else None
        if problem:
            yield Issue(
                hkey(name, f"guest_extension_images[{index}].verity_params"),
                f"verity_params is invalid ({problem}): the runtime refuses to load; expected "
                "root_hash=..,salt=..,data_blocks=N,data_block_size=N,hash_block_size=N",
                "load",
            )


def check_extension_image_name(cfg: KataConfig) -> Iterator[Issue]:
    """A guest extension image without a valid ``name``.

    Both runtimes refuse to load an ``[[hypervisor.X.guest_extension_images]]`` entry whose
    name is missing or uses characters other than ASCII letters, digits, ``-`` and ``_``.

    Fails:
        [[hypervisor.qemu.guest_extension_images]]
        name = "coco ext"
        path = "/usr/share/kata-containers/kata-containers-coco-extension.img"

    Passes:
        [[hypervisor.qemu.guest_extension_images]]
        name = "coco-ext"
        path = "/usr/share/kata-containers/kata-containers-coco-extension.img"
    """
    for name, index, image in _extension_images(cfg):
        value = image.get("name")
        if value is not None and not isinstance(value, str):
            continue
        if not value or not re.fullmatch(_NAME_RE, value):
            found = "missing" if value is None else repr(value)
            yield Issue(
                hkey(name, f"guest_extension_images[{index}].name"),
                f"extension image name is {found}: the runtime refuses to load; use only "
                "ASCII letters, digits, '-' and '_'",
            )


CHECKS: Final = (
    (VERITY_PARAMS_INVALID, check_verity_params),
    (EXTENSION_IMAGE_NAME_INVALID, check_extension_image_name),
)
