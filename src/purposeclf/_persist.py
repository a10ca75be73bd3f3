"""Safe model files: JSON metadata plus numeric arrays, never a pickle.

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

import datetime as _dt
import hashlib
import io
import json
import logging
import math
import os
import platform
import re
import struct
import time
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ._features import TextFeaturizer
from ._linear import LinearMultilabel
from ._version import __version__
from .codebook import Codebook
from .exceptions import ModelFileError, ModelVersionWarning, UnknownSchemeError
from .io import _source_date, atomic_replace, fixed_zipinfo

if TYPE_CHECKING:
    from ._estimator import PurposeClassifier

__all__ = [
    "save",
    "load",
    "load_model",
    "bundled_models",
    "ModelBundle",
    "FORMAT_VERSION",
]

logger = logging.getLogger(__name__)

FORMAT = "purposeclf-model"
FORMAT_VERSION = 1
MODEL_SUFFIX = ".pclf"
_META = "metadata.json"
_ALLOWED_DTYPES = {"<f4", "<f8", "|u1", "<i4", "<i8"}
_MAX_META_BYTES = 16 * 2**20
_MAX_TOTAL_BYTES = 1 * 2**30
_MAX_MEMBERS = 64
_MAX_RATIO = 100  # deflate of real model arrays gives 1.3x to 5x
_RATIO_FLOOR = 1 * 2**20  # members smaller than this may compress any amount
_MEMBER_NAME = re.compile(r"[A-Za-z0-9_]{1,64}\.npy")
@dataclass
class ModelBundle:
    """A loaded model file: the fitted parts and the metadata (model card)."""

    model: LinearMultilabel
    metadata: dict[str, Any]
    path: str

    @property
    def name(self) -> str:
        return str(self.metadata.get("name") or Path(self.path).stem)


# ------------------------------------------------------------------ hashing
def _canonical(meta: dict[str, Any]) -> bytes:
    return json.dumps(
        meta, sort_keys=True, separators=(",", ":"), ensure_ascii=True
    ).encode()


def _digest(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    body = {k: v for k, v in meta.items() if k != "sha256"}
    h.update(_canonical(body))
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"\x00{name}\x00{a.dtype.str}\x00{a.shape}\x00".encode())
        h.update(a.tobytes())
    return h.hexdigest()


# ------------------------------------------------------------------- saving
def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"purposeclf": __version__, "python": platform.python_version()}
    for dist in ("numpy", "scipy", "scikit-learn", "spacy", "spacy-lookups-data"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:  # pragma: no cover - optional in odd installs
            out[dist] = "not installed"
    return out


def save(
    model: PurposeClassifier,
    path: str | os.PathLike[str],
    *,
    name: str | None = None,
    metrics: dict[str, Any] | None = None,
    parent: str | None = None,
    overwrite: bool = True,
    extra: dict[str, Any] | None = None,
) -> Path:
    """Write a fitted :class:`PurposeClassifier` to a safe model file.

    Parameters
    ----------
    model : PurposeClassifier
        A fitted classifier.
    path : str or Path
        Destination file. Written to a temporary file first and renamed into
        place, so an interrupted save never leaves a half-written model.
    name : str, default=None
        Name recorded in the model card (default: the file name's stem).
    metrics : dict, default=None
        Held-out metrics to record (the out-of-fold figures of threshold tuning
        are recorded in any case).
    parent : str, default=None
        The model this one was retrained from.
    overwrite : bool, default=True
        If False, refuse to replace an existing file.
    extra : dict, default=None
        More JSON-serialisable facts for the model card.

    Returns
    -------
    Path
        The path written.
    """
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(model, "coef_")
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(
            f"Model file {str(path)!r} already exists; pass --force (overwrite=True) "
            "to replace it."
        )
    feat: TextFeaturizer = model.vectorizer_
    arrays = {
        "coef": np.ascontiguousarray(model.coef_, dtype=np.float32),
        "intercept": np.asarray(model.intercept_, dtype=np.float64),
        "thresholds": np.asarray(model.thresholds_, dtype=np.float64),
        **feat.to_arrays(),
    }
    params = {
        k: (list(v) if isinstance(v, tuple) else v)
        for k, v in model.get_params(deep=False).items()
        if k != "codebook"
    }
    when = _source_date() or _dt.datetime.now(_dt.timezone.utc)
    meta: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": name or path.stem,
        "scheme": model.codebook_.scheme,
        "created": when.replace(microsecond=0).isoformat(),
        "versions": _versions(),
        "codebook": model.codebook_.to_dict(),
        "estimator": {"class": "PurposeClassifier", "params": params},
        "featurizer": feat.get_config(),
        "training": {
            "n_samples": int(model.n_train_),
            "label_counts": dict(model.label_counts_),
            "data_sha256": model.training_data_sha256_,
            "parent": parent,
        },
        "metrics": {
            **(
                {"oof_threshold_tuning": model.oof_metrics_}
                if model.oof_metrics_
                else {}
            ),
            **(metrics or {}),
        },
        "arrays": {
            k: {"dtype": v.dtype.str, "shape": list(v.shape)} for k, v in arrays.items()
        },
        **(extra or {}),
    }
    meta["sha256"] = _digest(meta, arrays)
    with (
        atomic_replace(path, suffix=".tmp") as tmp,
        open(tmp, "wb") as fh,
        zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf,
    ):
        _write_member(zf, _META, json.dumps(meta, indent=1, sort_keys=True).encode())
        for k in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, arrays[k], allow_pickle=False)
            _write_member(zf, f"{k}.npy", buf.getvalue())
    logger.info("saved model %s (%d bytes)", path, path.stat().st_size)
    return path


def _write_member(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    zf.writestr(fixed_zipinfo(name), data, compresslevel=6)


# ------------------------------------------------------------------ loading
def _bundled_dirs() -> list[Path]:
    dirs = []
    try:
        pkg = Path(str(resources.files("purposeclf") / "models"))
        dirs.append(pkg)
    except (ModuleNotFoundError, TypeError):  # pragma: no cover
        pass
    # Running from a source checkout (editable install): the repository's models/.
    dirs.append(Path(__file__).resolve().parents[2] / "models")
    return [d for d in dirs if d.is_dir()]


def bundled_models() -> dict[str, Path]:
    """Bundled model files by name (``keep.v1``, ``purpose.v1``, ...)."""
    found: dict[str, Path] = {}
    for d in _bundled_dirs():
        for p in sorted(d.glob(f"*{MODEL_SUFFIX}")):
            found.setdefault(p.name[: -len(MODEL_SUFFIX)], p)
    return found


def _version_key(name: str) -> tuple[str, int]:
    scheme, _, ver = name.rpartition(".v")
    return (scheme, int(ver)) if ver.isdigit() else (name, 0)


def resolve_model_path(spec: str | os.PathLike[str]) -> Path:
    """A model's file from a bundled name (``keep``, ``keep.v1``) or a path."""
    p = Path(spec)
    if p.is_file():
        return p
    if p.is_dir():
        raise ModelFileError(p, "this is a directory, not a model file")
    name = str(spec)
    bundled = bundled_models()
    if name in bundled:
        return bundled[name]
    versions = [n for n in bundled if _version_key(n)[0] == name]
    if versions:
        return bundled[max(versions, key=lambda n: _version_key(n)[1])]
    if os.sep in name or "/" in name or p.suffix:
        raise ModelFileError(p, "no such file")
    schemes = sorted({_version_key(n)[0] for n in bundled} | set(bundled))
    raise UnknownSchemeError(name, schemes)


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


def _read_file(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
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


# Parts of the model card and the JSON type each must have when present.
_CARD_TYPES: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "scheme": str,
    "created": str,
    "versions": dict,
    "codebook": dict,
    "estimator": dict,
    "featurizer": dict,
    "training": dict,
    "metrics": dict,
}
_TRAINING_TYPES: dict[str, type | tuple[type, ...]] = {
    "n_samples": int,
    "label_counts": dict,
    "data_sha256": (str, type(None)),
    "parent": (str, type(None)),
}


def _check_card(meta: dict[str, Any], path: Path) -> None:
    """Every part of the card that code reads has the JSON type it expects.

    Only a file whose author recomputed the checksum can fail this; it keeps
    ``purposeclf.load`` and ``purposeclf info`` from tripping over the card.
    """
    checks = [(meta, _CARD_TYPES, "")]
    if isinstance(meta.get("training"), dict):
        checks.append((meta["training"], _TRAINING_TYPES, "training."))
    for part, types, prefix in checks:
        for key, kind in types.items():
            if key in part and not isinstance(part[key], kind):
                raise _fail(
                    path,
                    f"the model card's {prefix}{key} has the wrong type "
                    f"({type(part[key]).__name__}); purposeclf did not write this file",
                )
    params = meta.get("estimator", {}).get("params", {})
    if not isinstance(params, dict):
        raise _fail(path, "the model card's estimator.params has the wrong type")


def _check_versions(meta: dict[str, Any], path: Path) -> None:
    versions = meta.get("versions", {})  # a dict: _check_card ran first
    saved = str(versions.get("purposeclf", "unknown"))
    if saved.split(".")[:2] != __version__.split(".")[:2]:
        name = meta.get("name") or path.stem
        minor = ".".join(saved.split(".")[:2])
        warnings.warn(
            f"Model {name!r} was trained with purposeclf {saved}; you have "
            f"{__version__}. Retrain it, or pin purposeclf {minor}.x.",
            ModelVersionWarning,
            stacklevel=3,
        )


def load_model(spec: str | os.PathLike[str]) -> ModelBundle:
    """Load a model file (or a bundled model by name) without scikit-learn.

    This is what scoring uses: numpy and scipy only, fast to start.

    Parameters
    ----------
    spec : str or Path
        A bundled model name (``"keep"``, ``"purpose"``, ``"keep.v1"``) or the
        path of a ``.pclf`` file.

    Returns
    -------
    ModelBundle
        The fitted parts (``.model``), the metadata (``.meta``) and the path.

    Raises
    ------
    ModelFileError
        The file is missing, damaged, tampered with or not a purposeclf model.
    UnknownSchemeError
        ``spec`` is neither a bundled name nor an existing file.
    """
    t0 = time.perf_counter()
    path = resolve_model_path(spec)
    meta, arrays = _read_file(path)
    _check_card(meta, path)
    _check_versions(meta, path)
    try:
        codebook = Codebook.from_dict(meta["codebook"], source=f"{path} metadata")
        featurizer = TextFeaturizer.from_arrays(meta["featurizer"], arrays)
        coef = arrays["coef"]
        k = len(codebook)
        if coef.shape != (k, featurizer.n_features_):
            raise ValueError(
                f"weights have shape {coef.shape}; "
                f"expected ({k}, {featurizer.n_features_})"
            )
        for a in ("intercept", "thresholds"):
            if arrays[a].shape != (k,):
                raise ValueError(f"{a} has shape {arrays[a].shape}; expected ({k},)")
        model = LinearMultilabel(
            featurizer, coef, arrays["intercept"], arrays["thresholds"], codebook
        )
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        # Only a file whose author recomputed the checksum gets this far.
        raise _fail(path, f"the contents are inconsistent ({exc})") from None
    logger.debug("loaded %s in %.3f s", path, time.perf_counter() - t0)
    return ModelBundle(model, meta, str(path))


def load(spec: str | os.PathLike[str]) -> PurposeClassifier:
    """Load a model as a fitted :class:`PurposeClassifier`.

    Parameters
    ----------
    spec : str or Path
        A bundled model (``"keep"``, ``"purpose"``, or a versioned name such as
        ``"keep.v1"``) or the path of a model file written by :func:`save`.

    Returns
    -------
    PurposeClassifier

    Raises
    ------
    ModelFileError
        The file is missing, not a model, damaged, tampered with, or newer than
        this version of purposeclf can read.
    UnknownSchemeError
        ``spec`` is neither a file nor a bundled model.

    Examples
    --------
    >>> import purposeclf
    >>> model = purposeclf.load("keep")
    >>> model.classes_[:2]
    ('valued_staff', 'digital_tools')
    """
    from ._estimator import PurposeClassifier

    bundle = load_model(spec)
    meta = bundle.metadata
    # load_model checked the card's types (_check_card), so these reads hold.
    params = dict(meta.get("estimator", {}).get("params", {}))
    training = meta.get("training", {})
    n_train = int(training.get("n_samples", 0))
    label_counts = dict(training.get("label_counts", {}))
    oof = meta.get("metrics", {}).get("oof_threshold_tuning")
    for key in ("word_ngrams", "char_ngrams"):
        if isinstance(params.get(key), list):
            params[key] = tuple(params[key])
    valid = PurposeClassifier().get_params(deep=False)
    clf = PurposeClassifier(**{k: v for k, v in params.items() if k in valid})
    m = bundle.model
    clf.weighting = m.featurizer.weighting  # files made before the parameter existed
    clf.codebook_ = m.codebook
    clf.classes_ = m.codebook.ids
    clf.vectorizer_ = m.featurizer
    clf.coef_ = m.coef
    clf.intercept_ = m.intercept
    clf.thresholds_ = m.thresholds
    clf.n_features_ = m.featurizer.n_features_
    clf.n_train_ = n_train
    clf.label_counts_ = label_counts
    clf.training_data_sha256_ = training.get("data_sha256")
    clf.oof_metrics_ = oof
    clf.metadata_ = meta
    return clf
