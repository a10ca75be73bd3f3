"""Hostile and damaged model files: every one is a clean ModelFileError.

Each test builds a file that one protection of ``purposeclf.model`` refuses;
where another check could also catch it, the file is re-signed (its SHA-256
recomputed, as a malicious author could) so that only the protection under test
stands between the file and a successful load. The numbers of faults injected
are module constants, quoted in SECURITY.md.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import random
import struct
import sys
import tracemalloc
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import purposeclf
from purposeclf import ModelFileError
from purposeclf.cli import cli
from purposeclf.model import FORMAT_VERSION, load_model
from purposeclf.model._format import _digest
from purposeclf.resources import bundled_models

N_RANDOM_FLIPS = 500  # random (offset, xor mask) pairs, on top of every header byte
FLIP_SEED = 20240601
MB = 2**20


# ------------------------------------------------------------------ helpers
def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _zip(members, path: Path | None = None) -> bytes:
    """Write (name, bytes) pairs as a ZIP (duplicates allowed), return the bytes."""
    items = members.items() if isinstance(members, dict) else members
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name"
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in items:
                zf.writestr(name, data)
    raw = buf.getvalue()
    if path is not None:
        path.write_bytes(raw)
    return raw


def _array(raw: bytes) -> np.ndarray:
    return np.load(io.BytesIO(raw), allow_pickle=False)


def _npy(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, allow_pickle=False)
    return buf.getvalue()


def _resign(members: dict[str, bytes]) -> dict[str, bytes]:
    """Recompute manifest and SHA-256 over the members, as a malicious author could."""
    meta = json.loads(members["metadata.json"])
    arrays = {n[:-4]: _array(b) for n, b in members.items() if n.endswith(".npy")}
    meta["arrays"] = {
        k: {"dtype": a.dtype.str, "shape": list(a.shape)} for k, a in arrays.items()
    }
    meta["sha256"] = _digest(meta, arrays)
    members["metadata.json"] = json.dumps(meta).encode()
    return members


def _edit_meta(members: dict[str, bytes], **changes) -> dict[str, bytes]:
    meta = json.loads(members["metadata.json"])
    for k, v in changes.items():
        if v is _DELETE:
            meta.pop(k, None)
        else:
            meta[k] = v
    members["metadata.json"] = json.dumps(meta).encode()
    return members


_DELETE = object()


def _refused(path: Path, match: str | None = None) -> ModelFileError:
    """load_model and purposeclf.load both raise ModelFileError naming the file."""
    with pytest.raises(ModelFileError, match=match) as info:
        load_model(path)
    assert str(info.value).startswith(f"Cannot load model {str(path)!r}: ")
    with pytest.raises(ModelFileError, match=match):
        purposeclf.load(path)
    return info.value


def _peak_bytes(func) -> int:
    tracemalloc.start()
    try:
        func()
    except ModelFileError:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def _zip_layout(raw: bytes) -> list[tuple[int, int]]:
    """(start, end) of every local header, central directory entry and the EOCD."""
    spans = []
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        for i in zf.infolist():
            n, e = struct.unpack(
                "<HH", raw[i.header_offset + 26 : i.header_offset + 30]
            )
            spans.append((i.header_offset, i.header_offset + 30 + n + e))
    eocd = raw.rindex(b"PK\x05\x06")
    cd_offset = struct.unpack("<L", raw[eocd + 16 : eocd + 20])[0]
    spans.append((cd_offset, len(raw)))  # central directory + EOCD
    return spans


def _patch_member(raw: bytes, name: str, **fields) -> bytes:
    """Change fields of one member in both its local header and its directory entry.

    ``fields``: flag, method, usize (uncompressed size).
    """
    out = bytearray(raw)
    local = {"flag": (6, "<H"), "method": (8, "<H"), "usize": (22, "<L")}
    central = {"flag": (8, "<H"), "method": (10, "<H"), "usize": (24, "<L")}
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        info = zf.getinfo(name)
    eocd = raw.rindex(b"PK\x05\x06")
    cd_offset = struct.unpack("<L", raw[eocd + 16 : eocd + 20])[0]
    cd_at = cd_offset
    while True:  # find this member's central directory entry
        n = struct.unpack("<H", raw[cd_at + 28 : cd_at + 30])[0]
        m, c = struct.unpack("<HH", raw[cd_at + 30 : cd_at + 34])
        if raw[cd_at + 46 : cd_at + 46 + n] == name.encode():
            break
        cd_at += 46 + n + m + c
    for key, value in fields.items():
        off, fmt = local[key]
        struct.pack_into(fmt, out, info.header_offset + off, value)
        off, fmt = central[key]
        struct.pack_into(fmt, out, cd_at + off, value)
    return bytes(out)


@pytest.fixture(scope="module")
def toy(toy_model_path: Path) -> tuple[bytes, dict]:
    return toy_model_path.read_bytes(), load_model(toy_model_path).metadata


# --------------------------------------------------------- damage at random
def test_byte_flips_are_refused_or_change_nothing(toy, tmp_path):
    """Every header byte and N_RANDOM_FLIPS random bytes, flipped one at a time.

    A flip must either be refused with ModelFileError or leave what is loaded
    exactly as it was (a flip in a timestamp or a permission bit changes nothing
    that is loaded; the SHA-256 then still matches).
    """
    raw, meta = toy
    rng = random.Random(FLIP_SEED)
    offsets = sorted({o for a, b in _zip_layout(raw) for o in range(a, b)})
    flips = [(o, rng.randrange(1, 256)) for o in offsets]
    flips += [
        (rng.randrange(len(raw)), rng.randrange(1, 256)) for _ in range(N_RANDOM_FLIPS)
    ]
    bad = tmp_path / "flipped.pclf"
    outcomes = {"refused": 0, "harmless": 0}
    for offset, mask in flips:
        data = bytearray(raw)
        data[offset] ^= mask
        bad.write_bytes(data)
        try:
            bundle = load_model(bad)
        except ModelFileError as exc:
            assert str(exc).startswith("Cannot load model"), (offset, mask)
            outcomes["refused"] += 1
        else:
            assert bundle.metadata == meta, (offset, mask)  # so the arrays match too
            outcomes["harmless"] += 1
    assert sum(outcomes.values()) == len(flips) > N_RANDOM_FLIPS + 500
    assert outcomes["refused"] > outcomes["harmless"]


def truncation_offsets(size: int) -> list[int]:
    """Every length within 256 bytes of either end, and every 9th in between."""
    ends = [*range(min(256, size)), *range(max(0, size - 256), size)]
    return sorted({*ends, *range(0, size, 9)})


def test_truncation_at_many_offsets_is_refused(toy, tmp_path):
    raw, _ = toy
    bad = tmp_path / "cut.pclf"
    for n in truncation_offsets(len(raw)):
        bad.write_bytes(raw[:n])
        with pytest.raises(ModelFileError, match="Cannot load model"):
            load_model(bad)


# -------------------------------------------------------- swapped contents
def test_member_swapped_between_bundled_models_is_refused(tmp_path):
    keep, purpose = (_members(bundled_models()[n]) for n in ("keep.v1", "purpose.v1"))
    swaps = 0
    for name in sorted(set(keep) & set(purpose)):
        for a, b in ((keep, purpose), (purpose, keep)):
            mixed = dict(a)
            mixed[name] = b[name]
            bad = tmp_path / "mixed.pclf"
            _zip(mixed, bad)
            _refused(bad)
            swaps += 1
    assert swaps == 20


def test_same_shape_arrays_swapped_are_caught_by_the_checksum(tmp_path):
    """intercept and thresholds have the same dtype and shape: only the hash sees it."""
    members = _members(bundled_models()["keep.v1"])
    spec = json.loads(members["metadata.json"])["arrays"]
    assert spec["intercept"] == spec["thresholds"]
    members["intercept.npy"], members["thresholds.npy"] = (
        members["thresholds.npy"],
        members["intercept.npy"],
    )
    bad = tmp_path / "swapped.pclf"
    _zip(members, bad)
    _refused(bad, match="SHA-256 checksum does not match")


# ----------------------------------------------------------- format version
@pytest.mark.parametrize(
    "version, match",
    [
        (FORMAT_VERSION + 1, "newer .* upgrade purposeclf"),
        (10**6, "newer .* upgrade purposeclf"),
        (0, "not a known model format"),
        (-1, "not a known model format"),
        ("1", "not an integer"),
        (1.0, "not an integer"),
        (True, "not an integer"),
        (None, "not an integer"),
        (_DELETE, "not an integer"),
    ],
)
def test_wrong_or_future_format_version_is_refused(
    toy_model_path, tmp_path, version, match
):
    members = _edit_meta(_members(toy_model_path), format_version=version)
    bad = tmp_path / "version.pclf"
    _zip(_resign(members), bad)
    _refused(bad, match=match)


# ------------------------------------------------------------------ pickles
class _Touch:
    """Unpickling this runs a shell command that creates a file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_a_pickle_is_refused_and_never_run(tmp_path, protocol):
    marker = tmp_path / "pwned"
    evil = tmp_path / "model.pclf"
    evil.write_bytes(pickle.dumps(_Touch(marker), protocol=protocol))
    _refused(evil, match="pickle|not a purposeclf model file")
    assert not marker.exists()


