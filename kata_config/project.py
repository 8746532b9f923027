"""Where kata-config lives: its source repository and its container image, each spelt once.

Both are placeholders until the project has a public home. Python code derives every URL it
needs from these two names; files that cannot import them (pyproject.toml, docs/, deploy/,
.pre-commit-hooks.yaml) spell them out, and tests/test_project_home.py fails when any of those
spells them differently, so moving the project is an edit here plus the replacements that test
lists.
"""

from __future__ import annotations

from typing import Final

REPOSITORY: Final = "kata-config/kata-config"
"""The GitHub repository (owner/name) of the source, the issues and the pre-commit hook."""
IMAGE: Final = "ghcr.io/kata-config/kata-config"
"""The container image deploy/Containerfile builds and deploy/daemonset.yaml runs."""

REPOSITORY_URL: Final = f"https://github.com/{REPOSITORY}"
RAW_URL: Final = f"https://raw.githubusercontent.com/{REPOSITORY}/main"
"""Files of the main branch as served raw (the schema's stable ``$id``)."""
RULES_URL: Final = f"{REPOSITORY_URL}/blob/main/docs/rules.md"
"""Where every rule is documented; ``#<rule-id>`` is its section (GitHub's heading anchors)."""
