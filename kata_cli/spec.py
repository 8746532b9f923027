"""The options of the hot commands (``check``, ``validate``, ``diff``), declared once as data.

Both front ends are built from these declarations: ``options.typer_command`` turns one into a
typer command (help, completion, usage errors), and ``fast.parse`` reads argv with it without
importing typer, which costs about as much as the whole rest of a run (see README, Benchmarks).
A test checks that both accept the same options and give the command the same values.
"""

# No ``from __future__ import annotations`` here: typing.NamedTuple would then check each
# field's annotation string as a ForwardRef, compiling it (the first such compile in a process
# costs ~0.8 ms, then ~50 us a field), on every start of a hot command.
from enum import StrEnum
from pathlib import Path
from typing import Final, NamedTuple


class RuntimeOption(StrEnum):
    """Which Kata runtime a file is for; auto: runtime-rs when [runtime] hypervisor_name is set."""

    go = "go"
    rs = "rs"
    auto = "auto"


class FindingsFormat(StrEnum):
    """``validate`` output formats; the values are the keys of ``render.findings.RENDERERS``."""

    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


class DiffFormat(StrEnum):
    """``diff`` output formats; the values are the keys of ``render.diff.DIFF_RENDERERS``."""

    text = "text"
    json = "json"


class CheckFormat(StrEnum):
    """``check`` output formats; the values are the keys of ``render.check.RENDERERS``."""

    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"
    nfd = "nfd"
    prometheus = "prometheus"


# NamedTuple, not a dataclass: these are read on every start of a hot command, and a frozen
# dataclass costs ~0.5 ms to define against ~0.05 ms.
class Opt(NamedTuple):
    """One option: its flags as typer spells them (``--on/--off`` for a pair), help, value.

    ``value`` is None for a flag (a bool), else what a given string becomes: ``str``, ``Path``,
    ``float`` or a ``StrEnum`` (its values are the choices). ``many``: repeatable, a list.
    """

    dest: str
    flags: tuple[str, ...]
    help: str
    value: type | None = str
    default: object = None
    many: bool = False
    minimum: float | None = None
    show_default: bool = True


class Arg(NamedTuple):
    """A positional argument (``many``: any number of them, a list)."""

    dest: str
    help: str
    value: type = Path
    many: bool = False


class Command(NamedTuple):
    """A command: its name, its help (first line is the summary) and its parameters in order."""

    name: str
    help: str
    params: tuple[Opt | Arg, ...]


ARCH_HELP: Final = (
    "Target architecture: x86_64, aarch64, ppc64le, s390x or riscv64 (amd64 and arm64 are "
    "accepted). Default: this host's (under --root, the snapshot's)."
)

ARCH: Final = Opt("arch", ("--arch",), ARCH_HELP, show_default=False)
AUTO_ARCH: Final = "auto"
"""``validate --arch auto``: each file for its own arch (``kata_config.validate(arch="auto")``)."""
VALIDATE_ARCH: Final = ARCH._replace(help=ARCH_HELP + (
    " auto: per file, the arch its path, QEMU binary or machine type names, else this host's."))
RUNTIME: Final = Opt(
    "runtime", ("--runtime",), "Runtime the file is for: go, rs, or auto (runtime-rs when "
    "[runtime] hypervisor_name is set).", RuntimeOption, RuntimeOption.auto)
QUIET: Final = Opt("quiet", ("--quiet", "-q"),
                   "Print only problems: no notes on stderr, no passing lines.", None, False)
STRICT: Final = Opt("strict", ("--strict",), "Exit 1 on warnings too.", None, False)
KATA_VERSION: Final = Opt(
    "kata_version", ("--kata-version",), "Kata release to check against, as X.Y (3.30): its "
    "keys, values and defaults. Default: the newest release kata-config knows.",
    show_default=False)
SELECT: Final = Opt(
    "select", ("--select",), "Report only these rules (repeatable or comma-separated; see "
    "kata-config explain RULE).", many=True, show_default=False)
IGNORE: Final = Opt(
    "ignore", ("--ignore",), "Never report these rules (repeatable or comma-separated). One "
    "line: a '# kata-config: disable=RULE' comment.", many=True, show_default=False)
RUNTIME_CLASS: Final = Opt(
    "runtime_class", ("--runtime-class",), "Use the file this RuntimeClass handler (kata-qemu) "
    "loads, found in containerd's or CRI-O's configuration as the runtime would.",
    show_default=False)
