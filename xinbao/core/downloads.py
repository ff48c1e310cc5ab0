"""Downloads as the office files them: a Chinese file name, and document properties that say
who made the document and when.

The one place a Content-Disposition header is written. Browsers read the name from
`filename*=UTF-8''…` (RFC 6266, RFC 8187: the UTF-8 bytes percent-encoded); a client that
cannot takes the plain ASCII `filename="…"` written before it, so the header always carries
both. Characters that Windows, macOS or WPS refuse in a file name are dropped; the brackets
of a document number 〔〕 and full-width parentheses （） stay.

A workbook's properties (creator, title, times) are set here too; a Word document's are set by
`xinbao.core.docx.set_properties`, with the same clock.
"""

import re
import unicodedata
from datetime import UTC, datetime
from pathlib import PurePosixPath
from urllib.parse import quote

from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from openpyxl import Workbook

from xinbao.core.inputs import xml_safe

# Illegal in a Windows file name (and / on every system), plus control characters.
_ILLEGAL = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_SPACES = re.compile(r"[\s\u3000]+")
# Control and format characters (bidirectional overrides, zero-width spaces) and surrogates.
_INVISIBLE = {"Cc", "Cf", "Cs"}
# Windows refuses these as a name's stem, whatever the extension.
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10))}
_RESERVED |= {f"LPT{n}" for n in range(1, 10)}
# A long title must not make a name the file system refuses (255 bytes; a Chinese character
# takes three in UTF-8).
MAX_STEM = 80
_ASCII_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def clean_stem(stem: str) -> str:
    """The stem (name without extension) with illegal characters dropped, runs of spaces
    (full-width ones included) made one ASCII space, trimmed of spaces and dots.

    Invisible format characters go too: a right-to-left override (U+202E) before “xcod.exe”
    in a title would show the name as ending in “exe.docx”."""
    text = _ILLEGAL.sub("", _SPACES.sub(" ", stem))
    text = "".join(c for c in text if unicodedata.category(c) not in _INVISIBLE).strip(" .")
    text = text[:MAX_STEM].rstrip(" .")
    if text.upper() in _RESERVED:
        text = f"_{text}"
    return text


def _split(filename: str) -> tuple[str, str]:
    """(stem, extension with its dot); an extension is a short run of letters and digits."""
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix
    if suffix and re.fullmatch(r"\.[A-Za-z0-9]{1,8}", suffix):
        return filename[: -len(suffix)], suffix.lower()
    return filename, ""


def file_name(filename: str, fallback: str = "download") -> str:
    """`filename` fit to save: its stem cleaned (see `clean_stem`), its extension kept. A
    name left empty takes the fallback stem."""
    stem, extension = _split(filename)
    return f"{clean_stem(stem) or ascii_name(fallback)}{extension}"


def ascii_name(stem: str) -> str:
    """An ASCII stem any client can save: letters, digits, dot, dash and underscore."""
    return _ASCII_UNSAFE.sub("-", stem).strip("-.") or "download"


def content_disposition(filename: str, fallback: str) -> str:
    """The header value for an attachment named `filename`, e.g.
    `attachment; filename="ranking-2026.xlsx"; filename*=UTF-8''2026%E5%B9%B4….xlsx`.

    `fallback` is an ASCII stem for clients that cannot read `filename*`; the extension of
    `filename` is added to it."""
    name = file_name(filename, fallback)
    _stem, extension = _split(name)
    plain = f"{ascii_name(fallback)}{extension}"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def attach(response: HttpResponseBase, filename: str, fallback: str) -> HttpResponseBase:
    """Mark `response` (a FileResponse of a stored file, say) as a download named `filename`."""
    response["Content-Disposition"] = content_disposition(filename, fallback)
    response["Cache-Control"] = "private, no-store"
    return response


def download(content: bytes, content_type: str, filename: str, fallback: str) -> HttpResponse:
    """A generated document as a download named `filename` (ASCII `fallback` stem)."""
    response = HttpResponse(content, content_type=content_type)
    attach(response, filename, fallback)
    return response


def made_at() -> datetime:
    """The moment a document is made, in UTC, to the second: what its properties record."""
    return timezone.now().astimezone(UTC).replace(microsecond=0)


def set_workbook_properties(book: Workbook, title: str, author: str) -> None:
    """The workbook's title, its creator and last editor (the office), created and modified
    now. openpyxl keeps naive UTC times and writes them with a Z."""
    props = book.properties
    moment = made_at().replace(tzinfo=None)
    props.title = xml_safe(title)
    props.creator = xml_safe(author)
    props.lastModifiedBy = xml_safe(author)
    props.created = moment
    props.modified = moment
