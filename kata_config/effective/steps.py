"""Which normalisation table each runtime applies."""

from __future__ import annotations

from kata_config.effective import steps_go, steps_rs
from kata_config.effective.normalise import Step
from kata_config.effective.origin import Flavour


def steps_for(flavour: Flavour) -> tuple[Step, ...]:
    """The ordered load-time normalisation steps of ``flavour``."""
    return steps_go.STEPS if flavour == "go" else steps_rs.STEPS
