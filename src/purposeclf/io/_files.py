"""Files written safely: temporary name, rename into place; fixed-time ZIP members."""

from __future__ import annotations

import codecs
import contextlib
import datetime as _dt
import io
import logging
import os
import re
import secrets
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_replace", "AtomicWriter", "source_date", "fixed_zipinfo"]

logger = logging.getLogger("purposeclf.io")

_REPLACED = [0]  # characters the output encoding could not hold, so far


def _replace_unencodable(exc: UnicodeError) -> tuple[bytes, int]:
    """Codec error handler: write U+FFFD for what the encoding cannot hold.

    In UTF-8 that is only a lone surrogate, which a JSON Lines input can hold
    as an escape but no UTF-8 text can.
    """
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    n = exc.end - exc.start
    _REPLACED[0] += n
    # Bytes: the UTF-8 encoder accepts only ASCII text from an error handler.
    return ("\ufffd" * n).encode(exc.encoding, "replace"), exc.end


codecs.register_error("purposeclf.replace", _replace_unencodable)


def source_date() -> _dt.datetime | None:
    """``SOURCE_DATE_EPOCH`` as a UTC datetime, or None when it is not set.

    The reproducible-builds convention: when it is set, files record this time
    instead of the current one, so the same inputs give byte-identical files.
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    try:
        return _dt.datetime.fromtimestamp(int(raw), _dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise ValueError(
            f"The SOURCE_DATE_EPOCH environment variable must be a whole number of "
            f"seconds since 1970-01-01 UTC. Got {raw!r} instead; fix or unset it."
        ) from None


@contextlib.contextmanager
def atomic_replace(
    target: str | os.PathLike[str], *, suffix: str = ".partial"
) -> Iterator[str]:
    """Name a new empty file beside ``target`` that becomes ``target`` if all goes well.

    The file, ``.<name>.<random><suffix>``, is renamed onto ``target`` when the
    ``with`` block ends normally and removed when it raises, so ``target`` is
    never seen half-written. It is created with the permissions of any new
    file (0666 less the umask), not the 0600 of :func:`tempfile.mkstemp`.

    Parameters
    ----------
    target : str or Path
        The file to (re)place.
    suffix : str, default=".partial"
        Suffix of the temporary name.

    Yields
    ------
    str
        The temporary file's path, to write to.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    while True:
        tmp = target.parent / f".{target.name}.{secrets.token_hex(4)}{suffix}"
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            break
        except FileExistsError:
            continue
    try:
        yield str(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class AtomicWriter:
    """A text file written to a temporary name and renamed into place on success.

    ``path`` of ``None`` or ``"-"`` writes to standard output instead. Characters
    the encoding cannot hold (in UTF-8, only lone surrogates) are written as
    U+FFFD and counted in a warning.
    """

    def __init__(self, path: str | os.PathLike[str] | None, *, encoding: str = "utf-8"):
        self.target = None if path in (None, "-") else Path(path)  # type: ignore[arg-type]
        self.encoding = encoding
        self._replaced = 0
        self.handle: IO[str]

    def __enter__(self) -> IO[str]:
        self._replaced = _REPLACED[0]
        if self.target is None:
            self.handle = (
                io.TextIOWrapper(
                    sys.stdout.buffer,
                    encoding=self.encoding,
                    errors="purposeclf.replace",
                    newline="",
                    write_through=False,
                )
                if hasattr(sys.stdout, "buffer")
                else sys.stdout
            )
            return self.handle
        self._publish = atomic_replace(self.target)
        tmp = self._publish.__enter__()
        try:
            self.handle = open(
                tmp,
                "w",
                encoding=self.encoding,
                errors="purposeclf.replace",
                newline="",
            )
        except BaseException as exc:
            self._publish.__exit__(type(exc), exc, exc.__traceback__)
            raise
        return self.handle

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self.target is None:
            with contextlib.suppress(BrokenPipeError):
                self.handle.flush()
            if (
                isinstance(self.handle, io.TextIOWrapper)
                and self.handle is not sys.stdout
            ):
                self.handle.detach()
            self._warn_replaced()
            return
        try:
            self.handle.close()
        except BaseException as close_exc:
            self._publish.__exit__(type(close_exc), close_exc, close_exc.__traceback__)
            raise
        self._publish.__exit__(exc_type, exc, tb)
        if exc_type is None:
            self._warn_replaced()

    def _warn_replaced(self) -> None:
        n = _REPLACED[0] - self._replaced
        if n:
            logger.warning(
                "%d character(s) could not be written as %s (lone surrogates from "
                "\\u escapes in the input) and were written as U+FFFD; write .jsonl "
                "output to keep them",
                n,
                self.encoding,
            )


_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

_CORE_DATES = re.compile(rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>")


def fixed_zipinfo(
    name: str, date_time: tuple[int, ...] = _ZIP_EPOCH
) -> zipfile.ZipInfo:
    """A deflated archive member stamped with one fixed time and mode 0644, made
    as on Unix whatever the platform, so equal content gives equal bytes."""
    info = zipfile.ZipInfo(name, date_time=date_time)  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


class _FixedTimeZip(zipfile.ZipFile):
    """A ZipFile that stamps every member with one fixed time and mode."""

    stamp: tuple[int, ...] = _ZIP_EPOCH
    drop_dates = False  # leave dcterms:created/modified out of docProps/core.xml

    def _info(self, name: str) -> zipfile.ZipInfo:
        return fixed_zipinfo(name, self.stamp)

    def writestr(  # type: ignore[override]
        self, zinfo_or_arcname: str | zipfile.ZipInfo, data: Any, *args: Any, **kw: Any
    ) -> None:
        if isinstance(zinfo_or_arcname, str):
            if self.drop_dates and zinfo_or_arcname == "docProps/core.xml":
                raw = data if isinstance(data, bytes) else data.encode()
                data = _CORE_DATES.sub(b"", raw)
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, *args, **kw)

    def write(  # type: ignore[override]
        self, filename: Any, arcname: Any = None, *args: Any, **kw: Any
    ) -> None:
        import shutil

        info = self._info(str(arcname or os.path.basename(filename)))
        with open(filename, "rb") as src, self.open(info, "w") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
