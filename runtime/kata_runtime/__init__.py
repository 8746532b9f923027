"""kata_runtime: the bundled runtime's view of a Kata configuration.

A consumer of ``kata_config``'s public API like any outside program: it imports only the
names in ``kata_config.__all__``. Nothing in ``kata_config`` imports this package.
"""

from __future__ import annotations

__all__: list[str] = []
