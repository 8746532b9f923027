"""``release_guess.fits`` (does one release read every key?) agrees with the full guess.

diff asks only whether the newest release reads the whole file, which in the common case
settles its baseline; ``fits`` answers that without trying every release.
"""

from __future__ import annotations

import pytest

from kata_config.keys import Runtime
from kata_config.keys.history import RELEASES
from kata_config.release_guess import fits, releases_of
from tests.corpus import parsed_configs

DATAS = parsed_configs()


@pytest.mark.parametrize("runtime", ["go", "rs"])
def test_fits_is_membership_in_the_fitting_releases(runtime: Runtime) -> None:
    assert len(DATAS) > 50
    for data in DATAS:
        fitting = releases_of(data, runtime)
        for release in (*RELEASES[runtime], "0.1"):
            assert fits(data, runtime, release) == (release in fitting)