def test_pickles_inside_the_archive_are_refused_and_never_run(toy_model_path, tmp_path):
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Touch(marker))
    obj_array = io.BytesIO()
    np.save(obj_array, np.array([_Touch(marker)], dtype=object), allow_pickle=True)
    base = _members(toy_model_path)
    cases = {
        # a pickle where an array should be, and its manifest entry left as it was
        "raw pickle as coef.npy": ({**base, "coef.npy": payload}, "damaged header"),
        # an object array (pickled), with a manifest that admits it
        "object array": (
            _edit_meta(
                {**base, "coef.npy": obj_array.getvalue()},
                arrays={
                    **json.loads(base["metadata.json"])["arrays"],
                    "coef": {"dtype": "|O", "shape": [1]},
                },
            ),
            "dtype |O",
        ),
        # an extra member with a pickle's name
        "model.pkl": ({**base, "model.pkl": payload}, "unexpected member 'model.pkl'"),
    }
    for name, (members, match) in cases.items():
        bad = tmp_path / f"{name.replace(' ', '_')}.pclf"
        _zip(members, bad)
        _refused(bad, match=match)
    assert not marker.exists()


# -------------------------------------------------------------- zip bombs
def test_declared_huge_member_is_refused_from_the_directory(toy_model_path, tmp_path):
    raw = _zip(_members(toy_model_path))
    bad = tmp_path / "huge.pclf"
    bad.write_bytes(_patch_member(raw, "coef.npy", usize=2**32 - 1))
    peak = _peak_bytes(lambda: load_model(bad))
    assert peak < 4 * MB, f"{peak:,} bytes used"
    exc = _refused(bad, match="expand from .* more than 100-fold")
    assert "4,294,967,295" in str(exc)


