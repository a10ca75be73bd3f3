"""Metrics: the F1 family, coverage at a precision, paired bootstrap, folds, agreement.

Pure numpy, on 0/1 indicator matrices of shape (n_answers, n_labels).

Examples
--------
>>> import numpy as np
>>> from purposeclf.metrics import multilabel_report
>>> r = multilabel_report(np.array([[1, 0], [0, 1]]), np.array([[1, 0], [0, 0]]),
...                       ["a", "b"])
>>> r["macro_f1"], r["exact_match"]
(0.5, 0.5)
"""

from __future__ import annotations

from ._agreement import (
    NO_LABEL,
    agreement_report,
    alpha_reading,
    cohen_kappa,
    kappa_reading,
    krippendorff_alpha,
)
from ._bootstrap import paired_bootstrap, verdict
from ._coverage import coverage_curve
from ._f1 import (
    f1_from_counts,
    f1_summary,
    micro_f1_from_counts,
    multilabel_report,
    summary_figures,
)
from ._folds import fold_indices
from ._shares import (
    MIN_SEPARATION,
    adjusted_share,
    confusion_counts,
    estimate_shares,
    share_columns,
)

__all__ = [
    "f1_from_counts",
    "micro_f1_from_counts",
    "f1_summary",
    "multilabel_report",
    "summary_figures",
    "coverage_curve",
    "paired_bootstrap",
    "verdict",
    "fold_indices",
    "cohen_kappa",
    "krippendorff_alpha",
    "agreement_report",
    "kappa_reading",
    "alpha_reading",
    "NO_LABEL",
    "share_columns",
    "confusion_counts",
    "adjusted_share",
    "estimate_shares",
    "MIN_SEPARATION",
]
