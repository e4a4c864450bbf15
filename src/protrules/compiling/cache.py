"""A cache of compiled rule files, so a file is parsed, checked and compiled once per change.

An entry holds the checked :class:`~protrules.checking.ir.Program` and, for every rule, the
generated functions nearly every evaluation runs (:data:`KEPT`) as marshalled code objects with
the constants they read: a rule set loaded from it installs each function when first needed,
without writing or compiling code. The key is a hash of the rule file's bytes, the protrules
version, Python's bytecode magic number (marshalled code is read only by the Python that wrote
it) and the size and modification time of protrules' own source files and grammar (so an
edited protrules, whose grammar, generated code or helpers may differ under the same version,
never reads an entry of the one before). The cache lives in ``$PROTRULES_CACHE`` or
``~/.cache/protrules``; a cache that cannot be used is bypassed (it is an optimisation, never a
source of truth): the file is parsed, checked and compiled as if it were absent.

Threat model. An entry is a pickle holding code objects, and unpickling or running them runs
code: whoever can make protrules read a file of their choosing runs code as the user who calls
``load_rules(cache=True)``. So nothing read from the folder is unpickled, unmarshalled or run
unless all of this holds, checked on the open
file descriptors (no window between checking a path and reading it):

- the folder is a directory owned by the current user that neither group nor others can write
  (one protrules creates is ``0700``); otherwise a :class:`CacheWarning` says why and the cache
  is not used — neither read nor written;
- the folder holds a key, ``key``: a regular file (not a link) owned by the user, readable by
  nobody else (``0600``), of 32 random bytes, made by protrules on first use;
- the entry carries an HMAC-SHA256 of its name and contents under that key, and the HMAC
  matches (compared in constant time). An entry that fails is ignored, and the program is
  parsed, checked and written again.

Another user, or a process without the user's rights, can therefore neither plant an entry
(the folder refuses them, and without the key they cannot write a valid one) nor change one;
an entry copied from another account or machine does not verify (another key). Out of
scope: an attacker running as the same user or as root, who can run code anyway.
Platforms without POSIX ownership (``os.geteuid``) bypass the cache.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import pickle
import secrets
import stat
import tempfile
import warnings
from collections.abc import Callable
from importlib.util import MAGIC_NUMBER
from pathlib import Path
from typing import NamedTuple

from protrules.checking import ir
from protrules.compiling.rules import Saved
from protrules.compiling.ruleset import RuleSet

__all__ = ["KEPT", "CacheWarning", "Entry", "cache_dir", "load_cached", "load_rules", "store"]

_MAGIC = b"protrules-program-4\n"  # 3: an HMAC-SHA256 tag follows the magic; 4: and code
_TAG = 32
_KEY = "key"
_KEY_BYTES = 32
_SOURCES = (".py", ".lark")  # what protrules is made of, for the key (see _sources)


#: The functions an entry keeps of each rule: those for evaluations with and without checks
#: and the exact code (``explain``'s traced code is written when asked for).
KEPT = ("tally", "checks", "exact")

#: What an entry keeps of each rule's functions, in the order of the program's rules.
Functions = tuple[dict[str, Saved], ...]


class CacheWarning(UserWarning):
    """The program cache's folder is not safe to use, so it is bypassed."""


class Entry(NamedTuple):
    """A rule file compiled: its checked program and its rules' functions."""

    program: ir.Program
    functions: Functions


def cache_dir() -> Path:
    configured = os.environ.get("PROTRULES_CACHE")
    if configured:
        return Path(configured)
    return Path.home() / ".cache" / "protrules"


def key(data: bytes) -> str:
    """The name of a rule file's entry (see the module's docstring for what it covers)."""
    from protrules._version import __version__

    digest = hashlib.sha256()
    for part in (__version__.encode(), MAGIC_NUMBER, _sources(), data):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


@functools.cache
def _sources() -> bytes:
    """The size and modification time of every source file of protrules and of its grammar,
    once a process: what a checked program and its code are made by (the Chinese grammar and
    built-in names are made from these too). Stating them costs a fraction of reading the
    grammar and translating it to Chinese, which a load from the cache would do for the key
    alone."""
    found: list[str] = []
    folders = [Path(__file__).resolve().parent.parent]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                    folders.append(Path(entry.path))
                elif entry.name.endswith(_SOURCES):
                    info = entry.stat()
                    found.append(f"{entry.path} {info.st_size} {info.st_mtime_ns}")
    return "\n".join(sorted(found)).encode("utf-8", "surrogateescape")


def _problem(info: os.stat_result, what: str, *, private: bool) -> str | None:
    """Why a file or folder may not be trusted (None: it may)."""
    if info.st_uid != os.geteuid():
        return f"{what} is owned by user {info.st_uid}, not by you ({os.geteuid()})"
    mask = 0o077 if private else 0o022
    if info.st_mode & mask:
        who = "others can read or write it" if private else "others can write it"
        return f"{what} has mode {stat.S_IMODE(info.st_mode):04o}: {who}"
    return None


