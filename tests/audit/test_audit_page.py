"""The auditor's page: Chinese labels and readable details, filters by time, actor, action and
object that survive paging, an audited .xlsx export of exactly the filtered entries, and the
retention setting."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.actions import record
from audit.models import AuditEntry, AuditPolicy
from submissions.models import ItemState

pytestmark = pytest.mark.django_db

LOG = reverse("audit:log")


def seqs(response) -> list[int]:
    return [row[0].seq for row in response.context["rows"]]


@pytest.fixture
def auditor(client_of, audit_admin):
    return client_of(audit_admin)


def test_actions_and_details_read_in_chinese(auditor, editor):
    record(editor, "item_returned", "item:7", {"from": "under_review", "to": "returned"})
    page = auditor.get(LOG).content.decode()
    assert '<td title="item_returned">信息退回单位</td>' in page
    assert "原状态" in page and "under_review" not in page
    assert f"<dd>{ItemState.UNDER_REVIEW.label}</dd>" in page  # the state as the office names it
    assert "{&#x27;from&#x27;" not in page and "{'from'" not in page


def test_filters_by_actor_action_object_and_day(
    client_of, audit_admin, editor, chief, _pinned_clock
):
    old = record(editor, "item_returned", "item:4").seq
    _pinned_clock.shift(timedelta(days=3))
    mine = record(editor, "item_returned", "issue:3 item:4").seq
    record(editor, "item_returned", "item:42")
    record(chief, "item_returned", "item:4")
    record(editor, "item_filed", "item:4")
    today = timezone.localtime(AuditEntry.objects.get(seq=mine).at).date()
    auditor = client_of(audit_admin)  # logged in after the days passed
    got = auditor.get(
        LOG,
        {
            "actor": editor.username,
            "action": "item_returned",
            "target": "item:4",
            "since": today.isoformat(),
            "until": today.isoformat(),
        },
    )
    assert seqs(got) == [mine]
    got = auditor.get(
        LOG, {"actor": editor.username, "target": "item:4", "action": "item_returned"}
    )
    assert seqs(got) == [mine, old]


def test_a_bad_filter_is_named_not_a_500(auditor):
    response = auditor.get(LOG, {"since": "2-30", "action": "no_such_code"})
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert shown and all(m for m in shown)


def test_paging_keeps_the_filters(auditor, editor):
    for n in range(60):
        record(editor, "item_filed", f"item:{n}")
        record(None, "login_failed", f"x{n}")
    first = auditor.get(LOG, {"action": "item_filed"})
    assert len(seqs(first)) == 50
    assert "action=item_filed&amp;page=2" in first.content.decode()
    second = auditor.get(LOG, {"action": "item_filed", "page": 2})
    assert len(seqs(second)) == 10
    assert {r[0].action for r in second.context["rows"]} == {"item_filed"}


def test_the_export_holds_exactly_the_filtered_entries_and_is_audited(auditor, editor, audit_admin):
    for n in range(3):
        record(editor, "item_filed", f"item:{n}", {"from": "submitted", "to": "filed"})
    record(None, "login_failed", "x")
    response = auditor.get(reverse("audit:export"), {"action": "item_filed"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    expected = AuditEntry.objects.filter(action="item_filed").order_by("-seq")
    assert [(r[0], r[4], r[5]) for r in rows] == [(e.seq, e.action, e.target) for e in expected]
    assert {r[3] for r in rows} == {"信息存档未采用"}
    exported = AuditEntry.objects.get(action="audit_exported")
    assert exported.actor == audit_admin
    assert exported.data == {"filters": {"action": "item_filed"}, "rows": 3}


@pytest.mark.parametrize("persona", ["system_admin", "security_admin", "editor", "chief"])
def test_only_the_auditor_reads_or_exports(client_of, persona, request):
    client = client_of(request.getfixturevalue(persona))
    assert client.get(LOG).status_code == 403
    assert client.get(reverse("audit:export")).status_code == 403
    assert client.post(reverse("audit:retention"), {"retention_days": 400}).status_code == 403


def test_the_auditor_sets_retention_not_below_180_days(auditor):
    response = auditor.post(reverse("audit:retention"), {"retention_days": 90}, follow=True)
    assert "至少保存 180 天" in response.content.decode()
    assert AuditPolicy.current().retention_days == 180
    auditor.post(reverse("audit:retention"), {"retention_days": 365})
    assert AuditPolicy.current().retention_days == 365
    assert AuditEntry.objects.filter(action="audit_policy_changed").count() == 1


def test_the_verify_button_runs_the_full_check(
    auditor, settings, django_capture_on_commit_callbacks
):
    record(None, "login_failed", "x")
    with django_capture_on_commit_callbacks(execute=True):
        response = auditor.post(reverse("audit:verify"), follow=True)
    assert "哈希链完整" in response.content.decode()
    assert settings.AUDIT_CHECKPOINT_FILE.exists()
    head = AuditEntry.objects.order_by("-seq").first().seq
    assert f"记录至第 {head} 条" in auditor.get(LOG).content.decode()
    settings.AUDIT_CHECKPOINT_FILE.write_text("{}\n", encoding="utf-8")
    response = auditor.post(reverse("audit:verify"), follow=True)
    assert "签名无效" in response.content.decode()
