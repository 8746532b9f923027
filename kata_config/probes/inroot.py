"""Open paths below a host root as ``chroot`` would: no symlink and no ``..`` leads out.

Two resolvers give the same answer. Where the kernel has ``openat2(2)`` (Linux 5.6+) it does
the work with ``RESOLVE_IN_ROOT`` (absolute symlink targets restart at the root, ``..`` stops
there) and ``RESOLVE_NO_MAGICLINKS`` (``/proc/<pid>/root``, ``cwd``, ``fd/*``, ``exe`` are
refused: they point wherever that process is, never into our root). Elsewhere, or when
``KATA_CONFIG_RESOLVE=walk``, ``_walk`` does the same by hand, one component at a time with
``O_PATH|O_NOFOLLOW``, reading each link's text with ``readlinkat`` (so a magic link is never
followed either: its text is re-anchored at the root like any absolute link).

Reads open the final object twice: first ``O_PATH`` (no side effect, even on a device) to
check its type and size, then for reading with ``O_NONBLOCK|O_NOCTTY`` (a FIFO swapped in
meanwhile cannot block) and the same inode is required. Only regular files are read.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import ctypes

MAX_HOPS: Final = 40
"""Symbolic links followed per path, as Linux's own MAXSYMLINKS."""
MAX_PATH: Final = 4096
"""Longest path (and most pending components) accepted, as Linux's PATH_MAX."""
_CHUNK: Final = 64 << 10

_O_PATH: Final = os.O_PATH | os.O_CLOEXEC
_READ: Final = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_RESOLVE_NO_MAGICLINKS: Final = 0x02
_RESOLVE_IN_ROOT: Final = 0x10
_SYS_OPENAT2: Final = 437  # one number on x86_64, aarch64, s390x, ppc64le and riscv64


class Unreadable(Exception):
    """A path cannot be read; ``str()`` is the reason as a sentence fragment ("is a FIFO")."""


class _Openat2:
    """The raw system call, probed once per process (ENOSYS on old kernels or in sandboxes).

    ctypes (with struct, ~1.3 ms of imports) loads on the first call: a plain reader (what
    ``validate`` reads files with) never makes one.
    """

    def __init__(self) -> None:
        self._call: ctypes._NamedFuncPointer | None = None
        self._how: type[ctypes.Structure] | None = None
        self.available: bool | None = None

    def __call__(self, dirfd: int, path: bytes, flags: int) -> int:
        import ctypes  # noqa: PLC0415 (see the class docstring)

        if self._call is None or self._how is None:
            libc = ctypes.CDLL(None, use_errno=True)
            self._call = libc.syscall
            self._call.restype = ctypes.c_long

            class _OpenHow(ctypes.Structure):
                _fields_ = (("flags", ctypes.c_uint64), ("mode", ctypes.c_uint64),
                            ("resolve", ctypes.c_uint64))

            self._how = _OpenHow
        how = self._how(flags, 0, _RESOLVE_IN_ROOT | _RESOLVE_NO_MAGICLINKS)
        fd = int(self._call(_SYS_OPENAT2, ctypes.c_int(dirfd), ctypes.c_char_p(path),
                            ctypes.byref(how), ctypes.c_size_t(ctypes.sizeof(how))))
        if fd < 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err), os.fsdecode(path))
        return fd

    def usable(self, rootfd: int) -> bool:
        if self.available is None:
            try:
                os.close(self(rootfd, b".", _O_PATH))
                self.available = True
            except (OSError, AttributeError):
                self.available = False
        return self.available


_OPENAT2: Final = _Openat2()


def _parts(path: str) -> list[str]:
    return [p for p in path.split("/") if p not in ("", ".")]


def _check_path(path: str) -> None:
    if "\x00" in path:
        raise OSError(errno.EINVAL, "path contains a NUL byte", path)
    if len(path) > MAX_PATH:
        raise OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG), path[:80] + "...")


def walk(rootfd: int, path: str, follow: bool = True) -> tuple[int, str, list[str]]:
    """Resolve ``path`` inside ``rootfd`` by hand: (directory fd, final name, its location).

    The directory fd (``O_PATH``, the caller closes it) holds the final component ``name``
    (``"."`` when the path ends on a directory); every symlink before it, and the final one
    when ``follow``, is resolved inside the root. The location is the resolved directory's
    path from the root as a list of names.
    """
    _check_path(path)
    stack, names = [os.dup(rootfd)], list[str]()
    todo = _parts(path)[::-1]
    hops = 0
    try:
        while todo:
            name = todo.pop()
            if name == "..":
                if len(stack) > 1:
                    os.close(stack.pop())
                    names.pop()
                continue
            fd = os.open(name, _O_PATH | os.O_NOFOLLOW, dir_fd=stack[-1])
            mode = os.fstat(fd).st_mode
            if stat.S_ISLNK(mode) and (follow or todo):
                hops += 1
                try:
                    target = os.readlink("", dir_fd=fd)  # the text of this very link
                finally:
                    os.close(fd)
                if hops > MAX_HOPS or len(todo) + len(target) > MAX_PATH:
                    raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), path)
                if target.startswith("/"):  # absolute: restart at the root, not at "/"
                    for extra in stack[1:]:
                        os.close(extra)
                    del stack[1:], names[:]
                todo.extend(_parts(target)[::-1])
                continue
            if not todo:
                os.close(fd)
                return stack.pop(), name, names
            if not stat.S_ISDIR(mode):
                os.close(fd)
                raise OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), path)
            stack.append(fd)
            names.append(name)
        return stack.pop(), ".", names
    finally:
        for extra in stack:
            os.close(extra)


