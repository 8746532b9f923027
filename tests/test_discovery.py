"""Discovery precedence and drop-ins, one test per rule of validation-rules.md §1 (L1-L9, D1-D7)."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Final

import pytest

from kata_config import Discovery, LoadError, discover, load, validate
from tests.nodetree import GO_QEMU, RS_QEMU, build, containerd_handler

ETC: Final = "/etc/kata-containers/configuration.toml"
USR: Final = "/usr/share/defaults/kata-containers/configuration.toml"
OPT: Final = "/opt/kata/share/defaults/kata-containers/configuration.toml"
RS_ETC: Final = "/etc/kata-containers/runtime-rs/configuration.toml"
RS_USR: Final = "/usr/share/defaults/kata-containers/runtime-rs/configuration.toml"
RS_OPT: Final = "/opt/kata/share/defaults/kata-containers/runtime-rs/configuration.toml"
CUSTOM: Final = "/srv/kata/custom.toml"
SHIM: Final = "/usr/bin/containerd-shim-kata-v2"
RS_SHIM: Final = "/opt/kata/runtime-rs/bin/containerd-shim-kata-v2"


def _node(tmp_path: Path, files: tuple[str, ...], handler: str | None = None,
          shim: str = SHIM) -> Path:
    """Config files at ``files`` (runtime-rs ones with rs selectors), a shim, and optionally
    containerd's config with handler ``kata`` pointing at ``handler``."""
    tree = {p: RS_QEMU if "runtime-rs" in p else GO_QEMU for p in files}
    tree[shim] = ""
    if handler is not None:
        tree["/etc/containerd/config.toml"] = "version = 2\n" + containerd_handler(
            "kata", handler, runtime_path=shim)
    return build(tmp_path, tree)


def _reason(found: Discovery, path: str) -> str:
    return next(c.reason for c in found.candidates if c.path == path)


def test_l1_go_shim_takes_configpath_before_kata_conf_file(tmp_path: Path) -> None:
    root = _node(tmp_path, (CUSTOM, ETC), handler=CUSTOM)
    found = discover(root=root, runtime_class="kata", env={"KATA_CONF_FILE": ETC})
    assert (found.path, found.flavour) == (CUSTOM, "go")
    sources = [c.source for c in found.candidates if c.source != "containerd"]
    assert sources[:2] == ["containerd:/etc/containerd/config.toml", "KATA_CONF_FILE"]
    env = next(c for c in found.candidates if c.source == "KATA_CONF_FILE")
    assert not env.used
    assert "the Go shim takes the handler's ConfigPath before KATA_CONF_FILE" in env.reason


def test_l1_without_configpath_kata_conf_file_then_built_in(tmp_path: Path) -> None:
    root = _node(tmp_path, (ETC, USR))
    build(root, {"/etc/containerd/config.toml": containerd_handler("kata", runtime_path=SHIM)})
    with_env = discover(root=root, runtime_class="kata", env={"KATA_CONF_FILE": USR})
    assert (with_env.path, with_env.candidates[1].source) == (USR, "KATA_CONF_FILE")
    without = discover(root=root, runtime_class="kata", env={})
    assert (without.path, without.resolved) == (ETC, ETC)


def test_l2_kata_conf_file_must_be_a_shipped_file(tmp_path: Path) -> None:
    root = _node(tmp_path, (CUSTOM, ETC))
    refused = discover(root=root, env={"KATA_CONF_FILE": CUSTOM})
    assert refused.path is None
    assert "not one of the shipped configuration files" in (refused.error or "")
    assert all(not c.used for c in refused.candidates)
    # the check compares resolved files: a link to the file configuration.toml is, is accepted
    build(root, {}, links={"/srv/kata/link.toml": ETC})
    assert discover(root=root, env={"KATA_CONF_FILE": "/srv/kata/link.toml"}).resolved == ETC
    # ConfigPath from the container engine has no such restriction
    build(root, {"/etc/containerd/config.toml": containerd_handler("kata", CUSTOM)})
    assert discover(root=root, runtime_class="kata", env={}).path == CUSTOM


def test_l3_etc_before_usr_share_and_nothing_is_an_error(tmp_path: Path) -> None:
    root = _node(tmp_path, (ETC, USR))
    found = discover(root=root, env={})
    assert (found.path, found.flavour) == (ETC, "go")
    assert "comes first" in _reason(found, USR)
    (root / ETC.lstrip("/")).unlink()
    assert discover(root=root, env={}).path == USR
    (root / USR.lstrip("/")).unlink()
    empty = discover(root=root, env={})
    assert empty.path is None
    assert "Cannot find usable config file" in (empty.error or "")


