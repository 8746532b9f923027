"""Go's ``*_hash`` check of an asset annotation (N-7), read through the host root.

When an asset annotation (``kernel``, ``image``, ``path``, ...) has a non-empty value and its
``*_hash`` annotation is present, the Go runtime reads the file and compares its SHA-512 in
lower-case hex with the hash, as a string. ``io.katacontainers.asset_hash_type`` may name the
algorithm, but ``sha512`` is the only one it knows; an empty file is an error too.
runtime-rs has no hash check (its ``*_hash`` annotations are unknown to it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from kata_config import Unreadable
from kata_runtime.annotations.decision import Refused
from kata_runtime.annotations.go_glob import GlobView
from kata_runtime.annotations.table import ASSET_OF_HASH, GO_HASH_TYPE

HASH_OF_ASSET = {asset: hash_ for hash_, asset in ASSET_OF_HASH.items()}
CHUNK = 1 << 20


def check_go_hash(flavour: str, name: str, value: str, annotations: Mapping[str, object],
                  host: GlobView) -> None:
    """Raise Refused when the Go runtime's hash check of asset ``name`` fails."""
    expected = annotations.get(HASH_OF_ASSET.get(name, ""), "")
    if not isinstance(expected, str):
        return
    if flavour != "go" or not value or not expected:
        return
    kind = str(annotations.get(GO_HASH_TYPE, "sha512"))
    if kind != "sha512":
        raise Refused(f"hash type {kind!r} is not supported (only sha512)", "N-7")
    digest = hashlib.sha512()
    size = 0
    try:
        # through HostFiles: inside the host root, regular files only, never blocking (a FIFO
        # or device named by a pod is refused unopened, as the runtime's own read fails)
        if not value.startswith("/"):
            raise Unreadable("is relative")
        for chunk in host.files.chunks(value, CHUNK):
            digest.update(chunk)
            size += len(chunk)
    except Unreadable:
        raise Refused(f"{value} cannot be read to check its hash", "N-7") from None
    if size == 0:
        raise Refused(f"{value} is empty", "N-7")
    if digest.hexdigest() != expected:
        raise Refused(f"the SHA-512 of {value} is not the {HASH_OF_ASSET[name]} given", "N-7")
