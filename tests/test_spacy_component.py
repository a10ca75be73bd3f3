from __future__ import annotations

import pickle
import shutil
import subprocess
import sys

import numpy as np
import pytest
import spacy

from purposeclf.exceptions import ModelFileError, UnknownSchemeError
from purposeclf.integrations.spacy_component import PurposeclfComponent
from purposeclf.scoring import get_scorer

TEXTS = [
    "Keep the video consultations and the daily team huddle",
    "Evening and weekend appointments at the hub",
    "free food and a rest room for staff",
    "n/a",
    "",
    "telephone triage first, then a face to face appointment if needed",
    "working with schools and families on prevention, and the DES money",
]


def annotations(docs):
    return [(dict(d.cats), d._.purposeclf_labels) for d in docs]


@pytest.fixture
def nlp_keep():
    nlp = spacy.blank("en")
    nlp.add_pipe("purposeclf", config={"scheme": "keep"})
    return nlp


def test_factory_is_found_through_the_entry_point_without_importing_purposeclf(
    tmp_path,
):
    code = (
        "import sys, spacy\n"
        "assert 'purposeclf' not in sys.modules\n"
        "nlp = spacy.blank('en')\n"
        "nlp.add_pipe('purposeclf', config={'scheme': 'purpose'})\n"
        "doc = nlp('Evening and weekend appointments at the hub')\n"
        "print(doc._.purposeclf_labels)\n"
    )
    res = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "['extended_hours']"


@pytest.mark.parametrize("scheme", ["keep", "purpose"])
def test_cats_and_labels_agree_with_score_texts(scheme):
    nlp = spacy.blank("en")
    nlp.add_pipe("purposeclf", config={"scheme": scheme})
    scorer = get_scorer(scheme)
    proba, decided = scorer.score_texts(TEXTS)
    for i, text in enumerate(TEXTS):
        doc = nlp(text)
        assert list(doc.cats) == list(scorer.codebook.ids)
        assert all(type(v) is float and 0.0 <= v <= 1.0 for v in doc.cats.values())
        np.testing.assert_allclose(list(doc.cats.values()), proba[i], atol=1e-12)
        want = [
            lab for lab, d in zip(scorer.codebook.ids, decided[i], strict=True) if d
        ]
        assert doc._.purposeclf_labels == want
    # The examples are not all unlabelled: the test can tell labels apart.
    assert decided.any() and not decided.all(axis=1).any()


def test_pipe_in_batches_equals_one_by_one(nlp_keep):
    one_by_one = annotations(nlp_keep(t) for t in TEXTS)
    for batch_size in (1, 3, 100):
        assert annotations(nlp_keep.pipe(TEXTS, batch_size=batch_size)) == one_by_one


def test_component_pipe_scores_each_batch_once(nlp_keep, monkeypatch):
    clf = nlp_keep.get_pipe("purposeclf")
    calls = []
    real = clf.scorer.score_texts
    monkeypatch.setattr(
        clf.scorer, "score_texts", lambda texts: calls.append(len(texts)) or real(texts)
    )
    docs = list(clf.pipe((nlp_keep.make_doc(t) for t in TEXTS), batch_size=3))
    assert [d.text for d in docs] == TEXTS
    assert calls == [3, 3, 1]


def test_multiprocessing_gives_the_same_annotations(nlp_keep):
    texts = TEXTS * 2
    serial = annotations(nlp_keep.pipe(texts, n_process=1))
    parallel = annotations(nlp_keep.pipe(texts, n_process=2, batch_size=4))
    assert parallel == serial


def test_pickled_component_reloads_its_model_and_scores_the_same(toy_model_path):
    clf = PurposeclfComponent("c", model=str(toy_model_path))
    nlp = spacy.blank("en")
    doc = clf(nlp.make_doc(TEXTS[0]))
    data = pickle.dumps(clf)
    assert len(data) < 1000  # the model's arrays are not in the pickle
    copy = pickle.loads(data)
    assert copy._scorer is None and copy.spec == str(toy_model_path)
    again = copy(nlp.make_doc(TEXTS[0]))
    assert again.cats == doc.cats
    assert again._.purposeclf_labels == doc._.purposeclf_labels


def test_to_disk_and_spacy_load_round_trip(nlp_keep, tmp_path):
    before = annotations(nlp_keep.pipe(TEXTS))
    nlp_keep.to_disk(tmp_path / "pipeline")
    assert (tmp_path / "pipeline" / "purposeclf" / "model.pclf").is_file()
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == ["purposeclf"]
    assert annotations(loaded.pipe(TEXTS)) == before


def test_saved_pipeline_carries_a_user_model(toy_model_path, tmp_path):
    own = tmp_path / "own.pclf"
    shutil.copyfile(toy_model_path, own)
    nlp = spacy.blank("en")
    nlp.add_pipe("purposeclf", config={"model": str(own)})
    before = annotations(nlp.pipe(TEXTS))
    nlp.to_disk(tmp_path / "pipeline")
    own.unlink()  # the saved pipeline must not need the original file
    loaded = spacy.load(tmp_path / "pipeline")
    assert annotations(loaded.pipe(TEXTS)) == before
    # The toy model differs from the bundled keep model: the copy is really used.
    keep = spacy.blank("en")
    keep.add_pipe("purposeclf")
    assert annotations(keep.pipe(TEXTS)) != before


def test_from_disk_refuses_a_damaged_model(nlp_keep, tmp_path):
    nlp_keep.to_disk(tmp_path / "pipeline")
    model = tmp_path / "pipeline" / "purposeclf" / "model.pclf"
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="Cannot load model"):
        spacy.load(tmp_path / "pipeline")


def test_unknown_scheme_is_a_clear_error():
    nlp = spacy.blank("en")
    with pytest.raises(UnknownSchemeError, match=r"scheme or model 'nope'.*keep"):
        nlp.add_pipe("purposeclf", config={"scheme": "nope"})
    assert nlp.pipe_names == []


def test_bad_threshold_is_a_clear_error():
    nlp = spacy.blank("en")
    with pytest.raises(ValueError, match=r"'threshold' parameter .* Got 1\.5 instead"):
        nlp.add_pipe("purposeclf", config={"threshold": 1.5})


def test_missing_model_file_fails_when_first_needed(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("purposeclf", config={"model": str(tmp_path / "missing.pclf")})
    with pytest.raises(ModelFileError, match="missing.pclf"):
        nlp("some answer")


def test_threshold_overrides_the_tuned_thresholds():
    nlp = spacy.blank("en")
    nlp.add_pipe("purposeclf", config={"scheme": "keep", "threshold": 0.01})
    scorer = get_scorer("keep")
    proba, decided = scorer.score_texts(TEXTS)
    ids = scorer.codebook.ids
    for text, p in zip(TEXTS, proba, strict=True):
        want = [i for i, x in zip(ids, p, strict=True) if x >= 0.01]
        assert nlp(text)._.purposeclf_labels == want
    assert (proba >= 0.01).sum() > decided.sum()


def test_two_components_share_cats_and_the_extension():
    nlp = spacy.blank("en")
    nlp.add_pipe("purposeclf", name="keep", config={"scheme": "keep"})
    nlp.add_pipe("purposeclf", name="purpose", config={"scheme": "purpose"})
    doc = nlp("Evening and weekend appointments at the hub")
    ids = get_scorer("keep").codebook.ids + get_scorer("purpose").codebook.ids
    assert list(doc.cats) == list(ids)
    assert doc._.purposeclf_labels == ["extended_hours"]  # the last component's
