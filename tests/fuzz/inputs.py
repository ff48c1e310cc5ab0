"""Values for each kind of field: what a careful user would type, and what a careless or hostile
one sends instead. Everything here survives HTTP encoding (lone surrogates cannot be sent as
UTF-8, so they are left to the importer's tests)."""

from datetime import date, datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

from tests.fuzz.site import Field

# Text that has broken real systems: controls (what Word's Shift+Enter leaves is \x0b), NUL,
# direction marks, a CJK character outside the BMP, emoji with joiners, markup and SQL.
HOSTILE_TEXT = (
    "",
    " ",
    "\x00",
    "\x0b",
    "a\x0bb",
    "\x1b[31m",
    "\x08\x7f",
    "\ufeff",
    "\ufffe\uffff",
    "\u202e\u200f反转",
    "𠀀𠀁𪚥",
    "👨‍👩‍👧‍👦🇨🇳",
    "\r\n\r\n",
    "\t",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    "-",
    '"',
    '火灾 -演练 "防汛"',
)
HOSTILE_NUMBERS = (
    "",
    "0",
    "-1",
    "-0",
    " 1 ",
    "1.5",
    "1e9",
    "1e400",
    "NaN",
    "inf",
    "①",
    "²",
    "١٢",
    "１２",
    "2147483648",
    "3000000000",
    "9223372036854775808",
    "-9223372036854775809",
    "100000000000000000000",
    "9" * 400,
    "0x10",
    "1,000",
)
HOSTILE_DATES = (
    "0001-01-01",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "2019-02-30",
    "2024-02-29",
    "2023-02-29",
    "1970-01-01",
    "1900-01-01",
    "-0001-01-01",
    "2026-13-01",
    "20260101",
    "①",
    "yesterday",
)
HOSTILE_TIMES = ("00:00", "23:59", "24:00", "25:61", "00:00:60", "12:00:00.999999", "noon")
HOSTILE_DATETIMES = (
    "0001-01-01T00:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59",
    "9999-12-31T23:59:59-12:00",
    "2019-02-30T10:00",
    "2026-03-08T02:30",
    "1970-01-01T00:00:00Z",
    "2026-06-01 25:00",
    "2026-06-01T12:00+99:00",
    "T",
)


def _texts(field: Field) -> st.SearchStrategy[str]:
    limit = field.max_length
    # Lengths at and around the stated maximum, and far past any, when the page states one.
    boundary = [st.just("字" * n) for n in (limit - 1, limit, limit + 1)] if limit else []
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.text(st.characters(exclude_categories=["Cs"]), max_size=60),
        st.text(st.characters(codec="utf-8", max_codepoint=0x7F), max_size=20),
        st.builds(lambda n, c: c * n, st.sampled_from([255, 256, 1001, 20001]), st.just("字")),
        *boundary,
    )


def _numbers() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE_NUMBERS),
        st.integers().map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
    )


def _dates(today: date) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE_DATES),
        st.dates().map(date.isoformat),
        st.integers(-400, 400).map(lambda d: (today + timedelta(days=d)).isoformat()),
    )


def _datetimes(now: datetime) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE_DATETIMES),
        st.datetimes().map(lambda d: d.isoformat(timespec="minutes")),
        st.integers(-72, 72).map(
            lambda h: (now + timedelta(hours=h)).replace(tzinfo=None).isoformat(timespec="minutes")
        ),
    )


def _files(field: Field) -> st.SearchStrategy[SimpleUploadedFile]:
    names = st.sampled_from(
        [
            "report.pdf",
            "报告.docx",
            "note.txt",
            "x.exe",
            "no-extension",
            "a" * 300 + ".pdf",
            "../../../etc/passwd.txt",
            "𠀀\x0b.txt",
            ".pdf",
        ]
    )
    bodies = st.sampled_from(
        [
            b"",
            b"%PDF-1.4\n%%EOF\n",
            b"MZ\x90\x00 not a pdf",
            "正文\x0b第二行".encode(),
            b"\xff\xfe\xfa invalid utf-8",
            b"PK\x03\x04 broken zip",
        ]
    )
    return st.builds(SimpleUploadedFile, names, bodies)


def _careful(field: Field, today: date, now: datetime) -> st.SearchStrategy[object]:
    """What a careful user leaves or types, so a hostile value in one field meets valid values
    in the others and reaches past the first validation error."""
    if field.kind == "file":
        return st.builds(SimpleUploadedFile, st.just("report.pdf"), st.just(b"%PDF-1.4\n%%EOF\n"))
    if field.kind in ("checkbox", "radio"):
        return st.just(field.value if field.checked else OMIT)
    if field.kind == "select" and field.multiple:
        return st.lists(st.sampled_from(field.options or ("",)), max_size=3, unique=True)
    if field.value or field.kind in ("hidden", "select"):
        return st.just(field.value)
    return st.just(
        {
            "number": "1",
            "date": today.isoformat(),
            "datetime-local": now.replace(tzinfo=None).isoformat(timespec="minutes"),
            "time": "09:00",
            "email": "xinxi@example.com",
            "url": "https://example.com/",
        }.get(field.kind, "测试内容")
    )


class _Omit:
    def __repr__(self) -> str:
        return "OMIT"


OMIT = _Omit()  # the field is left out of the request altogether


def for_field(field: Field, today: date, now: datetime) -> st.SearchStrategy[object]:
    """One field's value: usually careful, often hostile, sometimes missing."""
    kind = field.kind
    hostile: st.SearchStrategy[object]
    if kind == "number" or kind == "range":
        hostile = _numbers()
    elif kind == "date" or kind == "month" or kind == "week":
        hostile = _dates(today)
    elif kind == "datetime-local":
        hostile = _datetimes(now)
    elif kind == "time":
        hostile = st.sampled_from(HOSTILE_TIMES)
    elif kind == "file":
        hostile = _files(field)
    elif kind == "select":
        hostile = st.one_of(st.sampled_from(field.options or ("",)), _texts(field), _numbers())
    elif kind in ("checkbox", "radio"):
        hostile = st.sampled_from([field.value, "", "off", "①", "𠀀"])
    elif kind == "hidden":
        hostile = st.one_of(_numbers(), _texts(field), _dates(today))
    else:
        hostile = _texts(field)
    careful = _careful(field, today, now)
    # one_of draws its branches evenly: two careful branches make careful values the majority.
    return st.one_of(careful, careful, hostile, st.just(OMIT))


def for_target(
    fields: tuple[Field, ...], today: date, now: datetime
) -> st.SearchStrategy[dict[str, object]]:
    """All of a form's fields at once; repeated names (checkbox groups) become lists."""
    strategies: dict[str, list[st.SearchStrategy[object]]] = {}
    for f in fields:
        strategies.setdefault(f.name, []).append(for_field(f, today, now))
    return st.fixed_dictionaries(
        {
            name: parts[0] if len(parts) == 1 else st.lists(st.one_of(*parts), max_size=3)
            for name, parts in strategies.items()
        }
    )
