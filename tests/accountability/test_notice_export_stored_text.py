"""A notice whose stored text holds ESC or backspace (pasted, or stored before input was
cleaned) still downloads as a .docx; the characters are dropped."""

from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document

from accountability.models import CriticismNotice
from tests.accountability.accountability_helpers import city_notice, confirmed

pytestmark = pytest.mark.django_db


def test_the_notice_docx_drops_what_xml_cannot_carry(chief, unit_a, client_of):
    notice = city_notice(chief, [confirmed(chief, unit_a)])
    CriticismNotice.objects.filter(pk=notice.pk).update(
        title="关于\x1b迟报的通报", body="第一段\x08。\x0b第二段。", recipients="各区\x07县"
    )
    response = client_of(chief).get(reverse("accountability:notice_docx", args=[notice.pk]))
    assert response.status_code == 200
    text = [p.text for p in Document(BytesIO(response.content)).paragraphs]
    assert "关于迟报的通报" in text
    assert any("第一段。" in t for t in text) and any("第二段。" in t for t in text)
    assert "各区县" in " ".join(text)