def test_l3_a_kata_deploy_build_looks_in_opt_kata_not_usr_share(tmp_path: Path) -> None:
    root = _node(tmp_path, (USR, OPT), shim="/opt/kata/bin/containerd-shim-kata-v2")
    build(root, {"/etc/containerd/config.toml": containerd_handler(
        "kata", runtime_path="/opt/kata/bin/containerd-shim-kata-v2")})
    found = discover(root=root, runtime_class="kata", env={})
    assert found.path == OPT
    assert USR not in [c.path for c in found.candidates]
    assert "PREFIX=/opt/kata" in _reason(found, OPT)


def test_l4_explicit_path_is_used_whatever_kata_conf_file_says(tmp_path: Path) -> None:
    root = _node(tmp_path, (CUSTOM, ETC))
    found = discover(root=root, path=CUSTOM, env={"KATA_CONF_FILE": "/nowhere"})
    assert (found.path, found.resolved, found.error) == (CUSTOM, CUSTOM, None)
    assert [c.source for c in found.candidates] == ["explicit"]


def test_l5_explicit_path_must_exist_and_is_read_resolved(tmp_path: Path) -> None:
    root = _node(tmp_path, (CUSTOM,))
    build(root, {}, links={"/etc/kata.toml": CUSTOM})
    assert discover(root=root, path="/etc/kata.toml").resolved == CUSTOM
    missing = discover(root=root, path="/etc/missing.toml")
    assert (missing.resolved, missing.candidates[0].used) == (None, False)
    assert "must resolve" in (missing.error or "")


def test_l6_runtime_rs_takes_kata_conf_file_before_configpath(tmp_path: Path) -> None:
    root = _node(tmp_path, (RS_ETC, "/srv/kata/runtime-rs/x.toml"),
                 handler="/srv/kata/runtime-rs/x.toml", shim=RS_SHIM)
    found = discover(root=root, runtime_class="kata", env={"KATA_CONF_FILE": RS_ETC})
    assert (found.path, found.flavour) == (RS_ETC, "rs")
    assert "runtime-rs takes KATA_CONF_FILE before" in _reason(found, "/srv/kata/runtime-rs/x.toml")
    # set but empty is still "set" for runtime-rs, and refused; the Go shim ignores it
    empty = discover(root=root, runtime_class="kata", env={"KATA_CONF_FILE": ""})
    assert empty.path is None
    assert "empty" in (empty.error or "")
    assert discover(root=root, runtime_class="kata", runtime="go",
                    env={"KATA_CONF_FILE": ""}).path == "/srv/kata/runtime-rs/x.toml"


def test_l6_runtime_rs_refuses_an_unshipped_kata_conf_file(tmp_path: Path) -> None:
    root = _node(tmp_path, (RS_ETC, ETC))
    found = discover(root=root, runtime="rs", env={"KATA_CONF_FILE": ETC})
    assert found.path is None
    assert "not one of the shipped" in (found.error or "")


def test_l7_runtime_rs_list_order_and_error(tmp_path: Path) -> None:
    root = _node(tmp_path, (RS_USR, RS_OPT, ETC))
    found = discover(root=root, runtime="rs", env={})
    assert (found.path, found.flavour) == (RS_USR, "rs")
    assert [c.path for c in found.candidates] == [RS_ETC, RS_USR, RS_OPT]
    assert ETC not in [c.path for c in found.candidates]
    for path in (RS_USR, RS_OPT):
        (root / path.lstrip("/")).unlink()
    assert discover(root=root, runtime="rs", env={}).error is not None


def test_l7_auto_falls_back_to_the_runtime_rs_list(tmp_path: Path) -> None:
    found = discover(root=_node(tmp_path, (RS_OPT,)), env={})
    assert (found.path, found.flavour) == (RS_OPT, "rs")


def test_l8_runtime_rs_explicit_path_is_canonicalised(tmp_path: Path) -> None:
    root = _node(tmp_path, ("/srv/rs/configuration.toml",))
    build(root, {}, links={"/srv/link": "/srv/rs"})
    found = discover(root=root, runtime="rs", path="/srv/link/../rs/configuration.toml")
    assert found.resolved == "/srv/rs/configuration.toml"
    assert discover(root=root, path="/srv/link").resolved == "/srv/rs/configuration.toml"


def test_l9_no_annotation_chooses_the_file() -> None:
    """Since 4.0 neither runtime reads io.katacontainers.config_path (3.x put it first), so
    discovery takes no pod annotations: only the engine's handler, the env and the lists."""
    assert set(inspect.signature(discover).parameters) == {
        "runtime", "root", "runtime_class", "env", "path"}


