"""The cases a substring scan over characters gets wrong unless documents and queries are
normalised alike: combining marks, quotes inside a word, full-width letters and digits,
traditional characters, single characters, exclusions — over every kind of source (items,
incidents, reports, bulletin entries, notices). Each query's answer is compared with the
separately written truth (tests/archive/truth.py) and with what a reader expects."""

from datetime import date

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation

from accountability.models import CriticismNotice, Issuer, NoticeStatus
from archive import backends, index, rules
from archive.models import Document, IndexState
from archive.search import count, facets, matching_ids, search
from archive.visibility import Grants
from bulletins.models import Issue, IssueEntry, IssueState
from emergencies.models import Incident, IncidentReport, ReportState
from submissions import actions
from submissions.models import InfoItem
from tests.archive.truth import Truth, normalise, source_documents
from tests.clock import YEAR
from tests.factories import content

EVERYONE = Grants.everything()

TEXTS = {
    "decomposed": ("Cafe\u0301 au lait 咖啡馆", "巴黎的Cafe\u0301开业"),
    "composed": ("Café 新店", "CAFÉ 与 café 同义"),
    "quoted": ("推进“两学一做”学习教育常态化", "各支部推进“两学一做”学习教育"),
    "unquoted": ("推进两学一做学习教育", "推进两学一做学习"),
    "traditional": ("國務院辦公廳關於防汛工作的通知", "各地區要加強值班，發現險情立即報告。"),
    "simplified": ("国务院办公厅部署防汛", "各地区要加强值班"),
    "wide": ("ＰＭ２.５监测与ＧＤＰ核算", "５Ｇ基站建设"),
    "narrow": ("PM2.5 达标", "gdp 增长 5g"),
    "fire": ("城南区火灾", "火灾已扑灭"),
}

QUERIES = [
    "café",
    "CAFÉ",
    "cafe\u0301",
    "cafe",
    "推进“两学一做”学习",
    "“两学一做”",
    '"两学一做"学习',
    "两学一做",
    "国务院",
    "國務院",
    "國務院 -办公厅",
    "办公廳",
    "加強值班",
    "国",
    "國",
    "ｐｍ２.５",
    "pm2.5",
    "ＧＤＰ",
    "5g",
    "５ｇ",
    "火",
    "灾",
    "火灾 -火灾",
    "火灾 -火",
    "-火灾",
    "防汛 -國務院",
    '"巴黎的café 开业"',
    "“同义”",
    "-“两学一做”",
    "河堤 溃口",
    "發現險情",
    "迟报 通報",
    "GB/T",
]


@pytest.fixture
def sources(officer_a, editor, chief, city_daily):
    """One item per text, and an incident with a report, a bulletin entry and a notice
    written in traditional characters and full-width letters."""
    items = {
        name: actions.do_create_item(officer_a, content(title=t, body=b))
        for name, (t, b) in TEXTS.items()
    }
    now = timezone.now()
    incident = Incident.objects.create(
        title="臨河縣河堤潰口",
        category="natural",
        level="3",
        place="河堤",
        subtype="溃口",
        occurred_at=now,
        known_at=now,
        clock_start=now,
        policy_applied_at=now,
        created_by=officer_a,
    )
    incident.responsible_units.add(officer_a.unit)
    IncidentReport.objects.create(
        incident=incident,
        unit=officer_a.unit,
        kind="initial",
        channel="written",
        state=ReportState.RECEIVED,
        summary="發現險情後立即轉移群眾",
        cause="連續暴雨",
        author=officer_a,
    )
    issue = Issue.objects.create(
        publication=city_daily,
        year=YEAR,
        state=IssueState.PUBLISHED,
        issue_date=date(YEAR, 5, 1),
        compiled_by=editor,
        published_at=now,
    )
    IssueEntry.objects.create(
        issue=issue,
        item=items["quoted"],
        position=1,
        title="推进“两学一做”学习教育",
        body="Ｃａｆé 与 國務院",
        credit="甲",
    )
    notice = CriticismNotice.objects.create(
        issuer=Issuer.OWN,
        status=NoticeStatus.ISSUED,
        year=YEAR,
        title="關於信息遲報的通報",
        doc_number="GB/T 迟报〔1〕号",
        body="國務院要求",
        issuing_office="市委办公室",
        created_by=chief,
        issued_on=date(YEAR, 6, 1),
    )
    notice.units.set([officer_a.unit])
    return items


