"""Reading model files safely: the archive checked before anything is parsed.

A model file is a ZIP archive holding ``metadata.json`` and one ``.npy`` file per
array. Loading reads the JSON with :mod:`json` and each array with
``allow_pickle=False`` after checking its header (dtype on an allow-list, declared
size within the archive's), verifies a SHA-256 over the metadata and every array,
and refuses anything else. Nothing in a model file is ever executed.

Before anything is decompressed, the archive's own records are checked: at most
64 members, plain names (``metadata.json`` and ``<name>.npy``) each used once, no
encryption, only stored or deflate compression, at most 1 GiB uncompressed in all,
and no member that would expand more than 100-fold (a zip bomb). A member is
never read past the size the archive declares. Every failure is a
:class:`~purposeclf.exceptions.ModelFileError` saying what is wrong.

Saving is reproducible: members are written in a fixed order with fixed
timestamps and compression, and the ``created`` date is ``SOURCE_DATE_EPOCH``
when that environment variable is set, so the same model gives the same bytes.
"""

from __future__ import annotations

import io
import json
import math
import os
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from .._version import __version__
from ..exceptions import ModelFileError
from ._format import (
    _ALLOWED_DTYPES,
    _MAX_MEMBERS,
    _MAX_META_BYTES,
    _MAX_RATIO,
    _MAX_TOTAL_BYTES,
    _MEMBER_NAME,
    _META,
    _RATIO_FLOOR,
    FORMAT,
    FORMAT_VERSION,
    _digest,
)

__all__ = ["read_model_file"]


def _fail(path: Path, problem: str) -> ModelFileError:
    return ModelFileError(path, problem)


def _read_npy(path: Path, name: str, raw: bytes) -> np.ndarray:
    fp = io.BytesIO(raw)
    try:
        major, minor = np.lib.format.read_magic(fp)
        if (major, minor) == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(fp)
        elif (major, minor) == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(fp)
        else:
            raise ValueError(f"unsupported .npy version {major}.{minor}")
    except (ValueError, SyntaxError, TypeError, RecursionError) as exc:
        raise _fail(path, f"array {name!r} has a damaged header ({exc})") from None
    if dtype.str not in _ALLOWED_DTYPES or dtype.hasobject:
        raise _fail(
            path, f"array {name!r} has dtype {dtype.str}, which model files never use"
        )
    # Python integers: a product of huge dimensions must not wrap around.
    n_items = math.prod(int(d) for d in shape)
    held = len(raw) - fp.tell()
    if n_items * dtype.itemsize != held:
        raise _fail(
            path,
            f"array {name!r} declares shape {shape} but holds {held} bytes "
            "(truncated or tampered file)",
        )
    try:
        arr = np.lib.format.read_array(io.BytesIO(raw), allow_pickle=False)
    except (ValueError, TypeError) as exc:  # pragma: no cover - checked above
        raise _fail(path, f"array {name!r} cannot be read ({exc})") from None
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise _fail(path, f"array {name!r} holds NaN or infinite values")
    return arr


def _check_directory(path: Path) -> None:
    """Refuse an archive with too many members before zipfile parses it all.

    Reads the end-of-central-directory record (the last 22 to 65,557 bytes).
    """
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - (22 + 0xFFFF)))
            tail = fh.read()
    except OSError as exc:
        raise _fail(path, f"cannot read the file ({exc.strerror})") from None
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise _fail(path, "the archive is damaged or truncated (no central directory)")
    n_disk, n_total, cd_size = struct.unpack("<8xHHL", tail[at : at + 16])
    if n_disk != n_total:
        raise _fail(path, "the archive is split over several disks, not one file")
    if n_total > _MAX_MEMBERS or cd_size > _MAX_MEMBERS * 1024:
        raise _fail(
            path,
            f"the archive declares {n_total:,} members ({cd_size:,} bytes of "
            f"directory); a model has at most {_MAX_MEMBERS}",
        )


