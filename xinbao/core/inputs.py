"""What any input may hold, stated once: text that XML can carry, numbers a column holds on both
databases, dates in a sane range. Every form in the project is built on `Form` or `ModelForm`
below, so every field of every form gets the same cleaning; the document writers (.docx, .xlsx)
pass stored text through `xml_safe` again, because rows written before these rules (or by a
command) may still hold anything.

- Text: C0 control characters other than tab, newline and carriage return, lone surrogates and
  U+FFFE/U+FFFF cannot appear in an XML document (so not in a .docx or .xlsx). A vertical tab —
  what Word leaves for Shift+Enter when its text is pasted — and a form feed (a page break)
  become a newline; the others carry no meaning in a report and are removed. Every text field
  states its maximum length (a test walks every form).
- Numbers: an integer field without its own bound holds what a PostgreSQL ``integer`` holds
  (SQLite would take 64 bits, and the data must move to PostgreSQL unchanged).
- Searches and list filters typed into a box: at most MAX_QUERY_LENGTH characters (the web
  server's request line is sized to carry that much: xinbao/gunicorn_conf.py).
- Dates: from the founding of the People's Republic (1949-10-01) to ten years after today —
  a calendar year or a deadline may be entered ahead; nothing in this system is older.
"""

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# --- Text -----------------------------------------------------------------------------------

_TO_NEWLINE = {0x0B: "\n", 0x0C: "\n"}
_XML_ILLEGAL = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# The longest body an item, each of its revisions and a bulletin entry made from it may have:
# about twenty pages of A4, longer than any report a unit sends.
MAX_BODY_LENGTH = 20_000


def xml_safe(text: str) -> str:
    """The text without the characters XML 1.0 cannot carry (vertical tab and form feed become
    a newline)."""
    if not _XML_ILLEGAL.search(text) and "\x0b" not in text and "\x0c" not in text:
        return text  # the usual case, without copying
    return _XML_ILLEGAL.sub("", text.translate(_TO_NEWLINE))


# The longest search or list filter anyone may type, in characters.
MAX_QUERY_LENGTH = 400
QUERY_TOO_LONG = _("The search is too long (at most %(limit_value)s characters).")


def query_param(request: HttpRequest, name: str = "q") -> str:
    """A free-text filter from the query string, cleaned like form text. One longer than
    MAX_QUERY_LENGTH is dropped with a message saying why."""
    text = xml_safe(request.GET.get(name, "")).strip()
    if len(text) > MAX_QUERY_LENGTH:
        messages.error(request, QUERY_TOO_LONG % {"limit_value": MAX_QUERY_LENGTH})
        return ""
    return text


def cell_value(value: Any) -> Any:
    """A value for a spreadsheet cell: text made XML-safe, anything else as it is."""
    return xml_safe(value) if isinstance(value, str) else value


# --- Numbers --------------------------------------------------------------------------------

# What the column types hold on PostgreSQL (SQLite holds more); a bound names its column type.
SMALLINT_MAX = 32_767
INT_MAX = 2_147_483_647
INT_MIN = -2_147_483_648
BIGINT_MAX = 9_223_372_036_854_775_807

_ID = re.compile("[0-9]{1,18}")


def parse_id(raw: object) -> int | None:
    """A row id from a URL or a form: ASCII digits only ('①' and '²' pass `str.isdigit` but not
    `int`), and no larger than a key column holds. Anything else is no id."""
    text = raw if isinstance(raw, str) else str(raw) if isinstance(raw, int) else ""
    return int(text) if _ID.fullmatch(text) else None


def parse_int(raw: object, low: int, high: int) -> int | None:
    """A bounded whole number from a URL or a form (ASCII digits), or None."""
    value = parse_id(raw)
    return value if value is not None and low <= value <= high else None


def bounded(high: int, low: int = 0) -> list[Any]:
    """A model field's validators for a whole number between `low` and `high`."""
    return [MinValueValidator(low), MaxValueValidator(high)]


# --- Dates ----------------------------------------------------------------------------------

EARLIEST_DATE = date(1949, 10, 1)
FUTURE_YEARS = 10


def latest_date() -> date:
    """The latest date any input may carry: ten years after today."""
    today = timezone.localdate()
    return today.replace(year=today.year + FUTURE_YEARS, day=28 if today.day > 28 else today.day)


def clamp_date(value: date) -> date:
    """A date brought into the sane range (for filters, where the nearest bound means the same)."""
    return min(max(value, EARLIEST_DATE), latest_date())


def _aware_bounds() -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    low = datetime.combine(EARLIEST_DATE, time.min, tzinfo=tz)
    high = datetime.combine(latest_date() + timedelta(days=1), time.min, tzinfo=tz)
    return low, high


# --- Forms ----------------------------------------------------------------------------------

_RANGE_MESSAGE = _("Enter a date between %(low)s and %(high)s.")


def date_in_range(value: date) -> bool:
    """Whether a date (or an aware or naive moment) lies in the sane range."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        low, high = _aware_bounds()
        return low <= value < high  # comparing aware moments cannot overflow
    if isinstance(value, datetime):
        return EARLIEST_DATE <= value.date() <= latest_date()
    return EARLIEST_DATE <= value <= latest_date()


def check_date(value: Any) -> None:
    """A model and form validator: the date (or moment) lies in the sane range."""
    if isinstance(value, date) and not date_in_range(value):
        raise ValidationError(
            _RANGE_MESSAGE,
            code="date_range",
            params={"low": EARLIEST_DATE.isoformat(), "high": latest_date().isoformat()},
        )


def harden_field(field: forms.Field) -> None:
    """Give one form field the project's input rules (in place; fields are per form instance)."""
    if isinstance(field.widget, forms.PasswordInput):
        return  # a password is compared, never shown or exported: it is taken as typed
    if isinstance(field, forms.CharField):
        to_text = field.to_python

        def clean_text(value: Any) -> Any:
            return to_text(xml_safe(value) if isinstance(value, str) else value)

        field.to_python = clean_text  # type: ignore[method-assign]
    elif isinstance(field, forms.DateField | forms.DateTimeField):
        to_date = field.to_python

        def clean_date(value: Any) -> Any:
            try:
                result = to_date(value)
            except OverflowError:  # a year at the edge of the calendar, shifted by a time zone
                raise ValidationError(
                    _RANGE_MESSAGE,
                    code="date_range",
                    params={"low": EARLIEST_DATE.isoformat(), "high": latest_date().isoformat()},
                ) from None
            check_date(result)
            return result

        field.to_python = clean_date  # type: ignore[method-assign]
    elif isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField):
        if field.max_value is None:
            field.max_value = INT_MAX
            field.validators.append(MaxValueValidator(INT_MAX))
            field.widget.attrs.setdefault("max", str(INT_MAX))
        if field.min_value is None:
            field.min_value = INT_MIN
            field.validators.append(MinValueValidator(INT_MIN))
            field.widget.attrs.setdefault("min", str(INT_MIN))


class CleanInput:
    """The form mixin: every field follows the rules at the top of this module."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            harden_field(field)


class Form(CleanInput, forms.Form):
    pass


class ModelForm(CleanInput, forms.ModelForm):  # type: ignore[type-arg]  # generic over any model
    pass
