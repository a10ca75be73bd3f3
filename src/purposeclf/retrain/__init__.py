"""The retraining loop: compare models, pick answers to label, audit labels.

Four steps of keeping a model in shape as new survey waves arrive:

* :func:`compare_models` tells whether a retrained model is really better than
  the one in use, with a paired bootstrap confidence interval of the macro-F1
  difference (:func:`paired_bootstrap`) and a table (:func:`format_comparison`).
* :func:`select_for_review` picks the unlabelled answers whose labels would teach
  the model most (those nearest the decision thresholds, summed over labels);
  :func:`write_review_file` / :func:`make_review_file` write them to a CSV that a
  person corrects in a spreadsheet, and
  :func:`purposeclf.labelled.read_review_file` reads the corrected file straight
  back into training.
* :func:`audit` ranks labelled answers by how likely their labels are wrong,
  from out-of-fold predictions (confident learning).
* :func:`simulate_active_learning` measures, on labelled data, what picking
  answers with :func:`select_for_review` gains over picking them at random.

Nothing here prints or exits; progress goes to ``logging.getLogger(__name__)``.
"""

from __future__ import annotations

from ..labelled import GUESS_COLUMN, read_review_file
from ..metrics import paired_bootstrap
from ._audit import audit
from ._compare import compare_models, format_comparison
from ._review import make_review_file, select_for_review, write_review_file
from ._simulate import simulate_active_learning

__all__ = [
    "compare_models",
    "paired_bootstrap",
    "format_comparison",
    "select_for_review",
    "write_review_file",
    "make_review_file",
    "read_review_file",
    "audit",
    "simulate_active_learning",
    "GUESS_COLUMN",
]
