"""The model file format: its name, version, limits and checksum."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import numpy as np

__all__ = ["FORMAT", "FORMAT_VERSION"]

FORMAT = "purposeclf-model"

FORMAT_VERSION = 1

_META = "metadata.json"

_ALLOWED_DTYPES = {"<f4", "<f8", "|u1", "<i4", "<i8"}

_MAX_META_BYTES = 16 * 2**20

_MAX_TOTAL_BYTES = 1 * 2**30

_MAX_MEMBERS = 64

_MAX_RATIO = 100  # deflate of real model arrays gives 1.3x to 5x

_RATIO_FLOOR = 1 * 2**20  # members smaller than this may compress any amount

_MEMBER_NAME = re.compile(r"[A-Za-z0-9_]{1,64}\.npy")


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
