"""Behaviour unchanged: every machine-independent verdict equals the recorded one.

Runs the command line over the upstream corpus, the stock files, the rule fixtures and the
fixture hosts (tests/verdicts.py, ``STABLE`` commands) and compares a digest of each case's
exit code, stdout and stderr with tests/golden/verdicts.json. A refactoring must leave them
all as they are; an intended change rewrites the file (``python tests/verdicts.py golden``)
and says which verdicts changed and why.
"""

from __future__ import annotations

import json

from tests import verdicts
from tests.corpus import CORPUS
from tests.needs import need


def test_verdicts_are_the_recorded_ones() -> None:
    need(CORPUS.is_dir(), "the shared corpus (../shared)")
    recorded: dict[str, str] = json.loads(verdicts.GOLDEN.read_text(encoding="utf-8"))
    now = verdicts.digests()
    changed = sorted(name for name in recorded.keys() | now.keys()
                     if recorded.get(name) != now.get(name))
    assert changed == [], (
        f"{len(changed)} of {len(now)} verdicts changed; see them with "
        "`python tests/verdicts.py compare` against a record of main, and if intended run "
        "`python tests/verdicts.py golden`")
