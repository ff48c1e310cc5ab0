"""Reading the State Council's holiday notice (国务院办公厅关于XXXX年部分节假日安排的通知) and a
CSV of official days into dates: pure functions over text, so every wording is tested as a table.

The notice's usual wording, one numbered line per holiday:
    二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
    2月14日（周六）、2月28日（周六）上班。
A sentence with 放假 gives the days off (a range "至", or one day, "与周末连休" adding nothing
beyond the weekend); a sentence with 上班 gives the swapped working days; a sentence starting
鼓励 (advice, e.g. to rest on 除夕) gives nothing. Weekdays in brackets are checked against the
date, so a notice pasted into the wrong year is caught. Nothing here is saved: the caller shows
the result and saves it only once the administrator confirms.
"""

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

from org.calendar import HOLIDAY, WORKDAY

# The seven holidays of the 《全国年节及纪念日放假办法》 that every notice arranges.
FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
# Names the administrator may have typed by hand, or the chinesecalendar package uses.
ALIASES = {
    "new year's day": "元旦",
    "spring festival": "春节",
    "tomb-sweeping day": "清明节",
    "qingming": "清明节",
    "labour day": "劳动节",
    "labor day": "劳动节",
    "dragon boat festival": "端午节",
    "mid-autumn festival": "中秋节",
    "national day": "国庆节",
    "清明": "清明节",
    "劳动": "劳动节",
    "五一": "劳动节",
    "端午": "端午节",
    "中秋": "中秋节",
    "国庆": "国庆节",
}
WEEKDAY_CHARS = "一二三四五六日"
NUMERALS = "一二三四五六七八九十"

_YEAR_IN_TITLE = re.compile(r"关于(\d{4})年部分节假日")
_NUMBER = re.compile(r"国办发明?电[〔\[（(【](\d{4})[〕\]）)】](\d+)号")
_SIGNED = re.compile(r"国务院办公厅\s*\n\s*(\d{4})年(\d{1,2})月(\d{1,2})日")
_SECTION = re.compile(r"^(?:[" + NUMERALS + r"]+、|[-•·*]\s*)?([\u4e00-\u9fff、]{2,16})\s*:(.+)$")
_NUMBERED = re.compile(r"^[" + NUMERALS + r"]+、")
_DATE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:\(([^)]*)\))?")
_COUNT = re.compile(r"(?:共|放假)(\d+)天")
_WEEKDAY = re.compile(r"(?:周|星期)([一二三四五六日天])")


@dataclass(frozen=True)
class NoticeDay:
    date: date
    kind: str  # HOLIDAY or WORKDAY
    name: str  # the notice's heading, e.g. 春节 or 中秋节、国庆节


@dataclass(frozen=True)
class ParsedDays:
    days: tuple[NoticeDay, ...]
    problems: tuple[str, ...]
    year: int | None = None
    number: str = ""  # 文号, e.g. 国办发明电〔2025〕7号
    issued_on: date | None = None
    festivals: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return bool(self.days) and not self.problems


def festival_names(name: str) -> set[str]:
    """The holidays a day's name stands for: 中秋节、国庆节 stands for two."""
    found = set()
    for part in re.split(r"[、,，/;；]+", name.strip()):
        part = part.strip().lower()
        if not part:
            continue
        canonical = part if part in FESTIVALS else ALIASES.get(part)
        if canonical:
            found.add(canonical)
    return found


def missing_festivals(names: Iterable[str]) -> list[str]:
    """The seven holidays that none of the entered days' names covers, in the notice's order."""
    covered: set[str] = set()
    for name in names:
        covered |= festival_names(name)
    return [f for f in FESTIVALS if f not in covered]


def normalise_number(text: str) -> str | None:
    """A notice's 文号 in its printed form (国办发明电〔2025〕7号), or None when it is not one.
    Square or round brackets typed for 〔〕 are accepted."""
    m = _NUMBER.fullmatch(_normalise(text.strip()))
    if m is None:
        return None
    return f"{m.group(0)[: m.start(1) - m.start(0) - 1]}〔{m.group(1)}〕{m.group(2)}号"


def _normalise(text: str) -> str:
    table = str.maketrans({"（": "(", "）": ")", "：": ":", "\u3000": " ", "\r": ""})
    return text.translate(table)


def _weekday_problem(day: date, bracket: str | None, written: str) -> str | None:
    match = _WEEKDAY.search(bracket or "")
    if match is None:
        return None
    char = "日" if match.group(1) == "天" else match.group(1)
    if WEEKDAY_CHARS.index(char) == day.weekday():
        return None
    return _("“%(text)s”: %(date)s is a %(actual)s, not 周%(written)s.") % {
        "text": written,
        "date": day.isoformat(),
        "actual": "周" + WEEKDAY_CHARS[day.weekday()],
        "written": char,
    }


def _dates(sentence: str, year: int, month: int | None) -> tuple[list[date], list[str], int | None]:
    """Every date in `sentence`, a month carried from the date before when left out (至23日)."""
    found: list[date] = []
    problems: list[str] = []
    for m in _DATE.finditer(sentence):
        y = int(m.group(1)) if m.group(1) else year
        month = int(m.group(2)) if m.group(2) else month
        if month is None:
            problems.append(_("“%(text)s”: the month is missing.") % {"text": m.group(0)})
            continue
        try:
            day = date(y, month, int(m.group(3)))
        except ValueError:
            problems.append(_("“%(text)s” is not a date.") % {"text": m.group(0)})
            continue
        if problem := _weekday_problem(day, m.group(4), m.group(0)):
            problems.append(problem)
        found.append(day)
    return found, problems, month


