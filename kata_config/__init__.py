"""kata-config: validate Kata Containers configuration and check host readiness."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
