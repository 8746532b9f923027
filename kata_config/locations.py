"""Where Kata looks for its configuration, in its own order (a data module, cheap to import)."""

from __future__ import annotations

from typing import Final

GO_CONFIG_PATHS: Final = (
    "/etc/kata-containers/configuration.toml",
    "/usr/share/defaults/kata-containers/configuration.toml",
    "/opt/kata/share/defaults/kata-containers/configuration.toml",  # kata-deploy's PREFIX
)
"""The Go runtime's built-in list; the first that exists wins."""

RS_CONFIG_PATHS: Final = (
    "/etc/kata-containers/runtime-rs/configuration.toml",
    "/usr/share/defaults/kata-containers/runtime-rs/configuration.toml",
    "/opt/kata/share/defaults/kata-containers/runtime-rs/configuration.toml",
)
"""runtime-rs's built-in list (hard-coded in the library, not from the Makefile)."""
