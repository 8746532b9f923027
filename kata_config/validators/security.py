"""Confidential computing and debug settings of the Go runtime."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from kata_config.findings import Issue, Rule, Severity
from kata_config.model import KataConfig
from kata_config.validators._util import as_int, as_str, is_true

SNP_ID_PAIR = Rule(
    "snp-id-pair", Severity.ERROR, "Go: snp_id_block and snp_id_auth must be set together",
    when="start",
)
HYPERVISOR_LOGLEVEL_CLAMPED = Rule(
    "hypervisor-loglevel-clamped",
    Severity.WARNING,
    "Go silently moves the Cloud Hypervisor hypervisor_loglevel into 1..3",
)

_MONITORS: Final = ("", "hmp", "qmp", "qmp-pretty")


def check_snp_id(cfg: KataConfig) -> Iterator[Issue]:
    """Only one of ``snp_id_block`` / ``snp_id_auth`` for a Go SEV-SNP guest.

    The ID block is only meaningful with its authentication structure; the Go runtime
    fails to start an SNP guest (``confidential_guest`` and ``sev_snp_guest``) that has one
    without the other.

    Fails:
        [hypervisor.qemu]
        confidential_guest = true
        sev_snp_guest = true
        snp_id_block = "AAAA"
        snp_id_auth = ""

    Passes:
        [hypervisor.qemu]
        confidential_guest = true
        sev_snp_guest = true
        snp_id_block = ""
        snp_id_auth = ""
    """
    if cfg.runtime != "go":
        return
    table = cfg.hypervisors.get("qemu", {})
    if not (is_true(table.get("confidential_guest")) and is_true(table.get("sev_snp_guest"))):
        return
    block, auth = as_str(table.get("snp_id_block", "")), as_str(table.get("snp_id_auth", ""))
    if block is None or auth is None or bool(block) == bool(auth):
        return
    have, missing = ("snp_id_block", "snp_id_auth") if block else ("snp_id_auth", "snp_id_block")
    yield Issue(
        f"hypervisor.qemu.{have}",
        f"{have} is set but {missing} is empty: the Go runtime fails to start the SNP guest; "
        "set both or neither",
    )


def check_hypervisor_loglevel(cfg: KataConfig) -> Iterator[Issue]:
    """``hypervisor_loglevel`` of 0 or above 3 for Go Cloud Hypervisor.

    The Go runtime uses 1 for 0 and 3 for anything larger, without a message.

    Fails:
        [hypervisor.clh]
        hypervisor_loglevel = 5

    Passes:
        [hypervisor.clh]
        hypervisor_loglevel = 3
    """
    if cfg.runtime != "go":
        return
    level = as_int(cfg.hypervisors.get("clh", {}).get("hypervisor_loglevel"))
    if level is not None and (level == 0 or level > 3):
        becomes = 1 if level == 0 else 3
        yield Issue(
            "hypervisor.clh.hypervisor_loglevel",
            f"hypervisor_loglevel ({level}) is silently replaced by {becomes}; set 1, 2 or 3",
        )


CHECKS: Final = (
    (SNP_ID_PAIR, check_snp_id),
    (HYPERVISOR_LOGLEVEL_CLAMPED, check_hypervisor_loglevel),
)