def _open_folder(folder: Path, create: bool) -> int | None:
    """A descriptor of the cache folder once it is checked, or None (with a warning if the
    folder exists but is unsafe)."""
    if not hasattr(os, "geteuid"):
        return None
    if create:
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            return None
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    problem = _problem(os.fstat(fd), f"the cache folder {folder}", private=False)
    if problem is None:
        return fd
    os.close(fd)
    warnings.warn(f"{problem}; the program cache is not used", CacheWarning, stacklevel=4)
    return None


def _read_key(folder_fd: int, create: bool) -> bytes | None:
    """The folder's key, made on first use; None if it is missing (and not to be made) or
    not trustworthy."""
    try:
        fd = os.open(_KEY, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=folder_fd)
    except FileNotFoundError:
        if not create:
            return None
        return _make_key(folder_fd)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        problem: str | None = "the cache key is not a regular file"
        if stat.S_ISREG(info.st_mode):
            problem = _problem(info, "the cache key", private=True)
        if problem is not None:
            warnings.warn(f"{problem}; the program cache is not used", CacheWarning, stacklevel=4)
            return None
        secret = os.read(fd, _KEY_BYTES + 1)
    finally:
        os.close(fd)
    return secret if len(secret) == _KEY_BYTES else None


def _make_key(folder_fd: int) -> bytes | None:
    secret = secrets.token_bytes(_KEY_BYTES)
    try:
        fd = os.open(_KEY, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=folder_fd)
    except FileExistsError:  # another process made it first: use theirs
        return _read_key(folder_fd, create=False)
    except OSError:
        return None
    try:
        os.write(fd, secret)
    finally:
        os.close(fd)
    return secret


def _tag(secret: bytes, name: str, payload: bytes) -> bytes:
    return hmac.new(secret, _MAGIC + name.encode() + b"\n" + payload, hashlib.sha256).digest()


def load_rules(
    data: bytes, build: Callable[[], ir.Program], *, generate: bool = True, directory: Path | None = None
) -> RuleSet:
    """The rule set of a rule file's bytes from its entry, its functions installed as they are
    needed; without an entry, ``build()`` parses and checks the file, and the program and its
    rules' functions (written now) are kept."""
    found = load_cached(data, directory)
    if found is not None:
        rules = RuleSet(found.program, generate=generate)
        rules.restore_functions(found.functions)
        return rules
    rules = RuleSet(build(), generate=generate)
    store(data, rules.program, directory, functions=lambda: rules.save_functions(KEPT))
    return rules


def load_cached(data: bytes, directory: Path | None = None) -> Entry | None:
    """The checked program and functions of a rule file's bytes, if an authentic entry holds them."""
    folder = directory or cache_dir()
    if not folder.exists():
        return None
    folder_fd = _open_folder(folder, create=False)
    if folder_fd is None:
        return None
    name = f"{key(data)}.program"
    try:
        secret = _read_key(folder_fd, create=False)
        if secret is None:
            return None
        try:
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=folder_fd)
        except OSError:
            return None
        with os.fdopen(fd, "rb") as handle:
            raw = handle.read()
    finally:
        os.close(folder_fd)
    head = len(_MAGIC) + _TAG
    if len(raw) < head or not raw.startswith(_MAGIC):
        return None
    tag, payload = raw[len(_MAGIC) : head], raw[head:]
    if not hmac.compare_digest(tag, _tag(secret, name, payload)):
        return None  # not written by this user's protrules: never unpickled
    try:
        program, functions = pickle.loads(payload)
    except Exception:
        return None
    if not (
        isinstance(program, ir.Program)
        and isinstance(functions, tuple)
        and len(functions) == len(program.rules)
        and all(isinstance(kept, dict) for kept in functions)
    ):
        return None
    return Entry(program, functions)


def store(
    data: bytes,
    program: ir.Program,
    directory: Path | None = None,
    *,
    functions: Callable[[], Functions] | None = None,
) -> None:
    """Keep a rule file's checked program and what ``functions()`` gives of its rules' functions
    (called only when the folder can be used); quietly nothing if the folder cannot be used."""
    folder = directory or cache_dir()
    folder_fd = _open_folder(folder, create=True)
    if folder_fd is None:
        return
    name = f"{key(data)}.program"
    try:
        secret = _read_key(folder_fd, create=True)
        if secret is None:
            return
        payload = _payload(program, functions)
        if payload is None:
            return
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")  # 0600
        with os.fdopen(handle, "wb") as out:
            out.write(_MAGIC + _tag(secret, name, payload) + payload)
        os.replace(os.path.basename(temporary), name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
    except OSError:
        return
    finally:
        os.close(folder_fd)


def _payload(program: ir.Program, functions: Callable[[], Functions] | None) -> bytes | None:
    """An entry's contents: the program and its rules' functions, or the program alone if a
    function's constants do not pickle (its code is then written when it first runs)."""
    none: Functions = tuple({} for _ in program.rules)
    for attempt in (none,) if functions is None else (functions(), none):
        try:
            return pickle.dumps((program, attempt), protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, RecursionError, TypeError, AttributeError):
            continue  # TypeError, AttributeError: a value that does not pickle
    return None
