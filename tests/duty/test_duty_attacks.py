"""The duty pages attacked and pasted into: crafted posts, text from Word, times outside the
shift. Each answers with a Chinese message or 403/404/405, never a 500, never a partial write."""

from datetime import timedelta

import pytest
from django.test import Client

from audit.models import AuditEntry
from duty.models import Handover, LogEntry
from org.models import DutyShift
from tests.clock import PINNED, TODAY, local

pytestmark = pytest.mark.django_db

# What a duty officer pastes from Word: no-break and ideographic spaces, full-width punctuation,
# smart quotes, Windows line ends, an emoji and a zero-width space — all kept as typed.
WORD = "来电：“城东水管爆裂”，\u00a0已告知水务\u3000值班室；‘请续报’！\r\n第二行🚒\u200b完"


@pytest.fixture
def shift(duty_officer):
    return DutyShift.objects.create(
        person=duty_officer, starts_at=local(TODAY, "08:00"), ends_at=local(TODAY, "18:00")
    )


def _entry(of: DutyShift, **changes: object) -> dict[str, object]:
    data = {
        "shift": of.pk,
        "at": f"{TODAY.isoformat()}T10:30",
        "kind": "call_in",
        "caller": "张三",
        "summary": "询问节日值班安排。",
    }
    data.update(changes)
    return data


def test_text_pasted_from_word_is_kept_in_the_log(shift, duty_officer, client_of):
    response = client_of(duty_officer).post("/duty/entries/", _entry(shift, summary=WORD))
    assert response.status_code == 302
    assert LogEntry.objects.get().summary == WORD
    page = client_of(duty_officer).get(f"/duty/?shift={shift.pk}").content.decode()
    assert "已告知水务\u3000值班室" in page and "第二行🚒" in page


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("1950-01-01T10:00", "不在本班次"),  # a mistyped year, in the sane date range
        (f"{TODAY.isoformat()}T07:59", "不在本班次"),  # the shift before
        ("0001-01-01T00:00", "1949-10-01"),  # out of the sane range: the form's own message
        ("2026-13-40T99:99", "有效的日期"),
    ],
)
def test_an_entry_outside_its_shift_is_refused_in_chinese(
    shift, duty_officer, client_of, at, message
):
    response = client_of(duty_officer).post("/duty/entries/", _entry(shift, at=at))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LogEntry.objects.exists()
    assert not AuditEntry.objects.filter(action="duty_log_entry_added").exists()


def test_a_past_shifts_form_starts_at_the_shifts_end(duty_officer, client_of):
    past = DutyShift.objects.create(
        person=duty_officer,
        starts_at=local(TODAY - timedelta(days=2), "08:00"),
        ends_at=local(TODAY - timedelta(days=2), "18:00"),
    )
    page = client_of(duty_officer).get(f"/duty/?shift={past.pk}").content.decode()
    assert f'value="{(TODAY - timedelta(days=2)).isoformat()}T18:00"' in page


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"shift": "-1"}, 404),
        ({"shift": "abc"}, 404),
        ({"shift": "99999999999999999999999"}, 404),
        ({"summary": ""}, 400),
        ({"kind": "delete"}, 400),
        ({"unit": "-5"}, 400),
        ({"incident": "2147483648"}, 400),
        ({"summary": "长" * 2001}, 400),
    ],
)
def test_crafted_entries_write_nothing(shift, duty_officer, client_of, changes, status):
    response = client_of(duty_officer).post("/duty/entries/", _entry(shift, **changes))
    assert response.status_code == status
    assert not LogEntry.objects.exists()


def test_post_only_urls_refuse_get_and_a_post_without_csrf(shift, duty_officer, client_of):
    client = client_of(duty_officer)
    for url in ("/duty/entries/", "/duty/handovers/start/", "/duty/zero/file/"):
        assert client.get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(duty_officer)
    assert strict.post("/duty/entries/", _entry(shift)).status_code == 403
    assert strict.post("/duty/handovers/start/", {"matters": "x"}).status_code == 403
    assert not LogEntry.objects.exists() and not Handover.objects.exists()


def test_a_handover_too_long_is_refused_with_the_text_kept(shift, duty_officer, client_of):
    """A 20,000-character paste: refused in Chinese, shown again to be cut, nothing written."""
    text = "交接事项" * 5000
    response = client_of(duty_officer).post("/duty/handovers/start/", {"matters": text})
    assert response.status_code == 400
    page = response.content.decode()
    assert "最多 3000 个字符" in page or ("3000" in page and "字符" in page)
    assert text[:200] in page
    assert not Handover.objects.exists()
    assert not AuditEntry.objects.filter(action="duty_handover_started").exists()


def test_a_handover_without_a_shift_says_so_on_the_form(duty_officer, client_of):
    response = client_of(duty_officer).post("/duty/handovers/start/", {"matters": "甲区火情"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "没有正在进行" in page and "甲区火情" in page
    assert not Handover.objects.exists()


def test_a_handover_is_signed_as_oneself_whatever_the_post_says(
    shift, duty_officer, editor, chief, client_of
):
    """Fields naming another signer are ignored; ids out of range are 404, never 500."""
    from duty import actions

    with_start = PINNED.replace(hour=17, minute=50)
    handover = actions.start_handover(duty_officer, "", now=with_start)
    response = client_of(chief).post(
        f"/duty/handovers/{handover.pk}/sign/", {"incoming": editor.pk, "user": editor.pk}
    )
    assert response.status_code == 302
    assert Handover.objects.get().incoming == chief
    client = client_of(duty_officer)
    assert client.post(f"/duty/handovers/{handover.pk + 1}/sign/").status_code == 404
    assert client.post("/duty/handovers/99999999999999999999/sign/").status_code == 404
    assert client.get(f"/duty/handovers/{handover.pk}/sign/").status_code == 405


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2026-02-30", "x" * 500])
def test_the_zero_grid_survives_any_day(duty_officer, client_of, day):
    assert client_of(duty_officer).get("/duty/zero/", {"day": day}).status_code == 200


def test_a_handed_over_shift_shows_no_form_and_refuses_a_crafted_entry(
    shift, duty_officer, chief, client_of
):
    from duty import actions

    handover = actions.start_handover(duty_officer, "", now=PINNED)
    actions.sign_handover(chief, handover.pk, now=PINNED)
    client = client_of(duty_officer)
    page = client.get(f"/duty/?shift={shift.pk}").content.decode()
    assert 'id="add-entry"' not in page and "本班次已交接，日志不可再修改" in page
    response = client.post("/duty/entries/", _entry(shift))
    assert response.status_code == 400
    assert "本班次已交接，日志不可再修改" in response.content.decode()
    assert not LogEntry.objects.exists()
    assert not AuditEntry.objects.filter(action="duty_log_entry_added").exists()