def _check_members(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Everything that can be judged from the archive's directory alone."""
    if len(infos) > _MAX_MEMBERS:
        raise _fail(
            path, f"the archive holds {len(infos)} members; a model has far fewer"
        )
    if _META not in {i.filename for i in infos}:
        raise _fail(path, f"no {_META} inside: not a purposeclf model file")
    seen: set[str] = set()
    for i in infos:
        name = i.filename
        if name in seen:
            raise _fail(path, f"member {name!r} appears twice in the archive")
        seen.add(name)
        if name != _META and not _MEMBER_NAME.fullmatch(name):
            raise _fail(path, f"unexpected member {name!r} in the archive")
        if i.flag_bits & 0x1:
            raise _fail(path, f"member {name!r} is encrypted; model files never are")
        if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _fail(
                path,
                f"member {name!r} uses compression method {i.compress_type}; model "
                "files use only stored or deflate",
            )
        if i.file_size > _RATIO_FLOOR and i.file_size > _MAX_RATIO * i.compress_size:
            raise _fail(
                path,
                f"member {name!r} would expand from {i.compress_size:,} to "
                f"{i.file_size:,} bytes, more than {_MAX_RATIO}-fold; refusing a "
                "possible zip bomb",
            )
    total = sum(i.file_size for i in infos)
    if total > _MAX_TOTAL_BYTES:
        raise _fail(
            path,
            f"the archive declares {total:,} bytes uncompressed "
            f"(limit {_MAX_TOTAL_BYTES:,})",
        )


# What zipfile and zlib raise for damaged archives; none of it escapes as is.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    struct.error,
    UnicodeDecodeError,
    zlib.error,
)


def read_model_file(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise _fail(path, f"cannot read the file ({exc.strerror})") from None
    if head[:1] == b"\x80":
        raise _fail(
            path, "this is a Python pickle, not a purposeclf model; it was not loaded"
        )
    if head != b"PK\x03\x04":
        raise _fail(
            path, "not a purposeclf model file (not a ZIP archive of JSON and arrays)"
        )
    _check_directory(path)
    try:
        zf = zipfile.ZipFile(path)
    except _ZIP_ERRORS as exc:
        raise _fail(path, f"the archive is damaged or truncated ({exc})") from None
    with zf:
        infos = zf.infolist()
        _check_members(path, infos)
        meta_info = zf.getinfo(_META)
        if meta_info.file_size > _MAX_META_BYTES:
            raise _fail(path, "metadata.json is implausibly large")
        try:
            meta = json.loads(_read_member(zf, meta_info).decode("utf-8"))
        except _ZIP_ERRORS + (RecursionError,) as exc:
            if isinstance(exc, UnicodeDecodeError | ValueError | RecursionError):
                problem = f"metadata.json is not valid JSON ({exc})"
            else:
                problem = f"the archive is damaged or truncated ({exc})"
            raise _fail(path, problem) from None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise _fail(path, "metadata.json does not describe a purposeclf model")
        fv = meta.get("format_version")
        if not isinstance(fv, int) or isinstance(fv, bool):
            raise _fail(path, f"format_version {fv!r} is not an integer")
        if fv > FORMAT_VERSION:
            raise _fail(
                path,
                f"it uses model format version {fv}, newer than this purposeclf "
                f"({__version__}) reads (up to {FORMAT_VERSION}); upgrade purposeclf",
            )
        if fv < 1:
            raise _fail(path, f"format_version {fv} is not a known model format")
        declared = meta.get("arrays")
        if not isinstance(declared, dict):
            raise _fail(path, "metadata.json has no array manifest")
        arrays: dict[str, np.ndarray] = {}
        for i in infos:
            if i.filename == _META:
                continue
            name = i.filename[:-4]
            spec = declared.get(name)
            if not isinstance(spec, dict):
                raise _fail(path, f"array {name!r} is not in the manifest")
            try:
                raw = _read_member(zf, i)
            except _ZIP_ERRORS as exc:
                raise _fail(path, f"array {name!r} is damaged ({exc})") from None
            arr = _read_npy(path, name, raw)
            if arr.dtype.str != spec.get("dtype") or list(arr.shape) != spec.get(
                "shape"
            ):
                raise _fail(path, f"array {name!r} does not match the manifest")
            arrays[name] = arr
        missing = set(declared) - set(arrays)
        if missing:
            raise _fail(
                path, f"arrays missing from the archive: {', '.join(sorted(missing))}"
            )
    try:
        digest = _digest(meta, arrays)
    except (TypeError, ValueError) as exc:
        raise _fail(path, f"metadata.json cannot be checked ({exc})") from None
    if meta.get("sha256") != digest:
        raise _fail(
            path,
            "its SHA-256 checksum does not match the contents: the file was modified "
            "or damaged after it was saved",
        )
    return meta, arrays


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Read one member, never more than its declared size (zip-bomb guard)."""
    with zf.open(info) as fh:
        data = fh.read(info.file_size + 1)
    if len(data) != info.file_size:
        raise zipfile.BadZipFile(
            f"{info.filename} is not the size the archive declares"
        )
    return data