def test_zip_bomb_is_refused_before_decompressing(toy_model_path, tmp_path):
    bad = tmp_path / "bomb.pclf"
    with zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in _members(toy_model_path).items():
            if n != "coef.npy":
                zf.writestr(n, data)
        zf.writestr("coef.npy", bytes(64 * MB))  # 64 MB of zeros, about 64 KB deflated
    info = zipfile.ZipFile(bad).getinfo("coef.npy")
    assert info.file_size > 500 * info.compress_size
    peak = _peak_bytes(lambda: load_model(bad))
    assert peak < 4 * MB, f"{peak:,} bytes used"
    _refused(bad, match="coef.npy.* more than 100-fold; refusing a possible zip bomb")


def test_member_that_lies_about_its_size_is_read_only_that_far(
    toy_model_path, tmp_path
):
    """The directory says 16 kB but the data inflates to 64 MB: reading stops early."""
    with zipfile.ZipFile(buf := io.BytesIO(), "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in _members(toy_model_path).items():
            if n != "coef.npy":
                zf.writestr(n, data)
        zf.writestr("coef.npy", bytes(64 * MB))
    bad = tmp_path / "liar.pclf"
    bad.write_bytes(_patch_member(buf.getvalue(), "coef.npy", usize=16_048))
    peak = _peak_bytes(lambda: load_model(bad))
    assert peak < 4 * MB, f"{peak:,} bytes used"
    _refused(bad, match="damaged|does not match|declares shape")


# --------------------------------------------------------- array headers
@pytest.mark.parametrize(
    "shape, data",
    [
        ((99_999_999_999,), b""),
        ((2**32, 2**32), b""),  # 2**64 items: an int64 product wraps round to 0
        ((2**62, 4), b""),
        ((-1,), b""),
    ],
)
def test_huge_or_negative_declared_shape_is_refused(
    toy_model_path, tmp_path, shape, data
):
    header = {"descr": "<f8", "fortran_order": False, "shape": shape}
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, header)
    members = _members(toy_model_path)
    members["intercept.npy"] = buf.getvalue() + data
    meta = json.loads(members["metadata.json"])
    meta["arrays"]["intercept"]["shape"] = list(shape)
    members["metadata.json"] = json.dumps(meta).encode()
    bad = tmp_path / "shape.pclf"
    _zip(members, bad)
    peak = _peak_bytes(lambda: load_model(bad))
    assert peak < 4 * MB
    _refused(bad, match="declares shape")


