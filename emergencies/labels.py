"""What the office calls a report of the chain: 电话首报 / 书面首报, 续报一、续报二…, 终报.

A pure function of the report's kind, its follow-up number and its channel, used by every page,
notification, deadline and export that names a report. Follow-ups are numbered in Chinese
numerals, as offices write them (续报一); in another language the number stays in digits.
"""

from django.utils.translation import get_language
from django.utils.translation import gettext as _

_DIGITS = "零一二三四五六七八九"
_UNITS = ((1000, "千"), (100, "百"), (10, "十"))


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 101 → 一百零一, 1010 → 一千零一十 (0 < n < 10000)."""
    if not 0 < n < 10000:
        raise ValueError(f"no Chinese numeral for {n}")
    out = ""
    rest = n
    gap = False  # a zero place between two written places is read 零, once
    for value, name in _UNITS:
        digit, rest = divmod(rest, value)
        if digit:
            if gap:
                out += "零"
            # 十二, not 一十二, when ten is the highest place; 一百一十 inside a larger number
            out += ("" if value == 10 and digit == 1 and not out else _DIGITS[digit]) + name
            gap = False
        elif out:
            gap = True
    if rest:
        if gap:
            out += "零"
        out += _DIGITS[rest]
    return out


def ordinal_text(n: int) -> str:
    language = get_language() or ""
    return chinese_numeral(n) if language.startswith("zh") else str(n)


def report_label(kind: str, ordinal: int = 0, channel: str = "") -> str:
    """The name of one report: kind is a ReportKind value, ordinal its follow-up number (0 for
    the initial and final reports), channel a Channel value ("" when it is not known or not owed
    yet, as for a deadline)."""
    if kind == "initial":
        if channel == "phone":
            return _("Phone initial report")
        if channel == "written":
            return _("Written initial report")
        return _("Initial report")
    if kind == "final":
        return _("Final report")
    if kind == "supplement":
        if ordinal < 1:
            return _("Supplementary report")
        return _("Supplementary report no. %(n)s") % {"n": ordinal_text(ordinal)}
    if ordinal < 1:
        return _("Follow-up report")
    return _("Follow-up report no. %(n)s") % {"n": ordinal_text(ordinal)}