def found(raw):
    ids = matching_ids(EVERYONE, raw)
    return set(Document.objects.filter(id__in=ids).values_list("key", flat=True))


def test_every_kind_of_source_is_in_the_truth(sources):
    kinds = {key.split(":")[0] for key, _fields in source_documents()}
    assert kinds == {"item", "incident", "report", "entry", "notice"}


@pytest.mark.parametrize("raw", QUERIES)
def test_recall_and_precision_equal_the_truth(sources, raw):
    assert found(raw) == Truth().found(raw), raw


def key(item):
    return f"item:{item.pk}"


def test_a_combining_mark_is_found_written_either_way(sources):
    both = {key(sources["decomposed"]), key(sources["composed"])}
    assert both <= found("café") == found("cafe\u0301") == found("CAFÉ")
    assert key(sources["decomposed"]) not in found("cafe")


def test_quotes_inside_a_term_are_matched_as_written(sources):
    quoted = found("推进“两学一做”学习")
    assert key(sources["quoted"]) in quoted and key(sources["unquoted"]) not in quoted
    phrase = found("“两学一做”")  # quotes around the whole term: a phrase
    assert {key(sources["quoted"]), key(sources["unquoted"])} <= phrase


def test_traditional_and_simplified_find_each_other(sources):
    pair = {key(sources["traditional"]), key(sources["simplified"])}
    assert pair <= found("國務院") == found("国务院")
    assert pair <= found("办公廳")
    assert "notice:" in " ".join(found("通報"))
    hit = next(
        h for h in search(EVERYONE, "国务院").hits if h.doc.key == key(sources["traditional"])
    )
    assert "<mark>國務院</mark>" in hit.title  # the original is shown, the folded form matched


def test_full_width_and_half_width_are_one(sources):
    assert {key(sources["wide"]), key(sources["narrow"])} <= found("pm2.5") == found("ｐｍ２.５")


def test_a_term_excluded_and_required_finds_nothing_and_says_why(sources):
    for raw in ("火灾 -火灾", "火灾 -火"):
        assert found(raw) == set() == Truth().found(raw)
        assert count(EVERYONE, raw) == 0 and facets(EVERYONE, raw).total == 0
        with translation.override("zh-hans"):
            result = search(EVERYONE, raw)
        assert result.total == 0 and result.hits == []
        assert "因此没有任何结果" in result.messages[0]
    assert search(EVERYONE, "火灾").messages == []
    assert key(sources["fire"]) in found("火灾")


def test_the_page_shows_the_conflict_and_the_folding(sources, editor, client_of):
    client = client_of(editor)
    page = client.get(reverse("archive:search"), {"q": "火灾 -火灾"}).content.decode()
    assert "“火灾”既被要求包含又被排除，因此没有任何结果。" in page
    assert f"/items/{sources['fire'].pk}/" not in page
    assert "检索不区分繁体字与简体字" in page


