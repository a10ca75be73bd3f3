"""Render an HTML report (from ``purposeclf report``) to a PNG with headless Chromium.

To see a report as a reader would, without opening a browser:

    python benchmarks/render_report.py report.html -o report.png
    python benchmarks/render_report.py coded.csv -o report.png  # makes the report

Chromium (``chromium``, ``chromium-browser`` or ``google-chrome`` on PATH) takes
the screenshot. Without one the script says it is skipping and exits 0, so it can
run anywhere. Importable: :func:`find_browser` and :func:`render`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_browser() -> str | None:
    """The first headless-capable Chromium-family browser on PATH, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def render(
    html_path: str | Path,
    png_path: str | Path,
    *,
    width: int = 1200,
    height: int = 2000,
    browser: str | None = None,
    timeout: float = 120.0,
) -> Path | None:
    """Screenshot ``html_path`` into ``png_path``; None when there is no browser.

    Raises
    ------
    RuntimeError
        If the browser ran but wrote no PNG.
    """
    browser = browser or find_browser()
    if browser is None:
        return None
    html_file = Path(html_path).resolve()
    png = Path(png_path).resolve()
    png.parent.mkdir(parents=True, exist_ok=True)
    if png.exists():
        png.unlink()
    with tempfile.TemporaryDirectory(prefix="purposeclf-chromium-") as profile:
        cmd = [
            browser,
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--hide-scrollbars",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-extensions",
            f"--user-data-dir={profile}",
            f"--screenshot={png}",
            f"--window-size={width},{height}",
            html_file.as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if not png.is_file() or png.stat().st_size == 0:
        raise RuntimeError(
            f"{browser} wrote no screenshot (exit {proc.returncode}): "
            f"{proc.stderr.strip()[-500:]}"
        )
    return png


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path, help="report.html, or a scored file")
    parser.add_argument("-o", "--output", type=Path, default=None, help="PNG to write")
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=2000)
    args = parser.parse_args(argv)
    html_file = args.input
    png = args.output or args.input.with_suffix(".png")
    if find_browser() is None:
        print(
            "Chromium not found (chromium, chromium-browser or google-chrome); "
            "skipping the screenshot."
        )
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        if html_file.suffix.lower() not in (".html", ".htm"):
            from purposeclf.reports import write_report

            html_file = Path(tmp) / "report.html"
            write_report(args.input, html_file)
        render(html_file, png, width=args.width, height=args.height)
    print(f"wrote {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
