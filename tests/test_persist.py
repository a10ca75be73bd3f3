from __future__ import annotations

import io
import json
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

import purposeclf
from purposeclf import ModelFileError, UnknownSchemeError, load
from purposeclf.model import FORMAT_VERSION, load_model
from purposeclf.model._format import _digest

from .conftest import TOY_TEXTS


def _rewrite(src: Path, dst: Path, edit) -> Path:
    """Copy a model archive, letting ``edit(members)`` change its members."""
    with zipfile.ZipFile(src) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    edit(members)
    with zipfile.ZipFile(dst, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return dst


def test_round_trip_identical_predictions(toy_model_path):
    a = load(toy_model_path)
    b = load(toy_model_path)
    np.testing.assert_array_equal(
        a.predict_proba(TOY_TEXTS), b.predict_proba(TOY_TEXTS)
    )
    assert a.metadata_["format_version"] == FORMAT_VERSION
    for key in ("versions", "codebook", "training", "metrics", "sha256", "created"):
        assert key in a.metadata_
    assert a.metadata_["training"]["n_samples"] == len(TOY_TEXTS)


def test_flipped_byte_in_an_array_is_refused(toy_model_path, tmp_path):
    def flip(members):
        raw = bytearray(members["coef.npy"])
        raw[-3] ^= 0x55
        members["coef.npy"] = bytes(raw)

    bad = _rewrite(toy_model_path, tmp_path / "bad.pclf", flip)
    with pytest.raises(
        ModelFileError, match=r"bad\.pclf.*SHA-256 checksum does not match"
    ):
        load(bad)


def test_edited_metadata_is_refused(toy_model_path, tmp_path):
    def relabel(members):
        meta = json.loads(members["metadata.json"])
        meta["codebook"]["labels"][0]["id"] = "something_else"
        members["metadata.json"] = json.dumps(meta).encode()

    bad = _rewrite(toy_model_path, tmp_path / "relabelled.pclf", relabel)
    with pytest.raises(ModelFileError, match="checksum"):
        load(bad)


def test_truncated_file_is_refused(toy_model_path, tmp_path):
    raw = toy_model_path.read_bytes()
    bad = tmp_path / "cut.pclf"
    bad.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ModelFileError, match=r"cut\.pclf.*(damaged|truncated)"):
        load(bad)


def test_pickle_where_a_model_should_be_is_refused_and_never_run(tmp_path):
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (Path.touch, (marker,))

    evil = tmp_path / "model.pclf"
    evil.write_bytes(pickle.dumps(Evil()))
    with pytest.raises(ModelFileError, match="pickle"):
        load(evil)
    assert not marker.exists()

    # A pickled object array inside an otherwise valid-looking archive.
    buf = io.BytesIO()
    np.save(buf, np.array([Evil()], dtype=object), allow_pickle=True)
    sneaky = tmp_path / "sneaky.pclf"
    with zipfile.ZipFile(sneaky, "w") as zf:
        zf.writestr(
            "metadata.json",
            json.dumps(
                {
                    "format": "purposeclf-model",
                    "format_version": 1,
                    "arrays": {"coef": {"dtype": "|O", "shape": [1]}},
                }
            ),
        )
        zf.writestr("coef.npy", buf.getvalue())
    with pytest.raises(ModelFileError, match="dtype"):
        load(sneaky)
    assert not marker.exists()


def test_newer_format_version_is_refused_with_upgrade_hint(toy_model_path, tmp_path):
    def bump(members):
        meta = json.loads(members["metadata.json"])
        meta["format_version"] = FORMAT_VERSION + 1
        members["metadata.json"] = json.dumps(meta).encode()

    bad = _rewrite(toy_model_path, tmp_path / "future.pclf", bump)
    with pytest.raises(ModelFileError, match="newer .* upgrade purposeclf"):
        load(bad)


def test_foreign_files_are_refused(tmp_path):
    txt = tmp_path / "notes.pclf"
    txt.write_text("hello")
    with pytest.raises(ModelFileError, match="not a purposeclf model"):
        load(txt)
    z = tmp_path / "other.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("readme.txt", "hi")
    with pytest.raises(ModelFileError, match="metadata.json"):
        load(z)
    with pytest.raises(ModelFileError, match="no such file"):
        load(tmp_path / "missing.pclf")
    with pytest.raises(UnknownSchemeError, match="keep"):
        load("no_such_scheme")


def test_huge_declared_array_is_refused_before_reading(toy_model_path, tmp_path):
    def inflate(members):
        raw = bytearray(members["intercept.npy"])
        header_end = raw.index(b"\n") + 1
        header = raw[:header_end].decode("latin1")
        shape_at = header.index("'shape': (") + len("'shape': (")
        new = header[:shape_at] + "99999999999" + header[header.index(",", shape_at) :]
        new = new[: header_end - 1].ljust(header_end - 1) + "\n"
        members["intercept.npy"] = new.encode("latin1") + bytes(raw[header_end:])

    bad = _rewrite(toy_model_path, tmp_path / "huge.pclf", inflate)
    with pytest.raises(ModelFileError, match="declares shape"):
        load(bad)


def test_bundled_models_load_and_carry_a_card():
    models = purposeclf.bundled_models()
    assert {"keep.v1", "purpose.v1"} <= set(models)
    for scheme in ("keep", "purpose"):
        bundle = load_model(scheme)
        meta = bundle.metadata
        assert meta["scheme"] == scheme
        assert meta["metrics"]["cv5"]["macro_f1"] > 0.5
        assert meta["training"]["n_samples"] >= 1000
        assert meta["sha256"] == _digest(
            meta,
            {
                **bundle.model.featurizer.to_arrays(),
                "coef": bundle.model.coef,
                "intercept": bundle.model.intercept,
                "thresholds": bundle.model.thresholds,
            },
        )


def test_scheme_names_resolve_to_the_newest_and_older_versions_stay_as_they_were():
    models = purposeclf.bundled_models()
    assert {"keep.v1", "keep.v2", "purpose.v1", "purpose.v2"} <= set(models)
    for scheme in ("keep", "purpose"):
        newest = load_model(scheme)
        top = max(int(n.rsplit(".v", 1)[1]) for n in models if n.startswith(scheme))
        assert newest.path == str(models[f"{scheme}.v{top}"]) and top >= 2
        assert newest.model.featurizer.weighting == "additive"
        old = load_model(f"{scheme}.v1")
        assert old.model.featurizer.weighting == "sublinear_l2"
        assert old.metadata["sha256"] != newest.metadata["sha256"]
    # The first versions still give their documented answers.
    assert purposeclf.load("keep.v1").predict_labels(
        ["Keep the video consultations and the daily team huddle"]
    ) == [("digital_tools", "great_teams")]