def test_non_finite_weights_are_refused_even_when_signed(toy_model_path, tmp_path):
    members = _members(toy_model_path)
    coef = _array(members["coef.npy"]).copy()
    coef[0, 0] = np.nan
    members["coef.npy"] = _npy(coef)
    bad = tmp_path / "nan.pclf"
    _zip(_resign(members), bad)
    _refused(bad, match="'coef' holds NaN or infinite values")


# ------------------------------------------------------- archive structure
def test_too_many_members_is_refused_before_parsing_the_directory(
    toy_model_path, tmp_path
):
    members = list(_members(toy_model_path).items())
    members += [(f"extra{i}.npy", b"") for i in range(20_000)]
    bad = tmp_path / "many.pclf"
    _zip(members, bad)
    peak = _peak_bytes(lambda: load_model(bad))
    assert peak < 4 * MB, f"{peak:,} bytes used"  # zipfile alone would use ~11 MB
    _refused(bad, match="20,010 members")


@pytest.mark.parametrize(
    "name",
    [
        "../evil.npy",
        "sub/evil.npy",
        "/evil.npy",
        "..\\evil.npy",
        "evil.npy/",
        "e vil.npy",
        "evil.NPY",
        "evil.npy.exe",
        ".npy",
        "metadata.json.npy",
    ],
)
def test_nested_or_odd_member_names_are_refused(toy_model_path, tmp_path, name):
    """An extra, signed, listed member: only the name check stops it loading."""
    members = _members(toy_model_path)
    members[name] = _npy(np.zeros(3))
    meta = json.loads(members["metadata.json"])
    arrays = {n[:-4]: _array(b) for n, b in members.items() if n.endswith(".npy")}
    meta["arrays"] = {
        k: {"dtype": a.dtype.str, "shape": list(a.shape)} for k, a in arrays.items()
    }
    meta["sha256"] = _digest(meta, arrays)
    members["metadata.json"] = json.dumps(meta).encode()
    bad = tmp_path / "names.pclf"
    _zip(members, bad)
    _refused(bad, match="unexpected member")


@pytest.mark.parametrize("name", ["coef.npy", "metadata.json"])
def test_duplicate_member_names_are_refused(toy_model_path, tmp_path, name):
    members = list(_members(toy_model_path).items())
    members.append((name, dict(members)[name]))  # an identical second copy
    bad = tmp_path / "dup.pclf"
    _zip(members, bad)
    _refused(bad, match=f"'{name}' appears twice")


@pytest.mark.parametrize(
    "fields, match",
    [
        ({"flag": 0x1}, "encrypted"),
        ({"method": zipfile.ZIP_LZMA}, "compression method 14"),
        ({"method": 99}, "compression method 99"),  # AES: zipfile cannot read it
    ],
)
def test_encrypted_or_unusual_compression_is_refused(
    toy_model_path, tmp_path, fields, match
):
    raw = _zip(_members(toy_model_path))
    bad = tmp_path / "odd.pclf"
    bad.write_bytes(_patch_member(raw, "coef.npy", **fields))
    _refused(bad, match=match)


@pytest.mark.parametrize(
    "metadata, match",
    [
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),  # recursion depth
        (b'{"format": ' + b"1" * 5000 + b"}", "not valid JSON"),  # int digits limit
        (b"\xff\xfe{}", "not valid JSON"),
    ],
)
def test_hostile_metadata_json_is_refused(toy_model_path, tmp_path, metadata, match):
    members = _members(toy_model_path)
    members["metadata.json"] = metadata
    bad = tmp_path / "meta.pclf"
    _zip(members, bad)
    _refused(bad, match=match)


@pytest.mark.parametrize(
    "changes, match",
    [
        *[
            ({key: ["not", "a", "dict"]}, f"card's {key} has the wrong type")
            for key in (
                "versions",
                "codebook",
                "featurizer",
                "estimator",
                "training",
                "metrics",
            )
        ],
        ({"name": 7}, "card's name has the wrong type"),
        ({"training": {"n_samples": "8", "label_counts": {}}}, "training.n_samples"),
        ({"training": {"n_samples": 8, "label_counts": [1]}}, "training.label_counts"),
        ({"estimator": {"params": [1]}}, "estimator.params"),
        ({"featurizer": {"word_ngrams": "x"}}, "contents are inconsistent"),
    ],
)
def test_signed_but_malformed_model_card_is_refused(
    toy_model_path, tmp_path, changes, match
):
    """The author recomputed the hash, but a part of the card has the wrong type."""
    members = _edit_meta(_members(toy_model_path), **changes)
    bad = tmp_path / "card.pclf"
    _zip(_resign(members), bad)
    _refused(bad, match=match)
    res = CliRunner().invoke(cli, ["info", str(bad)], catch_exceptions=False)
    assert res.exit_code == 1 and "Cannot load model" in res.stderr


