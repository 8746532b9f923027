"""Annotation values read as each runtime reads them: Go's ``strconv`` and Rust's ``str::parse``.

Every annotation value is a string; the runtimes convert it to the key's type with their own
standard parsers, which accept different spellings: Go's ``ParseBool`` takes ``1``, ``t``,
``TRUE`` ..., Rust only ``true``/``false``; Go's ``ParseFloat`` takes hex floats and digit
separators, Rust's does not; runtime-rs trims surrounding whitespace first, Go does not.
Each parser returns the value or raises ValueError with a one-line reason.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Final

U32_MAX: Final = 2**32 - 1
U64_MAX: Final = 2**64 - 1
F32_MAX: Final = 3.4028234663852886e38

_GO_TRUE: Final = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_GO_FALSE: Final = frozenset({"0", "f", "F", "FALSE", "false", "False"})
_GO_DEC: Final = re.compile(r"[+-]?(\d(_?\d)*)?(\.(\d(_?\d)*)?)?([eE][+-]?\d(_?\d)*)?\Z")
_GO_HEX: Final = re.compile(
    r"[+-]?0[xX](_?[0-9a-fA-F])*(\.([0-9a-fA-F](_?[0-9a-fA-F])*)?)?[pP][+-]?\d(_?\d)*\Z")
_GO_SPECIAL: Final = re.compile(r"[+-]?(inf|infinity|nan)\Z", re.IGNORECASE)
_RS_FLOAT: Final = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\Z")
_RS_SPECIAL: Final = re.compile(r"[+-]?(inf|infinity|nan)\Z", re.IGNORECASE)


def go_bool(text: str) -> bool:
    """Go ``strconv.ParseBool``."""
    if text in _GO_TRUE:
        return True
    if text in _GO_FALSE:
        return False
    raise ValueError(f"{text!r} is not a Go boolean (true/false, 1/0, t/f, TRUE/FALSE)")


def go_uint(text: str) -> int:
    """Go ``strconv.ParseUint(text, 10, 64)``: ASCII digits only, no sign, below 2**64."""
    if not text or not text.isascii() or not text.isdigit():
        raise ValueError(f"{text!r} is not an unsigned decimal integer")
    value = int(text)
    if value > U64_MAX:
        raise ValueError(f"{text!r} is out of range for a 64-bit unsigned integer")
    return value


def go_float32(text: str) -> float:
    """Go ``strconv.ParseFloat(text, 32)`` as the runtime checks it: not negative, finite."""
    if _GO_SPECIAL.match(text):
        value = float(text.lower().replace("infinity", "inf"))
    elif _GO_HEX.match(text) and any(c in "0123456789abcdefABCDEF" for c in _mantissa(text)):
        value = float.fromhex(text.replace("_", ""))
    elif _GO_DEC.match(text) and any(c.isdigit() for c in _mantissa(text)):
        value = float(text)  # Python, like Go, takes _ only between digits
    else:
        raise ValueError(f"{text!r} is not a number")
    if value < 0:
        raise ValueError(f"{text!r} is negative")
    if value > F32_MAX:
        raise ValueError(f"{text!r} exceeds the largest 32-bit float")
    return value


def _mantissa(text: str) -> str:
    body = text.lstrip("+-")
    if body[:2].lower() == "0x":
        return body[2:].lower().split("p")[0]
    return body.lower().split("e")[0]


def rs_bool(text: str) -> bool:
    """Rust ``bool::from_str`` after runtime-rs trims the value: exactly true or false."""
    trimmed = text.strip()
    if trimmed in ("true", "false"):
        return trimmed == "true"
    raise ValueError(f"{text!r} is not a Rust boolean (only true or false)")


def rs_uint(text: str, bits: int) -> int:
    """Rust ``u32``/``u64`` ``from_str`` after trimming: optional +, ASCII digits."""
    trimmed = text.strip()
    digits = trimmed[1:] if trimmed.startswith("+") else trimmed
    if not digits or not digits.isascii() or not digits.isdigit():
        raise ValueError(f"{text!r} is not an unsigned integer")
    value = int(digits)
    if value >= 2**bits:
        raise ValueError(f"{text!r} is out of range for a {bits}-bit unsigned integer")
    return value


def rs_float32(text: str) -> float:
    """Rust ``f32::from_str`` after trimming (no hex, no separators; inf and nan accepted)."""
    trimmed = text.strip()
    if _RS_SPECIAL.match(trimmed):
        return float(trimmed.lower().replace("infinity", "inf"))
    if not _RS_FLOAT.match(trimmed):
        raise ValueError(f"{text!r} is not a number")
    value = float(trimmed)
    return math.copysign(math.inf, value) if abs(value) > F32_MAX else value


_SIZE: Final = re.compile(r"([0-9]+(?:\.[0-9]+)?) *([A-Za-z]*)")
_PREFIX: Final = {"": 0, "K": 1, "M": 2, "G": 3, "T": 4, "P": 5, "E": 6}


def _unit_factor(unit: str) -> Decimal | None:
    """Bytes per unit as byte_unit reads it with case ignored; None when it refuses the unit."""
    if not unit:
        return Decimal(1)
    prefix = unit[0].upper()
    rest = unit[1:] if prefix in _PREFIX else unit
    if prefix not in _PREFIX and prefix != "B":
        return None
    prefix = "" if prefix == "B" else prefix
    binary = bool(prefix) and rest[:1] in ("i", "I")
    rest = rest[binary:]
    if prefix and rest[:1] in ("b", "B"):
        rest = rest[1:]
    elif prefix and rest:
        return None
    if rest.lower() not in ("", "it", "its"):
        return None
    bits = rest.lower() in ("it", "its")  # "Mbit", "bits": bits, not bytes
    base = Decimal(1024 if binary else 1000) ** _PREFIX[prefix]
    return base / 8 if bits else base


def rs_memory_mib(text: str, *, bare_is_mib: bool) -> int | None:
    """runtime-rs ``default_memory``: a size with an optional unit, in whole MiB.

    ``byte_unit`` reads ``2 GiB``, ``2048MiB``, ``1.5g``, ``4Gbit``... with the case of the
    unit ignored (``b`` is bytes; ``bit`` is bits); ``i`` makes a prefix binary, otherwise it
    is decimal; only spaces may separate number and unit. A bare number is bytes in 3.30 and
    3.31 (so ``2048`` is 0 MiB) and MiB from 3.32 (``bare_is_mib``). The MiB value is
    truncated and saturates at 2**32-1. An unparsable value is ignored: None.
    """
    found = _SIZE.fullmatch(text.strip())
    factor = _unit_factor(found.group(2)) if found else None
    if found is None or factor is None:
        return None
    number = Decimal(found.group(1))
    if bare_is_mib and found.group(1).isdigit() and not found.group(2):
        return min(int(number), U32_MAX)
    return min(int(number * factor / (1024 * 1024)), U32_MAX)
