"""An issue whose stored text holds characters XML cannot carry (a vertical tab from Word's
Shift+Enter, ESC, backspace, U+FFFF — stored before input was cleaned) still downloads."""

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from bulletins.models import IssueEntry, Publication
from bulletins.queries import entries_of
from tests.bulletins.bulletin_helpers import published

pytestmark = pytest.mark.django_db


def test_the_docx_drops_what_xml_cannot_carry(editor, chief, daily, three_items, client_of):
    issue = published(editor, chief, daily, three_items, timezone.localdate())
    entry = entries_of(issue)[0]
    IssueEntry.objects.filter(pk=entry.pk).update(
        title="汛期\x1b隐患排查", body="第一行\x0b第二行\x08。\n第三段\uffff。"
    )
    Publication.objects.filter(pk=daily.pk).update(name="每日\x07要情")
    response = client_of(editor).get(reverse("bulletins:docx", args=[issue.pk]))
    assert response.status_code == 200
    text = [p.text for p in Document(BytesIO(response.content)).paragraphs]
    assert text[1] == "每日要情"  # under the mark line
    assert "汛期隐患排查" in text
    assert "第一行\n第二行。" in text and "第三段。" in text