def test_signed_card_with_plain_label_names_still_shows(toy_model_path, tmp_path):
    members = _members(toy_model_path)
    meta = json.loads(members["metadata.json"])
    meta["codebook"]["labels"] = [lab["id"] for lab in meta["codebook"]["labels"]]
    members["metadata.json"] = json.dumps(meta).encode()
    bad = tmp_path / "plain.pclf"
    _zip(_resign(members), bad)
    res = CliRunner().invoke(cli, ["info", str(bad)], catch_exceptions=False)
    assert res.exit_code == 0 and "10 labels" in res.stdout


# --------------------------------------------------------- command line
def _hostile_files(tmp_path: Path, toy_model_path: Path) -> dict[str, Path]:
    files = {}
    raw = toy_model_path.read_bytes()
    files["truncated"] = tmp_path / "truncated.pclf"
    files["truncated"].write_bytes(raw[: len(raw) // 3])
    files["pickle"] = tmp_path / "pickle.pclf"
    files["pickle"].write_bytes(pickle.dumps(_Touch(tmp_path / "pwned")))
    files["future"] = tmp_path / "future.pclf"
    _zip(
        _resign(
            _edit_meta(_members(toy_model_path), format_version=FORMAT_VERSION + 1)
        ),
        files["future"],
    )
    files["bomb"] = tmp_path / "bomb.pclf"
    files["bomb"].write_bytes(
        _patch_member(_zip(_members(toy_model_path)), "coef.npy", usize=2**31)
    )
    files["flipped"] = tmp_path / "flipped.pclf"
    flipped = bytearray(raw)
    flipped[len(raw) // 2] ^= 0xFF
    files["flipped"].write_bytes(flipped)
    return files


def test_cli_score_and_info_exit_1_with_the_message(toy_model_path, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("text\nvideo consults\n", encoding="utf-8")
    runner = CliRunner()
    for kind, bad in _hostile_files(tmp_path, toy_model_path).items():
        for args in (
            ["score", str(src), "--model", str(bad), "-o", str(tmp_path / "o.csv")],
            ["info", str(bad)],
        ):
            res = runner.invoke(cli, args, catch_exceptions=False)
            assert res.exit_code == 1, (kind, args[0], res.output)
            assert f"Cannot load model {str(bad)!r}" in res.stderr, (kind, res.stderr)
            assert "Traceback" not in res.stderr
        assert not (tmp_path / "o.csv").exists()
    assert not (tmp_path / "pwned").exists()


def test_cli_in_a_real_process_prints_no_traceback(toy_model_path, tmp_path):
    import subprocess

    bad = _hostile_files(tmp_path, toy_model_path)["bomb"]
    res = subprocess.run(
        [sys.executable, "-m", "purposeclf", "info", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 1
    assert "zip bomb" in res.stderr and "Traceback" not in res.stderr


@pytest.mark.parametrize(
    "field, value", [("scheme", "=cmd|' /C calc'!A0"), ("camp", "@SUM(1+1)")]
)
def test_formula_like_codebook_names_in_a_resigned_file_are_refused(
    toy_model_path, tmp_path, field, value
):
    members = _members(toy_model_path)
    meta = json.loads(members["metadata.json"])
    if field == "scheme":
        meta["codebook"]["scheme"] = value
    else:
        meta["codebook"]["labels"][0]["camp"] = value
    members["metadata.json"] = json.dumps(meta).encode()
    path = tmp_path / "names.pclf"
    _zip(_resign(members), path)
    _refused(path, match="must start with a letter")


def test_model_card_text_cannot_drive_the_terminal(toy_model_path, tmp_path):
    from click.testing import CliRunner

    from purposeclf.cli import cli

    members = _members(toy_model_path)
    evil = "x\x1b]0;owned\x07\x1b[2J\x9b31m"
    members = _resign(_edit_meta(members, name=evil))
    path = tmp_path / "escape.pclf"
    _zip(members, path)
    res = CliRunner().invoke(cli, ["info", str(path)])
    assert res.exit_code == 0, res.output
    assert "x?]0;owned??[2J?31m" in res.output
    assert not any(c in res.output for c in "\x1b\x07\x9b")
