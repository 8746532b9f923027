"""Confidential-guest pieces of a QEMU plan: CPU model, protection object, firmware (§1.8).

Which technology is used is the host's answer (``QemuState.tee``), not the file's.
"""

from __future__ import annotations

import json
from typing import Final

from kata_runtime.plan.model import RUNTIME_STATE, Arg
from kata_runtime.plan.qemu_state import QemuState, hv

GUEST_SUPPORT: Final = {
    "tdx": "tdx", "sev": "sev", "snp": "snp", "se": "pv0", "pef": "pef0", "cca": "rme0",
}
CBITPOS: Final = 51
"""The C-bit position the runtime reads from CPUID 0x8000001F; 51 on current EPYC parts."""
QGS_SOCKET: Final = "/var/run/tdx-qgs/qgs.socket"


def cpu(st: QemuState) -> Arg:
    """``-cpu``: the host model (EPYC-v4 for SNP) plus ``cpu_features``, comma always added."""
    model = "EPYC-v4" if st.tee == "snp" else "host"
    keys = hv("cpu_features") + (hv("confidential_guest", "sev_snp_guest") if st.tee else ())
    return Arg("-cpu", f"{model},{st.eff.hypervisor.cpu_features}", keys,
               "the runtime appends ',' + cpu_features even when they are empty")


def _tdx(st: QemuState) -> list[Arg]:
    h = st.eff.hypervisor
    port = h.tdx_quote_generation_service_socket_port
    address: dict[str, str]
    if port:
        address = {"type": "vsock", "cid": "2", "port": str(port)}
    elif st.ctx.exists(QGS_SOCKET):
        address = {"type": "unix", "path": QGS_SOCKET}
    else:
        address = {"type": "vsock", "cid": "2", "port": "4050"}
    body: dict[str, object] = {"qom-type": "tdx-guest", "id": "tdx"}
    if st.eff.flavour == "rs":
        # runtime-rs always disables EPT-violation #VE conversion (Linux TD guests need it)
        body["sept-ve-disable"] = True
    body["quote-generation-socket"] = address
    return [Arg("-object", json.dumps(body, separators=(",", ":")),
                hv("confidential_guest", "tdx_quote_generation_service_socket_port"),
                "TDX chosen because the host offers it")]


def _sev(st: QemuState, snp: bool) -> list[Arg]:
    h = st.eff.hypervisor
    keys = hv("confidential_guest", "sev_snp_guest")
    rs = st.eff.flavour == "rs"
    if not snp:
        sev = Arg("-object", f"sev-guest,id=sev,cbitpos={CBITPOS},reduced-phys-bits=1", keys,
                  RUNTIME_STATE + " (cbitpos from host CPUID)")
        if rs:  # runtime-rs boots SEV firmware with -bios, right after the object
            return [sev]
        return [sev, Arg("-drive", f"if=pflash,format=raw,readonly=on,file={h.firmware}",
                         hv("firmware"), "SEV boots its firmware from a pflash drive, not -bios")]
    parts = ["sev-snp-guest", "id=snp", f"cbitpos={CBITPOS}", "reduced-phys-bits=1",
             "kernel-hashes=on"]
    if rs:  # runtime-rs: policy always, in hex; no id-block/id-auth
        parts.append(f"policy={h.snp_guest_policy:#x}")
        return [Arg("-object", ",".join(parts), (*keys, *hv("snp_guest_policy")),
                    RUNTIME_STATE + " (cbitpos from host CPUID)")]
    if h.snp_id_block and h.snp_id_auth:
        parts += [f"id-block={h.snp_id_block}", f"id-auth={h.snp_id_auth}"]
        keys += hv("snp_id_block", "snp_id_auth")
    elif h.snp_id_block or h.snp_id_auth:
        st.warnings.append("snp_id_block and snp_id_auth must be set together: the runtime "
                           "refuses to create the VM")
    if h.snp_guest_policy:
        parts.append(f"policy={h.snp_guest_policy}")
        keys += hv("snp_guest_policy")
    return [Arg("-object", ",".join(parts), keys, RUNTIME_STATE + " (cbitpos from host CPUID)")]


def objects(st: QemuState) -> list[Arg]:
    """The protection object(s), at their place in the device list."""
    h = st.eff.hypervisor
    if not st.tee:
        return []
    if st.tee in ("tdx", "sev", "snp", "cca") and not h.firmware:
        st.warnings.append(f"confidential_guest with {st.tee.upper()} needs firmware: the "
                           "runtime drops the protection object when firmware is empty")
        return []
    if st.tee == "tdx":
        return _tdx(st)
    if st.tee in ("sev", "snp"):
        return _sev(st, st.tee == "snp")
    if st.tee == "se":
        return [Arg("-object", "s390-pv-guest,id=pv0", hv("confidential_guest"))]
    if st.tee == "pef":
        return [Arg("-device", "spapr-tpm-proxy,id=tpm0,host-path=/dev/tpmrm0",
                    hv("confidential_guest")),
                Arg("-object", "pef-guest,id=pef0", hv("confidential_guest"))]
    algo = h.measurement_algo or "sha512"
    return [Arg("-object", f"rme-guest,id=rme0,measurement-algorithm={algo}",
                hv("confidential_guest", "measurement_algo"))]


def bios(st: QemuState) -> list[Arg]:
    """``-bios``: the firmware, except for SEV (pflash) and s390x SE (none)."""
    firmware = st.eff.hypervisor.firmware
    if not firmware or st.tee in ("sev", "se"):
        return []
    return [Arg("-bios", firmware, hv("firmware"))]
