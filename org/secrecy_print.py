"""The 密级 mark on printed documents (.docx, and the PDF made from it)."""

from typing import Any

from org.secrecy import mark
from xinbao.core.docx import secrecy_mark


def print_secrecy_mark(doc: Any, level: str) -> None:
    """Print `level`'s mark top-left (GB/T 9704-2012 §7.2.2); 公开 prints nothing. Call right
    after `setup_page(doc)`."""
    secrecy_mark(doc, mark(level))
