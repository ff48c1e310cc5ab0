"""The section's circulars read back: the monthly and quarterly 信息采用情况通报 (its table
against figures worked out by hand), the year-end 表彰通报 (award winners and the officers the
tally names), and the per-officer tally against a separate count over the adoption rows."""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document

from accountability.models import NoticeCounter
from audit.models import AuditEntry
from bulletins.models import Adoption, AdoptionLevel, Instruction
from org.roles import Role
from scoring import circulars, queries
from scoring.actions import rebuild
from scoring.models import Circular, ReportPolicy, RuleKind, ScoreRule
from submissions.models import ItemState
from tests.bulletins.editorial_helpers import clock, instruct, local
from tests.clock import YEAR
from tests.factories import make_item, make_publication, make_user
from tests.scoring.scoring_helpers import assign, violation

pytestmark = pytest.mark.django_db

LATER = local(f"{YEAR}-11-20 12:00")


def item_at(officer, head, editor, at, publication=None):
    """An item of the officer's unit that left it at `at`, adopted that day by
    `publication` if one is given."""
    state = ItemState.ADOPTED if publication else ItemState.SUBMITTED
    with clock(at):
        return make_item(
            officer,
            state,
            head=head,
            editor=editor,
            publication=publication,
            title=f"稿件 {at:%m%d%H%M}",
        )


@pytest.fixture
def story(officer_a, officer_b, head_a, head_b, editor, leader, chief, unit_a, unit_b):
    """甲区: 张明 writes X1 (city, 3 Feb; a city leader's instruction on 5 Mar) and X2
    (province, 31 Mar 22:00, the last hours of Q1); then 李华 becomes the unit's officer and
    writes X3 (city, 1 Apr 00:30, the first of Q2). 乙县: Y1 sent 10 Mar, Y2 adopted by the city
    15 Mar, a late report confirmed 12 Mar."""
    city = make_publication(AdoptionLevel.CITY, code="daily", name="每日要情")
    province = make_publication(AdoptionLevel.PROVINCE, code="prov", name="省委办公厅信息专报")
    officer_a.full_name = "张明"
    officer_a.save()
    officer_b.full_name = "王芳"
    officer_b.save()
    assign(unit_a, "一类", date(YEAR, 1, 1), quota=0)
    assign(unit_b, "一类", date(YEAR, 1, 1))
    x1 = item_at(officer_a, head_a, editor, local(f"{YEAR}-02-03 10:00"), city)
    instruct(leader, x1, local(f"{YEAR}-03-05 09:00"))
    item_at(officer_a, head_a, editor, local(f"{YEAR}-03-31 22:00"), province)
    successor = make_user(Role.OFFICER, unit_a, username="officer_a2", full_name="李华")
    unit_a.officer = successor
    unit_a.save(update_fields=["officer"])
    item_at(successor, head_a, editor, local(f"{YEAR}-04-01 00:30"), city)
    item_at(officer_b, head_b, editor, local(f"{YEAR}-03-10 10:00"))
    item_at(officer_b, head_b, editor, local(f"{YEAR}-03-15 10:00"), city)
    violation(chief, unit_b, "late", date(YEAR, 3, 12))
    rebuild(YEAR, as_of=LATER)
    return {"successor": successor}


def read_table(content: bytes) -> list[list[str]]:
    doc = Document(BytesIO(content))
    assert len(doc.tables) == 1
    return [[cell.text for cell in row.cells] for row in doc.tables[0].rows]


def text_of(content: bytes) -> str:
    return "\n".join(p.text for p in Document(BytesIO(content)).paragraphs)


HEAD = ["序号", "单位", "报送", "市级采用", "省级采用", "中央采用", "批示", "违规", "积分"]


def test_the_march_circular_table_matches_the_hand_count(client_of, editor, story):
    response = client_of(editor).get(
        reverse("scoring:adoption_docx"), {"year": YEAR, "kind": "month", "number": "3"}
    )
    assert response.status_code == 200
    rows = read_table(response.content)
    assert rows[0] == HEAD
    # 甲区: X2 sent; adopted by the province (20 × 2, forwarded); the instruction (+10) and its
    # feedback, missing (−10). 乙县: Y1 and Y2 sent; Y2 adopted (+4); the late report (−20).
    assert rows[1:] == [
        ["1", "甲区委办公室", "1", "0", "1", "0", "1", "0", "40.00"],
        ["2", "乙县委办公室", "2", "1", "0", "0", "0", "1", "-16.00"],
    ]
    text = text_of(response.content)
    assert f"现将{YEAR}年3月份各单位信息报送采用情况通报如下：" in text
    assert "市委办公室" in text and f"市委办通〔{YEAR}〕" in text


