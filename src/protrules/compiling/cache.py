"""A cache of checked programs, so a rule file is parsed and checked once per change.

The key is a hash of the rule file's bytes, the grammar and the protrules version; the value
is the checked :class:`~protrules.checking.ir.Program`. The cache lives in
``$PROTRULES_CACHE`` or ``~/.cache/protrules``; a cache that cannot be used is bypassed (it is
an optimisation, never a source of truth): the file is parsed and checked as if it were absent.

Threat model. An entry is a pickle, and unpickling runs code: whoever can make protrules
unpickle a file of their choosing runs code as the user who calls ``load_rules(cache=True)``.
So nothing read from the folder is unpickled unless all of this holds, checked on the open
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

import hashlib
import hmac
import os
import pickle
import secrets
import stat
import tempfile
import warnings
from pathlib import Path

from protrules.checking import ir

__all__ = ["CacheWarning", "cache_dir", "load_cached", "store"]

_MAGIC = b"protrules-program-3\n"  # 3: an HMAC-SHA256 tag follows the magic
_TAG = 32
_KEY = "key"
_KEY_BYTES = 32


class CacheWarning(UserWarning):
    """The program cache's folder is not safe to use, so it is bypassed."""


def cache_dir() -> Path:
    configured = os.environ.get("PROTRULES_CACHE")
    if configured:
        return Path(configured)
    return Path.home() / ".cache" / "protrules"


def key(data: bytes) -> str:
    from protrules._version import __version__
    from protrules.language.dialects import spellings
    from protrules.language.parser import grammar_text

    digest = hashlib.sha256()
    grammars = (grammar_text() + grammar_text("zh") + spellings()).encode("utf-8")
    for part in (__version__.encode(), grammars, data):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


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


def load_cached(data: bytes, directory: Path | None = None) -> ir.Program | None:
    """The checked program of a rule file's bytes, if an authentic entry holds it."""
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
        program = pickle.loads(payload)
    except Exception:
        return None
    return program if isinstance(program, ir.Program) else None


def store(data: bytes, program: ir.Program, directory: Path | None = None) -> None:
    """Keep a rule file's checked program (quietly not, if the folder cannot be used)."""
    folder = directory or cache_dir()
    folder_fd = _open_folder(folder, create=True)
    if folder_fd is None:
        return
    name = f"{key(data)}.program"
    try:
        secret = _read_key(folder_fd, create=True)
        if secret is None:
            return
        payload = pickle.dumps(program, protocol=pickle.HIGHEST_PROTOCOL)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")  # 0600
        with os.fdopen(handle, "wb") as out:
            out.write(_MAGIC + _tag(secret, name, payload) + payload)
        os.replace(os.path.basename(temporary), name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
    except (OSError, pickle.PicklingError, RecursionError):
        return
    finally:
        os.close(folder_fd)