def test_d1_dropins_sit_beside_the_resolved_file_in_name_order(tmp_path: Path) -> None:
    target = "/opt/kata/share/defaults/kata-containers/configuration-qemu.toml"
    root = build(tmp_path, {target: GO_QEMU, "/opt/kata/share/defaults/kata-containers/"
                            "config.d/20-b.toml": "", "/opt/kata/share/defaults/kata-containers/"
                            "config.d/10-a.toml": "", "/etc/kata-containers/config.d/x.toml": ""},
                 links={ETC: target})
    found = discover(root=root, env={})
    assert (found.path, found.resolved) == (ETC, target)
    base = "/opt/kata/share/defaults/kata-containers/config.d/"
    assert found.dropins == (base + "10-a.toml", base + "20-b.toml")
    assert found.files == (target, *found.dropins)


def test_d5_d6_every_entry_counts_and_rs_symlinks_are_flagged(tmp_path: Path) -> None:
    base = "/etc/kata-containers/runtime-rs/config.d/"
    root = build(tmp_path, {RS_ETC: RS_QEMU, base + "b-no-suffix": "", base + "c/x.toml": "",
                            "/srv/real.toml": ""}, links={base + "a.toml": "/srv/real.toml"})
    found = discover(root=root, runtime="rs", env={})
    assert found.dropins == (base + "a.toml", base + "b-no-suffix", base + "c")
    assert "runtime-rs most likely refuses" in _reason(found, base + "a.toml")
    assert "a directory" in _reason(found, base + "c")
    go = discover(root=root, runtime="rs", path=RS_ETC)
    assert go.dropins == found.dropins
    assert "refuses" not in _reason(discover(root=root, runtime="go", path=RS_ETC),
                                     base + "a.toml")


def _with_dropins(tmp_path: Path, dropins: dict[str, str]) -> Path:
    main = GO_QEMU.replace("[hypervisor.qemu]\n", '[hypervisor.qemu]\nkernel = "/k"\n'
                           'image = "/i"\nenable_annotations = ["a", "b"]\n')
    return build(tmp_path, {ETC: main, **{f"/etc/kata-containers/config.d/{name}": text
                                          for name, text in dropins.items()}})


def test_d2_every_entry_is_read_and_one_that_cannot_be_refuses_the_load(tmp_path: Path) -> None:
    root = _with_dropins(tmp_path, {"10-no-suffix": "[hypervisor.qemu]\ndefault_memory = 4096\n"})
    eff = load(ETC, root=root, arch="x86_64", runtime="go")
    assert eff.hypervisor.default_memory == 4096  # no name filter
    (root / "etc/kata-containers/config.d/20-dir").mkdir()
    with pytest.raises(LoadError) as caught:
        load(ETC, root=root, arch="x86_64", runtime="go")
    assert caught.value.findings[0].rule_id == "dropin-not-file"


def test_d3_a_dropin_overrides_only_its_keys_and_replaces_arrays(tmp_path: Path) -> None:
    root = _with_dropins(tmp_path, {
        "10-a.toml": '[hypervisor.qemu]\nenable_annotations = ["c"]\n',
        "20-b.toml": "[hypervisor.qemu]\ndefault_memory = 3000\n"})
    eff = load(ETC, root=root, arch="x86_64", runtime="go")
    hv = eff.hypervisor
    assert (hv.enable_annotations, hv.default_memory, hv.kernel) == (("c",), 3000, "/k")
    assert eff.origin("hypervisor.default_memory").path == "/etc/kata-containers/config.d/20-b.toml"


def test_d4_an_unknown_key_in_a_dropin_is_reported(tmp_path: Path) -> None:
    root = _with_dropins(tmp_path, {"10-typo.toml": "[hypervisor.qemu]\ndefualt_memory = 4096\n"})
    eff = load(ETC, root=root, arch="x86_64", runtime="go")
    assert eff.hypervisor.default_memory == 2048  # ignored, the built-in value stays
    report = validate([ETC], root=str(root), runtime="go", arch="x86_64")
    typo = [f for f in report.findings if f.rule_id == "unknown-key"]
    assert [(str(f.location.path), f.location.line) for f in typo] == [(
        "/etc/kata-containers/config.d/10-typo.toml", 2)]  # named as the host names it
    assert "default_memory" in typo[0].message


@pytest.mark.parametrize("runtime", ["go", "rs"])
def test_d7_a_dropin_with_a_syntax_error_refuses_the_load(tmp_path: Path, runtime: str) -> None:
    main = RS_QEMU if runtime == "rs" else GO_QEMU
    path = RS_ETC if runtime == "rs" else ETC
    root = build(tmp_path, {path: main, path.replace("configuration.toml", "config.d/10.toml"):
                            "[hypervisor.qemu\n"})
    with pytest.raises(LoadError) as caught:
        load(path, root=root, arch="x86_64", runtime=runtime)  # type: ignore[arg-type]
    assert caught.value.findings[0].rule_id == "toml-syntax"
    assert "config.d/10.toml" in str(caught.value)
