"""Attachment checks: a whitelist of types recognised by their first bytes, and a size cap."""

import codecs
from collections.abc import Iterable
from dataclasses import dataclass

# (extension, MIME type, magic prefix). Office formats after 2007 are ZIP containers.
_KINDS: list[tuple[str, str, bytes]] = [
    ("pdf", "application/pdf", b"%PDF-"),
    ("png", "image/png", b"\x89PNG\r\n\x1a\n"),
    ("jpg", "image/jpeg", b"\xff\xd8\xff"),
    ("jpeg", "image/jpeg", b"\xff\xd8\xff"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    ("doc", "application/msword", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
    ("xls", "application/vnd.ms-excel", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
]
ALLOWED_EXTENSIONS = sorted({ext for ext, _mime, _magic in _KINDS} | {"txt"})


@dataclass(frozen=True)
class Verdict:
    ok: bool
    content_type: str = ""
    reason: str = ""  # "type", "content", "encoding" or "size"


TEXT_TYPE = "text/plain; charset=utf-8"


def is_utf8(chunks: Iterable[bytes]) -> bool:
    """Whether the whole stream is UTF-8, read chunk by chunk (a character may straddle two)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in chunks:
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def check(name: str, head: bytes, size: int, max_bytes: int) -> Verdict:
    if size > max_bytes:
        return Verdict(False, reason="size")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext == "txt":
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut off at the end of the sample is still text.
            if exc.start < len(head) - 4:
                return Verdict(False, reason="content")
        return Verdict(True, TEXT_TYPE)
    for kind_ext, mime, magic in _KINDS:
        if kind_ext == ext:
            if head.startswith(magic):
                return Verdict(True, mime)
            return Verdict(False, reason="content")
    return Verdict(False, reason="type")