def test_ranking_statistics_follow_every_write(officer_a):
    """Count, total and average length change with each document written or removed, and a
    new document is ranked against the average that includes it."""

    def check():
        index.drain()
        st = IndexState.objects.get(pk=1)
        docs = [(normalise(t), normalise(b)) for _k, (t, b) in source_documents()]
        lengths = [len(t) + len(b) for t, b in docs]
        assert st.doc_count == len(lengths) == Document.objects.count()
        assert st.total_length == sum(lengths)
        assert st.avg_length == pytest.approx(sum(lengths) / len(lengths))
        return st

    first = actions.do_create_item(officer_a, content(title="短", body="一二三"))
    assert check().avg_length == pytest.approx(len("短") + len("一二三"))
    second = actions.do_create_item(officer_a, content(title="长标题", body="正文" * 500))
    st = check()
    newest = Document.objects.get(key=f"item:{second.pk}")
    assert newest.avg_length == pytest.approx(st.avg_length)
    InfoItem.objects.filter(pk=first.pk).update(body="改过的正文" * 10)
    check()
    InfoItem.objects.filter(pk=first.pk).delete()
    check()
    assert Document.objects.aggregate(n=Sum("length"))["n"] == st.total_length - (1 + 3)


def test_document_frequencies_follow_every_write(officer_a):
    """Ranking several terms weighs each by how many documents hold its characters and
    bigrams: the index's counts are those of the sources after every write, edit, deletion
    and rebuild (on PostgreSQL a table of their own, kept by the same transactions)."""
    probes = ["火", "火灾", "灾已", "正", "正文", "文改", "改过", "扑灭", "南区", "无此"]

    def check():
        index.drain()
        truth = Truth()
        grams = {p: rules.term_grams(normalise(p))[0] for p in probes}
        counts = backends.current().df(list(grams.values()))
        assert {p: counts[g] for p, g in grams.items()} == {p: len(truth.found(p)) for p in probes}

    first = actions.do_create_item(officer_a, content(title="城南区火灾", body="火灾已扑灭"))
    check()
    second = actions.do_create_item(officer_a, content(title="火", body="正文" * 50))
    check()
    InfoItem.objects.filter(pk=first.pk).update(body="改过的正文，火已扑灭")
    check()
    InfoItem.objects.filter(pk=second.pk).delete()
    check()
    actions.do_create_item(officer_a, content(title="南区正文", body="文改火灾"))
    index.rebuild()
    check()


def test_a_search_that_cannot_match_is_not_saved(editor):
    from archive.actions import ActionError, do_save_search
    from archive.search import Filters

    with translation.override("zh-hans"), pytest.raises(ActionError, match="因此没有任何结果"):
        do_save_search(editor, "火灾", "火灾 -火灾", Filters(), "newest", subscribed=True)


def test_the_command_says_why_nothing_matches(sources):
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("search", "火灾", "-火灾", "--json", stdout=out)
    answer = json.loads(out.getvalue())
    assert answer["total"] == 0 and answer["ids"] == [] and answer["messages"]


def test_a_result_carries_its_documents_date_unit_and_text(corpus):
    """A result page reads its documents in one query of its own: each hit holds what the
    document table holds (read back here through the ORM), its date aware of the time zone
    (SQLite hands back naive datetimes), and its unit."""
    result = search(EVERYONE, "工作", per_page=20)
    assert result.hits
    for hit in result.hits:
        stored = Document.objects.select_related("unit").get(pk=hit.doc.pk)
        fields = ("key", "kind", "source_id", "parent_id", "date", "unit_id", "title", "body")
        assert [getattr(hit.doc, f) for f in fields] == [getattr(stored, f) for f in fields]
        assert timezone.is_aware(hit.doc.date)
        assert hit.doc.unit == stored.unit
        assert hit.doc.unit.display_name == stored.unit.display_name


def test_a_document_whose_unit_is_gone_keeps_its_unit_id(corpus):
    """A unit's row may be gone (documents hold its id without a constraint): the hit shows
    no unit and keeps the id it was indexed with."""
    newest = search(EVERYONE, "工作", per_page=1).hits[0].doc
    Document.objects.filter(pk=newest.pk).update(unit_id=987654)
    [hit] = search(EVERYONE, "工作", per_page=1).hits
    assert hit.doc.pk == newest.pk
    assert hit.doc.unit is None
    assert hit.doc.unit_id == 987654