def open_in(rootfd: int | None, path: str, flags: int, *, follow: bool = True,
            by_hand: bool = False) -> int:
    """Open ``path`` below ``rootfd`` (None: plain resolution from the working directory).

    Raises:
        OSError: as ``open(2)`` would; ELOOP also for a magic link or too many hops.
    """
    flags |= os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    if rootfd is None:
        _check_path(path)
        return os.open(path, flags)
    if not by_hand and _OPENAT2.usable(rootfd):
        _check_path(path)
        return _OPENAT2(rootfd, os.fsencode(path.lstrip("/") or "."), flags)
    parent, name, _ = walk(rootfd, path, follow)
    try:
        return os.open(name, flags | os.O_NOFOLLOW, dir_fd=parent)
    finally:
        os.close(parent)


def kind(mode: int) -> str:
    """What a file is, for messages: "a directory", "a FIFO (named pipe)", ..."""
    for test, name in ((stat.S_ISREG, "a regular file"), (stat.S_ISDIR, "a directory"),
                       (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return name
    return "not a regular file"


def reason(exc: OSError) -> str:
    """An OSError as a sentence fragment about the path ("does not exist")."""
    known = {errno.ENOENT: "does not exist", errno.EACCES: "is not readable (permission denied)",
             errno.EPERM: "is not readable (operation not permitted)",
             errno.ENOTDIR: "has a component that is not a directory",
             errno.ELOOP: "goes through too many or forbidden symbolic links "
                          "(a loop, or a /proc magic link)",
             errno.ENAMETOOLONG: "is too long", errno.EINVAL: "is not a valid path",
             errno.EISDIR: "is a directory", errno.ENXIO: "is a device that is not there"}
    return known.get(exc.errno or 0, f"cannot be read ({exc.strerror or exc})")


def read_regular(rootfd: int | None, path: str, limit: int, *, by_hand: bool = False) -> bytes:
    """The whole content of a regular file below the root, at most ``limit`` bytes.

    Raises:
        Unreadable: missing, not a regular file, larger than ``limit``, or unreadable.
    """
    fd = open_regular(rootfd, path, limit, by_hand=by_hand)
    try:
        return _read_fd(fd, limit)
    except OSError as exc:
        raise Unreadable(reason(exc)) from None
    finally:
        os.close(fd)


def open_regular(rootfd: int | None, path: str, limit: int | None = None, *,
                 by_hand: bool = False) -> int:
    """A read-only, non-blocking descriptor of the regular file ``path`` below the root.

    The object is looked at first without opening it for reading (``O_PATH``): a FIFO or
    device is refused before any ``open(2)`` that could block or have an effect, and the
    descriptor returned is of that same inode. The caller closes it.

    Raises:
        Unreadable: missing, not a regular file, larger than ``limit`` (None: no limit), or
            unreadable.
    """
    try:
        probe = open_in(rootfd, path, _O_PATH, by_hand=by_hand)
        try:
            first = os.fstat(probe)
        finally:
            os.close(probe)
        if not stat.S_ISREG(first.st_mode):
            raise Unreadable(f"is {kind(first.st_mode)}, not a regular file")
        if limit is not None and first.st_size > limit:
            raise Unreadable(f"is larger than the {_size(limit)} limit ({_size(first.st_size)})")
        fd = open_in(rootfd, path, _READ, by_hand=by_hand)
    except OSError as exc:
        raise Unreadable(reason(exc)) from None
    now = os.fstat(fd)
    if (now.st_dev, now.st_ino) != (first.st_dev, first.st_ino):
        os.close(fd)
        raise Unreadable("changed while it was being opened")
    return fd


def _read_fd(fd: int, limit: int) -> bytes:
    # Small reads: procfs refuses one multi-megabyte read() (ENOMEM on /proc/sys files).
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    raise Unreadable(f"is larger than the {_size(limit)} limit")


def _size(n: int) -> str:
    for unit, shift in (("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift:
            return f"{n / (1 << shift):g} {unit}"
    return f"{n} bytes"
