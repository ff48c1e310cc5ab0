"""The system administrator's link and policy forms with bad input: text cleaned like every
other form's, numbers bounded, a clear Chinese message, nothing partly written, never a 500."""

import pytest
from django.test import Client

from audit.models import AuditEntry
from federation.models import FederationPolicy, Link

pytestmark = pytest.mark.django_db


def _new_link(**changes: str) -> dict[str, str]:
    data = {
        "direction": "up",
        "name": "省委办公厅",
        "base_url": "https://xinbao.province.example.gov.cn",
        "office_code": "city-a",
        "unit": "",
        "secret": "",
    }
    data.update(changes)
    return data


def test_a_link_name_pasted_with_control_characters_is_stored_clean(system_admin, client_of):
    """Word's Shift+Enter (a vertical tab) and an ESC cannot go into an XML export."""
    response = client_of(system_admin).post(
        "/federation/links/", _new_link(name="省委\x1b办公厅\x0b信息处")
    )
    assert response.status_code == 200
    assert Link.objects.get().name == "省委办公厅\n信息处"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("replay_window_seconds", "99999999999999999999"),
        ("retry_max_seconds", "-1"),
        ("timeout_seconds", "abc"),
        ("rotation_grace_hours", "2147483648"),
    ],
)
def test_a_policy_out_of_range_changes_nothing(system_admin, client_of, field, value):
    before = FederationPolicy.current()
    data = {
        "replay_window_seconds": "300",
        "retry_base_seconds": "2",
        "retry_max_seconds": "300",
        "timeout_seconds": "10",
        "rotation_grace_hours": "24",
        field: value,
    }
    response = client_of(system_admin).post("/federation/policy/", data)
    assert response.status_code == 400
    assert "超出范围" in response.content.decode() or "确保" in response.content.decode()
    after = FederationPolicy.current()
    assert getattr(after, field) == getattr(before, field)
    assert not AuditEntry.objects.filter(action="federation_policy_changed").exists()


def test_the_link_pages_refuse_get_csrf_less_posts_and_strangers(system_admin, editor, client_of):
    admin = client_of(system_admin)
    for url in ("/federation/policy/", "/federation/links/1/rotate/", "/federation/links/1/edit/"):
        assert admin.get(url).status_code == 405
    assert admin.post("/federation/links/999/rotate/").status_code == 404
    assert admin.post("/federation/outbound/999/resend/").status_code == 404
    assert client_of(editor).post("/federation/links/", _new_link()).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(system_admin)
    assert strict.post("/federation/links/", _new_link()).status_code == 403
    assert not Link.objects.exists()


def test_every_box_of_the_link_forms_has_a_visible_label(system_admin, client_of):
    """Each input, select and textarea is named by a <label for=…> on the page (the per-link
    address and secret boxes included), not by its placeholder or its neighbour's text."""
    import re

    client = client_of(system_admin)
    assert client.post("/federation/links/", _new_link()).status_code == 200
    page = client.get("/federation/links/").content.decode()
    labelled = set(re.findall(r'<label for="([^"]+)"', page))
    boxes = re.findall(r"<(?:input|select|textarea)\b([^>]*)>", page)
    ids = [
        found.group(1)
        for attrs in boxes
        if 'type="hidden"' not in attrs
        and 'type="checkbox"' not in attrs  # in its <label>
        and (found := re.search(r'id="([^"]+)"', attrs))
    ]
    unnamed = [box for box in ids if box not in labelled]
    assert not unnamed
    assert re.search(r'<label for="id_l\d+-base_url">', page)
    assert re.search(r'<label for="id_r\d+-secret">', page)


def test_refusals_are_said_in_words_with_the_code_kept_small(system_admin, client_of):
    from django.utils import timezone

    from federation.models import Refusal, RefusalReason

    Refusal.objects.create(at=timezone.now(), reason=RefusalReason.BAD_SIGNATURE, office_code="x")
    page = client_of(system_admin).get("/federation/").content.decode()
    assert "双方系统的共享密钥不一致" in page
    assert "<code" in page and "bad_signature" in page
    assert "幂等键" not in page and "消息编号" in page
