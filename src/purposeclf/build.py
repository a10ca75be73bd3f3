"""Build the bundled models from the corpus: ``python -m purposeclf.build``.

For each scheme this cross-validates the default recipe on ``corpus/<scheme>.csv``
(5 folds, thresholds tuned inside each training fold, so the figures are
held-out), trains the final model on the whole corpus, and writes
``models/<scheme>.v<N>.pclf`` with the cross-validated metrics in its model card.
The seed is fixed, so the same corpus gives the same model.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .codebook import load_codebook
from .evaluation import cross_validate
from .labelled import read_labelled
from .metrics import confusion_counts, summary_figures
from .resources import MODEL_SUFFIX, source_root

__all__ = ["build"]

logger = logging.getLogger(__name__)

MODEL_VERSION = {"keep": 3, "purpose": 3}


def build(
    corpus_dir: Path, out_dir: Path, schemes: list[str], *, folds: int = 5
) -> None:
    from .model import PurposeClassifier, save

    for scheme in schemes:
        cb = load_codebook(scheme)
        data = read_labelled(corpus_dir / f"{scheme}.csv", codebook=cb)
        logger.info("%s: %d answers", scheme, len(data))
        report = cross_validate(data.texts, list(data.labels), cb, folds=folds)
        arrays = report.pop("_arrays")
        # Error rates measured on answers each fold's model never saw (thresholds
        # tuned inside the training folds): what corrects counted shares.
        confusion = confusion_counts(arrays["Y"], arrays["pred"], cb)
        clf = PurposeClassifier(codebook=cb, random_state=0).fit(
            data.texts, data.labels
        )
        name = f"{scheme}.v{MODEL_VERSION.get(scheme, 1)}"
        cv = summary_figures(report)
        path = save(
            clf,
            out_dir / f"{name}{MODEL_SUFFIX}",
            name=name,
            metrics={"cv5": cv, "cv5_confusion": confusion},
            extra={"data": {"source": f"corpus/{scheme}.csv"}},
        )
        print(
            f"{name}: {len(data)} answers, {folds}-fold CV macro-F1 "
            f"{cv['macro_f1']:.3f} "
            f"micro-F1 {cv['micro_f1']:.3f} -> {path} "
            f"({path.stat().st_size / 1e6:.1f} MB)"
        )


def main(argv: list[str] | None = None) -> int:
    root = source_root() or Path.cwd()
    p = argparse.ArgumentParser(prog="python -m purposeclf.build", description=__doc__)
    p.add_argument("--corpus", type=Path, default=root / "corpus")
    p.add_argument("--out", type=Path, default=root / "models")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("schemes", nargs="*", default=["keep", "purpose"])
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    build(args.corpus, args.out, args.schemes, folds=args.folds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
