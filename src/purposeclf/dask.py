"""Score large data sets with Dask: DataFrames by partition, files on a cluster.

Needs the optional dependencies: ``pip install 'purposeclf[dask]'``. The
engine lives in :mod:`purposeclf.integrations.dask`; this module is its
public name.

Examples
--------
>>> import dask.dataframe as dd
>>> import pandas as pd
>>> from purposeclf.dask import score_dataframe
>>> df = pd.DataFrame({"id": ["007", "008"],
...                    "text": ["evening and weekend hub appointments", ""]})
>>> scored = score_dataframe(dd.from_pandas(df, npartitions=2), model="purpose")
>>> scored.compute(scheduler="sync")["purpose_labels"].tolist()
['extended_hours', '']
"""

from __future__ import annotations

from .exceptions import SchedulerConnectionError, WorkerModelMismatchError
from .integrations.dask import score_csv, score_dataframe

__all__ = [
    "score_dataframe",
    "score_csv",
    "SchedulerConnectionError",
    "WorkerModelMismatchError",
]