def test_quarters_end_at_midnight_of_their_last_day(client_of, editor, story):
    def quarter(n):
        response = client_of(editor).get(
            reverse("scoring:adoption_docx"), {"year": YEAR, "kind": "quarter", "number": n}
        )
        return read_table(response.content)[1:]

    # Q1 holds X1 and X2 (31 Mar 22:00), Q2 only X3 (1 Apr 00:30).
    assert quarter(1) == [
        ["1", "甲区委办公室", "2", "1", "1", "0", "1", "0", "44.00"],
        ["2", "乙县委办公室", "2", "1", "0", "0", "0", "1", "-16.00"],
    ]
    assert quarter(2) == [
        ["1", "甲区委办公室", "1", "1", "0", "0", "0", "0", "4.00"],
        ["2", "乙县委办公室", "0", "0", "0", "0", "0", "0", "0.00"],
    ]


def test_a_fifth_quarter_is_refused_in_chinese(client_of, editor, story):
    client = client_of(editor)
    response = client.get(
        reverse("scoring:adoption_docx"),
        {"year": YEAR, "kind": "quarter", "number": "5"},
        follow=True,
        headers={"accept-language": "zh-hans"},
    )
    assert response.status_code == 200
    assert "季度" in response.content.decode()


def simple_tally(year: int) -> dict[int, Decimal]:
    """Points per writer, from the adoption and instruction rows and the point table."""
    points: dict[int, Decimal] = defaultdict(Decimal)
    for adoption in Adoption.objects.filter(adopted_on__year=year).select_related("item"):
        rule = ScoreRule.objects.get(kind=RuleKind.ADOPTION, level=adoption.level, publication=None)
        forwarded = adoption.level != AdoptionLevel.CITY and adoption.item.forwarded_at
        points[adoption.item.author_id] += rule.points * (
            rule.forwarded_multiplier if forwarded else 1
        )
    seen = set()
    for instruction in Instruction.objects.filter(instructed_on__year=year).order_by("pk"):
        if (instruction.item_id, instruction.level) in seen:
            continue
        seen.add((instruction.item_id, instruction.level))
        rule = ScoreRule.objects.get(kind=RuleKind.INSTRUCTION, level=instruction.level)
        points[instruction.item.author_id] += rule.points
    return dict(points)


def test_the_tally_credits_the_writer_not_the_units_officer_now(officer_a, officer_b, story):
    tally = circulars.officer_tally(queries.Period(YEAR, ""))
    assert {t.user: t.points for t in tally} == simple_tally(YEAR)
    by_user = {t.user: t for t in tally}
    assert by_user[officer_a.pk].points == Decimal(54)  # 4 + 40 + 10, though no longer officer
    assert by_user[story["successor"].pk].points == Decimal(4)
    assert [t.name for t in tally] == ["张明", "李华", "王芳"]


def test_the_officers_page_lists_the_tally(client_of, leader, story):
    response = client_of(leader).get(
        reverse("scoring:officers"), {"year": YEAR}, headers={"accept-language": "zh-hans"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("张明") < page.index("李华")


def test_the_commendation_names_the_winners_and_the_top_officers(client_of, chief, story):
    client = client_of(chief)
    response = client.post(
        reverse("scoring:officers"),
        {"officer_places": "2", "officer_min_points": "", "copy_to": "省委办公厅信息处"},
    )
    assert response.status_code == 302
    assert ReportPolicy.current().officer_places == 2
    assert AuditEntry.objects.filter(action="report_policy_changed").exists()
    response = client.get(reverse("scoring:commendation_docx"), {"year": YEAR})
    text = text_of(response.content)
    assert "甲区委办公室" in text  # the only unit with an award (乙县 has −16)
    assert "乙县委办公室" not in text
    assert "张明（甲区委办公室）" in text and "李华（甲区委办公室）" in text
    assert "王芳" not in text  # third: beyond the two places
    assert "抄送：省委办公厅信息处。" in text


def test_issuing_takes_one_number_from_the_offices_sequence(client_of, chief, story):
    client = client_of(chief)
    for _ in range(2):
        client.post(
            reverse("scoring:issue_circular"),
            {"doc": "adoption", "year": YEAR, "kind": "month", "number": "3"},
        )
    assert NoticeCounter.objects.get(year=YEAR).last == 1
    circular = Circular.objects.get()
    assert circular.doc_number == f"市委办通〔{YEAR}〕1号"
    response = client.get(
        reverse("scoring:adoption_docx"), {"year": YEAR, "kind": "month", "number": "3"}
    )
    assert f"市委办通〔{YEAR}〕1号" in text_of(response.content)


def test_a_joint_item_credits_its_writer_with_the_writers_unit_share(
    officer_a, officer_b, head_a, editor, unit_b
):
    city = make_publication(AdoptionLevel.CITY, code="daily", name="每日要情")
    with clock(local(f"{YEAR}-05-06 10:00")):
        make_item(
            officer_a,
            ItemState.ADOPTED,
            head=head_a,
            editor=editor,
            publication=city,
            joint_units=(unit_b,),
        )
    rebuild(YEAR, as_of=LATER)
    tally = circulars.officer_tally(queries.Period(YEAR, "5"))
    # 4 points split between the two units: 甲区's 2 go to the writer; 乙县's officer wrote
    # nothing and is not credited.
    assert [(t.user, t.points, t.adopted) for t in tally] == [(officer_a.pk, Decimal(2), 1)]
