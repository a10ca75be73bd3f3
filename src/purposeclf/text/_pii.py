"""Masking personal details in answers shown to people (reports, examples).

Examples
--------
>>> from purposeclf.text import mask_pii
>>> mask_pii("Ring me on 07700 900123 or write to j.bloggs@nhs.net")
'Ring me on [phone] or write to [email]'
"""

from __future__ import annotations

import re

__all__ = ["mask_pii"]

# Each pattern can only start where a token starts (the look-behinds), so masking
# takes time linear in the length of the text.
_EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")

# A run that may be a phone number: international (+44, 0044, any +country) or a
# UK national number starting with 0, with spaces, dashes and brackets between
# digit groups. :func:`_mask_phones` checks its digits and cuts it back group by
# group until it is a phone number (or nothing is left).
_SEP = r"[\d \u00a0()\-]{0,24}"

_PHONE = re.compile(rf"(?<![\w+])(?:(?:\+|00)[ \u00a0]?\d{_SEP}\d|\(?0\d{_SEP}\d)")

_LAST_GROUP = re.compile(r"[ \u00a0()\-]+\d+\)?$")

_NHS = re.compile(r"(?<![\w.,])(\d{3})([ \-]?)(\d{3})\2(\d{4})(?![\w]|[.,]\d)")


def _is_phone(run: str) -> bool:
    digits = re.sub(r"\D", "", run)
    if run.lstrip("(").startswith(("+", "00")):
        if digits.startswith("00"):
            digits = digits[2:]
        if digits.startswith("44"):  # UK: 44, an optional (0), then 9 or 10 digits
            rest = digits[2:]
            rest = rest[1:] if rest.startswith("0") else rest
            return len(rest) in (9, 10)
        return 8 <= len(digits) <= 15 and digits[0] != "0"  # E.164
    return (
        digits.startswith("0")
        and not digits.startswith("00")
        and len(digits) in (10, 11)
    )


def _mask_phones(text: str) -> str:
    out: list[str] = []
    pos = 0
    while (m := _PHONE.search(text, pos)) is not None:
        run = m.group(0)
        while run and not _is_phone(run):
            cut = _LAST_GROUP.search(run)
            run = run[: cut.start()] if cut else ""
        if run:  # what follows may start another number: "0161 ... 0161 ..."
            out.append(text[pos : m.start()] + "[phone]")
            pos = m.start() + len(run)
        else:
            out.append(text[pos : m.start() + 1])
            pos = m.start() + 1
    out.append(text[pos:])
    return "".join(out)


def _nhs_check_digit_ok(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _nhs(m: re.Match[str]) -> str:
    digits = m.group(1) + m.group(3) + m.group(4)
    if _nhs_check_digit_ok(digits):
        return "[NHS number]"
    # Ten digits in one run are some identifier; three groups that fail the
    # check are more likely separate numbers ("100 120 2020").
    return m.group(0) if m.group(2) else "[number]"


def mask_pii(text: str) -> str:
    """Mask e-mail addresses, phone numbers and NHS numbers in an answer.

    - E-mail addresses become ``[email]``.
    - Phone numbers become ``[phone]``: UK numbers written with a leading 0
      (10 or 11 digits: ``07700 900123``, ``020 7946 0000``, ``(0161) 496
      0000``, ``0800 123 4567``), ``+44``/``0044`` numbers with or without
      ``(0)``, and other international numbers written with ``+`` or ``00``
      (8 to 15 digits). Spaces, dashes and brackets between digit groups are
      allowed.
    - NHS numbers, ten digits written together or as 3-3-4 groups with
      spaces or dashes (``943 476 5919``), become ``[NHS number]`` when their
      mod-11 check digit is right. Any other run of ten digits written
      together becomes ``[number]``; 3-3-4 groups whose check digit is wrong
      are left alone (they are more likely three separate numbers).

    Shorter numbers, numbers without a leading 0 or +, percentages, dates and
    times are left alone. Names, addresses and postcodes are not detected.

    Parameters
    ----------
    text : str
        An answer.

    Returns
    -------
    str
        The answer with those details replaced.

    Examples
    --------
    >>> mask_pii("NHS no 943 476 5919, mob +44 (0)7700 900123")
    'NHS no [NHS number], mob [phone]'
    >>> mask_pii("2 years at 50% since 01/02/2020, 3 GPs and 12,000 patients")
    '2 years at 50% since 01/02/2020, 3 GPs and 12,000 patients'
    """
    if not text:
        return text
    text = _EMAIL.sub("[email]", text)
    text = _mask_phones(text)
    return _NHS.sub(_nhs, text)
