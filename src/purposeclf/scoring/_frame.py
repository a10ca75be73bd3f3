"""Scoring pandas DataFrames."""

from __future__ import annotations

import os
from typing import Any

from ..exceptions import ColumnNotFoundError
from ..text import as_text
from ._scorer import get_scorer

__all__ = ["score_frame"]


def score_frame(
    df: Any,
    *,
    text_column: str = "text",
    model: str | os.PathLike[str] | Any = "keep",
    review_below: float | None = None,
    chunk_size: int = 50_000,
) -> Any:
    """Score a pandas DataFrame: a new frame, same index, with the output columns.

    Parameters
    ----------
    df : pandas.DataFrame
        The answers; other columns are kept as they are.
    text_column : str, default="text"
        Column holding the answers (missing values are empty answers).
    model : str, Path or a loaded model, default="keep"
        Bundled model (``"keep"``, ``"purpose"``, ``"keep.v1"``), model file,
        or a model loaded or fitted in Python (see :func:`get_scorer`).
    review_below : float, default=None
        Add a ``needs_review`` column (see :func:`score_file`).

    Returns
    -------
    pandas.DataFrame
        ``df``'s columns followed by the label, camp and probability columns
        (probabilities as floats).

    Examples
    --------
    >>> import pandas as pd
    >>> from purposeclf import score_frame
    >>> df = pd.DataFrame({"text": ["evening and weekend hub appointments", None]},
    ...                   index=[10, 20])
    >>> out = score_frame(df, model="purpose")
    >>> out.loc[10, "purpose_labels"], out.loc[20, "purpose_labels"]
    ('extended_hours', '')
    """
    import pandas as pd

    if text_column not in df.columns:
        raise ColumnNotFoundError(
            text_column, [str(c) for c in df.columns], source="the DataFrame"
        )
    scorer = get_scorer(model, review_below=review_below)
    texts = [as_text(t) for t in df[text_column].tolist()]
    parts = []
    for start in range(0, len(texts), chunk_size):
        proba, decided = scorer.score_texts(texts[start : start + chunk_size])
        parts.append(scorer.format_rows(proba, decided))
    cells = [row for part in parts for row in part]
    new = pd.DataFrame(cells, columns=scorer.columns, index=df.index)
    for c in scorer.columns:
        if c.startswith(f"{scorer.scheme}_p_"):
            new[c] = new[c].astype(float)
    return pd.concat(
        [df.drop(columns=[c for c in scorer.columns if c in df.columns]), new], axis=1
    )