def _holidays(sentence: str, year: int, name: str) -> tuple[list[date], list[str]]:
    dates, problems, _month = _dates(sentence, year, None)
    if not dates:
        return [], problems or [_("“%(text)s”: no date found.") % {"text": sentence}]
    first_two = list(_DATE.finditer(sentence))[:2]
    between = sentence[first_two[0].end() : first_two[1].start()] if len(first_two) > 1 else ""
    if len(dates) >= 2 and "至" in between:
        start, end = dates[0], dates[1]
        if end < start:
            return [], [_("“%(text)s”: the range ends before it starts.") % {"text": sentence}]
        if (end - start).days > 31:
            return [], [_("“%(text)s”: a holiday longer than a month.") % {"text": sentence}]
        days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    else:
        days = dates
    if (count := _COUNT.search(sentence)) and int(count.group(1)) != len(days):
        problems.append(
            _("%(name)s: the notice says %(said)s days but gives %(found)s.")
            % {"name": name, "said": count.group(1), "found": len(days)}
        )
    return days, problems


def parse_notice(text: str, year: int | None = None) -> ParsedDays:
    """The holidays and swapped working days of a pasted notice, with every part that could
    not be read reported (in the user's language). `year` is used when the title is not
    pasted; the title's year wins."""
    text = _normalise(text)
    problems: list[str] = []
    if m := _YEAR_IN_TITLE.search(text):
        year = int(m.group(1))
    number = ""
    if m := _NUMBER.search(text):
        number = normalise_number(m.group(0)) or ""
    issued_on = None
    if m := _SIGNED.search(text):
        try:
            issued_on = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            issued_on = None
    if year is None:
        return ParsedDays((), (_("The year of the notice is not known."),))
    days: dict[date, NoticeDay] = {}
    festivals: list[str] = []
    for raw_line in text.split("\n"):
        line = raw_line.strip()
        section = _SECTION.match(line)
        if section is None:
            if _NUMBERED.match(line) and _DATE.search(line):
                problems.append(_("Not understood: “%(text)s”.") % {"text": line})
            continue
        heading = section.group(1)
        names = [n for n in heading.split("、") if n]
        known = [festival_names(n) for n in names]
        if not all(known):
            if _NUMBERED.match(line):
                problems.append(_("Not a holiday of the notice: “%(text)s”.") % {"text": heading})
            continue
        festivals.extend(sorted(set().union(*known), key=FESTIVALS.index))
        name = "、".join(sorted(set().union(*known), key=FESTIVALS.index))
        section_days = 0
        for sentence in section.group(2).split("。"):
            sentence = sentence.strip(" ，,")
            if not sentence or sentence.startswith("鼓励") or not _DATE.search(sentence):
                continue
            if "上班" in sentence:
                found, found_problems, _month = _dates(sentence, year, None)
                kind = WORKDAY
            elif "放假" in sentence:
                found, found_problems = _holidays(sentence, year, name)
                kind = HOLIDAY
                section_days += len(found)
            else:
                problems.append(_("Not understood: “%(text)s”.") % {"text": sentence})
                continue
            problems.extend(found_problems)
            for day in found:
                if kind == WORKDAY and day.weekday() < 5:
                    problems.append(
                        _("%(date)s is a weekday: a swapped working day falls on a weekend.")
                        % {"date": day.isoformat()}
                    )
                if day in days and days[day].kind != kind:
                    problems.append(
                        _("%(date)s is given both as a day off and as a working day.")
                        % {"date": day.isoformat()}
                    )
                days[day] = NoticeDay(day, kind, name)
        if section_days == 0:
            problems.append(_("%(name)s: no days off found.") % {"name": name})
    if not days and not problems:
        problems.append(_("No holiday lines were found (e.g. “一、元旦：1月1日放假……”)."))
    return ParsedDays(
        tuple(sorted(days.values(), key=lambda d: d.date)),
        tuple(problems),
        year,
        number,
        issued_on,
        tuple(festivals),
    )


_KINDS = {
    "holiday": HOLIDAY,
    "放假": HOLIDAY,
    "休": HOLIDAY,
    "workday": WORKDAY,
    "上班": WORKDAY,
    "班": WORKDAY,
}


def parse_csv(text: str) -> ParsedDays:
    """Rows of date,kind,name (kind: holiday/workday or 放假/上班); a header row is skipped."""
    days: dict[date, NoticeDay] = {}
    problems: list[str] = []
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    for number, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower() in {"date", "日期"}:
            continue
        if len(cells) < 3:
            problems.append(_("Line %(n)d: expected date,kind,name.") % {"n": number})
            continue
        try:
            day = date.fromisoformat(cells[0])
        except ValueError:
            problems.append(
                _("Line %(n)d: “%(text)s” is not a date (YYYY-MM-DD).")
                % {"n": number, "text": cells[0]}
            )
            continue
        kind = _KINDS.get(cells[1].lower())
        if kind is None:
            problems.append(
                _("Line %(n)d: the kind must be holiday or workday (放假 or 上班).") % {"n": number}
            )
            continue
        if kind == WORKDAY and day.weekday() < 5:
            problems.append(
                _("%(date)s is a weekday: a swapped working day falls on a weekend.")
                % {"date": day.isoformat()}
            )
        if not cells[2] or len(cells[2]) > 40:
            problems.append(_("Line %(n)d: a name of 1 to 40 characters.") % {"n": number})
            continue
        if day in days:
            problems.append(_("Line %(n)d: %(date)s is given twice.") % {"n": number, "date": day})
            continue
        days[day] = NoticeDay(day, kind, cells[2])
    if not days and not problems:
        problems.append(_("The file has no rows."))
    years = {d.year for d in days}
    return ParsedDays(
        tuple(sorted(days.values(), key=lambda d: d.date)),
        tuple(problems),
        min(years) if len(years) == 1 else None,
    )
