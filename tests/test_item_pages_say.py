"""What the item pages tell their readers (issue 13): the review queue shows the time it is
sorted by, and a returned item says why at its top."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from submissions import actions
from submissions.models import InfoItem, ItemState
from submissions.rules import Action
from tests.factories import make_item


def _queue_section(html: str) -> str:
    start = html.index('id="queue"')
    return html[start : html.index("</section>", start)]


def test_the_queue_shows_when_each_item_was_submitted_oldest_first(
    client_of, officer_a, head_a, editor, _pinned_clock
) -> None:
    first = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="第一条")
    _pinned_clock.shift(timedelta(minutes=30))
    second = make_item(officer_a, ItemState.SUBMITTED, head=head_a, title="第二条")
    # The first one changes later (still in the queue): the queue keeps its submission order.
    _pinned_clock.shift(timedelta(minutes=30))
    InfoItem.objects.filter(pk=first.pk).update(updated_at=timezone.now())
    html = _queue_section(client_of(editor).get(reverse("submissions:home")).content.decode())
    assert "报送时间" in html and "更新时间" not in html
    assert html.index("第一条") < html.index("第二条")
    shown = re.findall(r'<td class="hide-sm nowrap">([^<]+)</td>', html)
    expected = [
        timezone.localtime(i.submitted_at).strftime("%Y-%m-%d %H:%M") for i in (first, second)
    ]
    assert shown == expected


def test_a_returned_item_says_why_at_its_top(client_of, officer_a, head_a, editor) -> None:
    item = make_item(officer_a, ItemState.RETURNED, head=head_a, editor=editor)
    html = client_of(officer_a).get(reverse("submissions:detail", args=[item.pk])).content
    page = html.decode()
    assert 'id="return-reason"' in page
    box = page[page.index('id="return-reason"') :]
    box = box[: box.index("</section>")]
    assert "退回理由" in box and "请核实数字" in box
    # Above the text of the item.
    assert page.index('id="return-reason"') < page.index('id="text"')


def test_a_refused_sign_off_says_the_heads_reason(client_of, officer_a, head_a) -> None:
    item = make_item(officer_a, ItemState.AWAITING_SIGNOFF)
    actions.do_transition(head_a, item.pk, Action.REFUSE, "数据来源请注明")
    page = client_of(officer_a).get(reverse("submissions:detail", args=[item.pk])).content
    assert "数据来源请注明" in page.decode().split('id="text"')[0]


def test_once_resubmitted_the_reason_is_history_only(client_of, officer_a, head_a) -> None:
    item = make_item(officer_a, ItemState.AWAITING_SIGNOFF)
    actions.do_transition(head_a, item.pk, Action.REFUSE, "数据来源请注明")
    item.refresh_from_db()
    actions.do_transition(officer_a, item.pk, Action.SUBMIT)
    page = client_of(officer_a).get(reverse("submissions:detail", args=[item.pk])).content
    assert 'id="return-reason"' not in page.decode()
