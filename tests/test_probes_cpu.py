"""The pure cpuinfo parser and its helpers, over inline strings."""

from __future__ import annotations

import pytest

from kata_config.arch import ARCHES
from kata_config.probes.cpu import arm_cpu_name
from kata_config.probes.cpuinfo import parse_cpuinfo, power_generation
from kata_config.probes.target import infer_arch


@pytest.mark.parametrize(
    ("cpu", "generation"),
    [
        ("POWER7 (architected), altivec supported", 7),
        ("POWER8E (raw), altivec supported", 8),
        ("POWER8NVL (raw), altivec supported", 8),
        ("POWER9, altivec supported", 9),
        ("POWER10, altivec supported", 10),
        ("POWER11 (architected)", 11),
        ("POWER12 (raw)", 12),
        ("PPC970MP, altivec supported", None),
        ("", None),
    ],
    ids=["p7", "p8e", "p8nvl", "p9", "p10", "p11", "p12-future", "ppc970", "empty"],
)
def test_power_generation_takes_every_digit(cpu: str, generation: int | None) -> None:
    assert power_generation(cpu) == generation


@pytest.mark.parametrize(
    ("implementer", "part", "name"),
    [
        ("0x41", "0xd0c", "ARM Neoverse N1"),
        ("0x41", "0xd40", "ARM Neoverse V1"),
        ("0x41", "0xd4f", "ARM Neoverse V2"),
        ("0x41", "0xd49", "ARM Neoverse N2"),
        ("0x41", "0xd03", "ARM Cortex-A53"),
        ("0x48", "0xd01", "HiSilicon Kunpeng 920 (TaiShan v110)"),
        ("0x43", "0x0a1", "Cavium ThunderX"),
        ("0x46", "0x001", "Fujitsu A64FX"),
        ("0x61", "0x022", "Apple M1 Icestorm"),
        ("0xc0", "0xac3", "Ampere AmpereOne"),
        ("0x4e", "0x000", "NVIDIA Denver"),
        ("0x51", "0x801", "Qualcomm Kryo 2xx Silver"),
        ("0x41", "0xfff", "ARM part 0xfff"),
        ("0x99", "0x001", "implementer 0x99 part 0x001"),
        ("junk", "", "unknown CPU (implementer junk, part ?)"),
    ],
)
def test_arm_cpu_names(implementer: str, part: str, name: str) -> None:
    assert arm_cpu_name(ARCHES["aarch64"], implementer, part) == name


def test_x86_first_block_flags_and_count() -> None:
    text = ("processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu svm lm\n\n"
            "processor\t: 1\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu\n")
    info = parse_cpuinfo(text)
    assert info.get("vendor_id") == "AuthenticAMD"
    assert info.flags == {"fpu", "svm", "lm"}
    assert info.processors == 2


def test_ppc_trailer_gives_platform() -> None:
    text = ("processor\t: 0\ncpu\t\t: POWER9, altivec supported\n\n"
            "timebase\t: 512000000\nplatform\t: PowerNV\nmachine\t\t: PowerNV 8335-GTW\n")
    info = parse_cpuinfo(text)
    assert info.platform["platform"] == "PowerNV"
    assert info.get("cpu").startswith("POWER9")


def test_s390_global_block_version_and_count() -> None:
    text = ("vendor_id       : IBM/S390\n# processors    : 2\nfeatures\t: esan3 zarch sie\n"
            "processor 0: version = FF,  identification = 0133E8,  machine = 2097\n")
    info = parse_cpuinfo(text)
    assert info.s390_version == "FF"
    assert info.processors == 2
    assert "sie" in info.flags


@pytest.mark.parametrize("text", ["", "\n\n\n", "garbage without colons", "\x00\x01"],
                         ids=["empty", "blank", "no-colon", "binary"])
def test_junk_gives_empty_info(text: str) -> None:
    assert parse_cpuinfo(text).fields == {}


@pytest.mark.parametrize(
    ("text", "arch"),
    [
        ("vendor_id : IBM/S390\n", "s390x"),
        ("processor : 0\nCPU implementer : 0x41\n", "aarch64"),
        ("processor : 0\ncpu : POWER10\n", "ppc64le"),
        ("processor : 0\nvendor_id : GenuineIntel\nflags : fpu\n", "x86_64"),
        ("processor : 0\n", None),
    ],
    ids=["s390x", "aarch64", "ppc64le", "x86_64", "ambiguous"],
)
def test_infer_arch(text: str, arch: str | None) -> None:
    assert infer_arch(parse_cpuinfo(text)) == arch
