"""What every command shares: error handling, verbosity, and the common options."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..exceptions import PurposeclfError
from ..resources import builtin_scheme_names

F = TypeVar("F", bound=Callable[..., Any])

InFile = click.Path(exists=True, dir_okay=False, path_type=Path)


def friendly(func: F) -> F:
    """Turn library errors into click errors: message on stderr, exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PurposeclfError as exc:
            raise click.ClickException(str(exc)) from None
        except (FileExistsError, PermissionError, IsADirectoryError) as exc:
            raise click.ClickException(str(exc)) from None
        except ValueError as exc:
            # Parameter errors raised by the estimator's checks.
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def verbosity(func: F) -> F:
    """-v/-q on every command too, so `purposeclf score x.csv -v` works."""

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        obj = ctx.find_root().ensure_object(dict)
        if param.name == "quiet" and value:
            obj["quiet"] = True
        if param.name == "verbose" and value:
            obj["verbose"] = obj.get("verbose", 0) + value
        setup_logging(obj.get("verbose", 0), obj.get("quiet", False))
        return value

    func = click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        callback=callback,
        help="Only errors on stderr; no progress.",
    )(func)
    return click.option(
        "-v",
        "--verbose",
        count=True,
        expose_value=False,
        callback=callback,
        help="More messages on stderr (-v info, -vv debug).",
    )(func)


def setup_logging(verbose: int, quiet: bool) -> None:
    level = (
        logging.ERROR
        if quiet
        else [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root = logging.getLogger("purposeclf")
    root.handlers[:] = [handler]
    root.setLevel(level)


def stderr_is_terminal() -> bool:
    """Progress goes to a person at a terminal, never into a pipe or a file."""
    return sys.stderr.isatty()


class ModelSpec(click.ParamType):
    """A model: a file made by ``purposeclf train`` or a bundled name (``keep.v1``)."""

    name = "MODEL"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Any:
        if isinstance(value, Path):
            return value
        from ..exceptions import ModelFileError, UnknownSchemeError
        from ..model import resolve_model_path

        try:
            resolve_model_path(value)
        except (ModelFileError, UnknownSchemeError) as exc:
            self.fail(str(exc), param, ctx)
        return Path(value) if Path(value).is_file() else str(value)


MODEL = ModelSpec()


def model_options(func: F) -> F:
    """--scheme and --model: which model to use (default: the bundled keep)."""
    func = click.option(
        "--model",
        type=MODEL,
        default=None,
        help="A model file made by 'purposeclf train', or a bundled model by name "
        "(keep, purpose, or a version such as keep.v1).",
    )(func)
    return click.option(
        "--scheme",
        type=click.Choice(builtin_scheme_names()),
        default=None,
        help="The bundled model of this scheme (default: keep).",
    )(func)


def model_spec(scheme: str | None, model: str | Path | None) -> str | Path:
    """The model --scheme/--model name (--scheme keep when neither is given)."""
    if scheme and model:
        raise click.UsageError("Give either --scheme or --model, not both.")
    return model if model is not None else (scheme or "keep")


def on_conflict_option(f: Any) -> Any:
    """``--on-conflict``: the same answer with different labels in a labelled file."""
    return click.option(
        "--on-conflict",
        type=click.Choice(["error", "majority", "union", "drop"]),
        default="error",
        show_default=True,
        help="The same answer labelled differently on different rows (common in "
        "real files: 'n/a', 'Nothing'): stop, keep the labels most rows give, "
        "keep any label given, or leave the answer out.",
    )(f)