ROOT: Final = Opt("root", ("--root",), "Host root: / or a snapshot directory; the configuration "
                  "is found (and a PATH read) below it.", default="/")

VALIDATE: Final = Command("validate", (
    "Check configuration files statically: keys, types, values and cross-key rules.\n\n"
    "Exit 0 when there is no error (warnings allowed unless --strict), 1 on errors, 2 on a\n"
    "usage error or unreadable input. Looks at the host only to find the file."
), (
    Arg("paths", "Configuration files, or directories: every configuration*.toml below one is "
        "checked with its config.d/. Default: the file Kata itself would load.", many=True),
    RUNTIME, VALIDATE_ARCH,
    Opt("fmt", ("--format",), "Output format.", FindingsFormat, FindingsFormat.text),
    STRICT, KATA_VERSION, SELECT, IGNORE, QUIET, RUNTIME_CLASS, ROOT,
))

DIFF: Final = Command("diff", (
    "Show the semantic differences of the effective configuration from a baseline.\n\n"
    "A key the file leaves out counts by the value the runtime uses instead; keys the runtime\n"
    "(or --kata-version) does not read are listed apart. The stock baseline is that of\n"
    "--kata-version, else of the release the file's keys point to (the nearest release\n"
    "kata-config holds stock files of). Exit 0 when nothing takes effect\n"
    "differently, 1 when something does, 2 on an error (as diff(1) does); with --quiet only\n"
    "the exit status says which (as diff -q)."
), (
    Arg("path", "Configuration file, or a directory holding configuration.toml and config.d/. "
        "Default: the file Kata itself would load."),
    Opt("against", ("--against",), "Baseline: a stock name (qemu-tdx), a path, or "
        "code-defaults. Default: the best-matching stock file of the same hypervisor, runtime "
        "and arch."),
    ARCH, RUNTIME,
    Opt("fmt", ("--format",), "Output format.", DiffFormat, DiffFormat.text),
    QUIET, RUNTIME_CLASS, ROOT, KATA_VERSION,
))

CHECK: Final = Command("check", (
    "Check host readiness: CPU virtualization, KVM, modules, devices, environment, config.\n\n"
    "Exit 0 when everything passes or only warns (1 with --strict), 1 on any failure, 2 on a\n"
    "usage error. Under --root nothing live is touched unless --live is given."
), (
    Opt("config", ("--config",), "Kata configuration to check against the host. Default: the "
        "one Kata would load from the host root.", Path, show_default=False),
    Opt("root", ("--root",), "Host root: / or a snapshot directory, or the node mounted in a "
        "pod (with --live).", default="/"),
    Opt("live", ("--live",), "Under --root, run the live checks (KVM ioctls, device access) on "
        "ROOT/dev: for a privileged pod that mounts its node at /host. Refused without a real "
        "ROOT/dev/kvm.", None, False),
    ARCH,
    Opt("no_network_checks", ("--no-network-checks", "-n"), "Skip network.release (also when "
        "KATA_CHECK_NO_NETWORK is set, to any value).", None, False),
    Opt("verbose", ("--verbose", "-v"), "Show evidence.", None, False),
    Opt("fmt", ("--format",), "Output format (repeatable, each with its own --output): text, "
        "json, github (workflow annotations), sarif (code scanning; needs a configuration "
        "to anchor findings to), nfd (NFD feature file) or prometheus (node_exporter "
        "textfile).", CheckFormat,
        many=True, show_default=False),
    Opt("output", ("--output", "-o"), "File for the --format in the same position, replaced "
        "atomically ('-': stdout).", Path, many=True, show_default=False),
    Opt("interval", ("--interval",), "Keep running: check again every SECONDS and rewrite the "
        "outputs; SIGTERM ends it (exit 0).", float, minimum=1.0, show_default=False),
    Opt("strict", ("--strict", "-s"), "Exit 1 on warnings too.", None, False),
    Opt("only", ("--only",), "Run only this check id or family (repeatable), e.g. module or "
        "cpu.virtualization.", many=True, show_default=False),
    Opt("list_", ("--list",), "List check ids and exit.", None, False),
    Opt("load_modules", ("--load-modules/--no-load-modules",), "As root on the live host, "
        "modprobe missing modules (and say so).", None, False),
    QUIET,
))
