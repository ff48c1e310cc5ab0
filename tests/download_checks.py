"""Reading a download back the way a browser and an office suite do, independently of
`xinbao.core.downloads`: the file name from the Content-Disposition header (RFC 6266 with the
RFC 8187 `filename*` parameter), and the document properties of a .docx or .xlsx.
"""

import re
import zipfile
from datetime import UTC, datetime
from io import BytesIO
from typing import Any
from urllib.parse import unquote

from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from tests.clock import PINNED

# One parameter: a token name, then a quoted string or a token.
_PARAM = re.compile(r'\s*([A-Za-z*]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]+)\s*')


def disposition(header: str) -> tuple[str, dict[str, str]]:
    """The disposition type and its parameters, names lower-cased, quoted strings unquoted."""
    kind, _sep, rest = header.partition(";")
    params: dict[str, str] = {}
    for part in rest.split(";") if rest.strip() else []:
        match = _PARAM.fullmatch(part)
        assert match, f"unparsable parameter {part!r} in {header!r}"
        name, value = match.group(1).lower(), match.group(2)
        if value.startswith('"'):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        assert name not in params, f"{name} twice in {header!r}"
        params[name] = value
    return kind.strip().lower(), params


def saved_name(response: Any) -> str:
    """The name a browser saves the download under; checks the header as RFC 6266 wants it:
    an attachment, `filename*` in UTF-8, and a plain ASCII `filename` with the same
    extension for clients that cannot read `filename*`."""
    kind, params = disposition(response["Content-Disposition"])
    assert kind == "attachment"
    charset, _language, encoded = params["filename*"].split("'", 2)
    assert charset.lower() == "utf-8"
    assert re.fullmatch(r"[A-Za-z0-9!#$&+.^_`|~%-]*", encoded), "filename* is not percent-encoded"
    name = unquote(encoded, encoding="utf-8", errors="strict")
    plain = params["filename"]
    assert plain and plain.isascii() and plain.isprintable()
    assert plain.rsplit(".", 1)[-1] == name.rsplit(".", 1)[-1]
    assert not set(name) & set('/\\:*?"<>|')
    return name


def made_during_test(moment: datetime | None) -> None:
    """A document's time: on the test's pinned clock, between the pin and now (seconds are
    all a document keeps); never the 2013 of python-docx's template."""
    assert moment is not None
    if moment.tzinfo is None:  # openpyxl reads the stored UTC time back naive
        moment = moment.replace(tzinfo=UTC)
    assert PINNED.replace(microsecond=0) <= moment <= timezone.now()


def docx_properties(content: bytes, author: str, title: str) -> None:
    """The .docx says who made it (the office), what it is, and when (now)."""
    props = Document(BytesIO(content)).core_properties
    assert props.author == author
    assert props.last_modified_by == author
    assert props.title == title
    made_during_test(props.created)
    made_during_test(props.modified)
    assert props.revision == 1
    with zipfile.ZipFile(BytesIO(content)) as package:
        for name in package.namelist():
            assert b"python-docx" not in package.read(name), name
        assert "docProps/thumbnail.jpeg" not in package.namelist()
        app = package.read("docProps/app.xml").decode()
    assert f"<Company>{author}</Company>" in app
    assert "Macintosh" not in app


def xlsx_properties(content: bytes, author: str, title: str) -> None:
    """The .xlsx says who made it (the office), what it is, and when (now)."""
    props = load_workbook(BytesIO(content)).properties
    assert props.creator == author
    assert props.lastModifiedBy == author
    assert props.title == title
    made_during_test(props.created)
    made_during_test(props.modified)
