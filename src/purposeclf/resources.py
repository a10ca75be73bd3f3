"""Where the files purposeclf ships live, in one place.

The built-in codebooks and data tables are package data (``purposeclf/codebooks``,
``purposeclf/data``). The bundled models and the corpus they were trained on
are package data of an installed wheel (``purposeclf/models``,
``purposeclf/corpus``) and, in a source checkout, the repository's ``models/``
and ``corpus/`` folders. Versions of purposeclf and of the libraries it uses,
as model cards and ``purposeclf info`` report them, are here too.

Examples
--------
>>> from purposeclf import resources
>>> resources.builtin_scheme_names()
('keep', 'purpose')
>>> sorted(resources.bundled_models())[:2]
['keep.v1', 'keep.v2']
>>> resources.version_key("keep.v2"), resources.version_key("mine")
(('keep', 2), ('mine', 0))
"""

from __future__ import annotations

import platform
from importlib import resources as _res
from pathlib import Path

from ._version import __version__

__all__ = [
    "MODEL_SUFFIX",
    "package_file",
    "codebook_file",
    "builtin_scheme_names",
    "model_dirs",
    "bundled_models",
    "version_key",
    "latest_bundled",
    "corpus_file",
    "source_root",
    "library_versions",
]

MODEL_SUFFIX = ".pclf"
"""The file name extension of model files."""

_PACKAGE = "purposeclf"


def package_file(*parts: str) -> Path:
    """A file shipped inside the package (``package_file("data", "x.json")``).

    Parameters
    ----------
    *parts : str
        Path parts below the package folder.

    Returns
    -------
    Path
    """
    return Path(str(_res.files(_PACKAGE).joinpath(*parts)))


def source_root() -> Path | None:
    """The repository folder when running from a source checkout, else ``None``."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() else None


def codebook_file(scheme: str) -> Path:
    """The JSON file of a built-in codebook.

    Parameters
    ----------
    scheme : str
        A built-in scheme.

    Returns
    -------
    Path
    """
    return package_file("codebooks", f"{scheme}.json")


def builtin_scheme_names() -> tuple[str, ...]:
    """Names of the codebooks shipped with purposeclf."""
    folder = package_file("codebooks")
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.suffix == ".json"))


def _shipped_dirs(name: str) -> list[Path]:
    dirs = [package_file(name)]
    root = source_root()
    if root is not None:
        dirs.append(root / name)
    return [d for d in dirs if d.is_dir()]


def model_dirs() -> list[Path]:
    """Folders holding bundled model files, the installed package's first."""
    return _shipped_dirs("models")


def bundled_models() -> dict[str, Path]:
    """Bundled model files by name (``keep.v1``, ``purpose.v2``, ...)."""
    found: dict[str, Path] = {}
    for d in model_dirs():
        for p in sorted(d.glob(f"*{MODEL_SUFFIX}")):
            found.setdefault(p.name[: -len(MODEL_SUFFIX)], p)
    return found


def version_key(name: str) -> tuple[str, int]:
    """``("keep", 2)`` for ``"keep.v2"``; ``(name, 0)`` for an unversioned name.

    Parameters
    ----------
    name : str
        A model name.

    Returns
    -------
    tuple of (str, int)
    """
    scheme, _, ver = name.rpartition(".v")
    return (scheme, int(ver)) if scheme and ver.isdigit() else (name, 0)


def latest_bundled(scheme: str) -> str | None:
    """The newest bundled model of a scheme (``"keep"`` gives ``"keep.v2"``).

    Parameters
    ----------
    scheme : str
        A scheme name.

    Returns
    -------
    str or None
    """
    versions = [n for n in bundled_models() if version_key(n)[0] == scheme]
    return max(versions, key=lambda n: version_key(n)[1]) if versions else None


def corpus_file(scheme: str) -> Path | None:
    """The labelled corpus a bundled model was trained on, if it ships.

    Parameters
    ----------
    scheme : str
        A built-in scheme.

    Returns
    -------
    Path or None
    """
    for d in _shipped_dirs("corpus"):
        p = d / f"{scheme}.csv"
        if p.is_file():
            return p
    return None


def library_versions(
    dists: tuple[str, ...] = ("numpy", "scipy", "scikit-learn", "spacy"),
) -> dict[str, str]:
    """Versions of purposeclf, Python and the given distributions.

    Parameters
    ----------
    dists : tuple of str
        Distributions to report besides purposeclf and Python.

    Returns
    -------
    dict of str to str
    """
    from importlib.metadata import PackageNotFoundError, version

    out = {"purposeclf": __version__, "python": platform.python_version()}
    for dist in dists:
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:  # pragma: no cover - optional in odd installs
            out[dist] = "not installed"
    return out
