"""What the demo city must show, checked on a loaded demo: tests/test_demo.py runs these after
loading it at the pinned instant and at each of the awkward instants of `DEMO_INSTANTS`."""

import re
from datetime import timedelta
from io import BytesIO, StringIO
from urllib.parse import urlsplit

from django.core.management import call_command
from django.db.models import Model
from django.template.defaultfilters import floatformat
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document

from accountability.models import (
    CriticismNotice,
    Issuer,
    NoticeStatus,
    Reinstatement,
    Violation,
    ViolationStatus,
)
from accountability.queries import disqualified_unit_ids, eligibility
from audit.models import AuditEntry
from bulletins.models import (
    Adoption,
    AdoptionLevel,
    FollowUpTask,
    Publication,
    Solicitation,
    TaskStatus,
)
from deadlines.models import ExpectedReport, ExpectStatus
from emergencies.models import ExpectKind, Incident, Level, ViolationCandidate
from insight.models import InsightPolicy
from insight.queries import incident_panel, item_panel, typical_cases
from insight.rules import week_monday
from insight.trends import weekly_trends
from notify.models import Channel, Delivery, DeliveryAttempt, DeliveryStatus, EgressRule
from org.models import Unit, UnitKind, UnitLevel, User, hub_unit
from org.network import reporting_units_status
from org.roles import Role
from roster.models import Appointment, Leave, Post
from roster.queries import contact_person, reminder_people
from scoring.models import Circular, CircularKind, ClassAssignment, ScoreEntry, SourceKind
from submissions.models import (
    Attachment,
    EventKind,
    InfoItem,
    ItemEvent,
    ItemRevision,
    ItemState,
    RevisionSource,
    Tag,
    Verification,
)
from tests.scoring.scoring_helpers import ledger_rows
from xinbao.demo import directory
from xinbao.demo import roster as demo_roster
from xinbao.demo.accountability import load_accountability
from xinbao.demo.insight import MARKER, load_insight
from xinbao.demo.scoring import load_scoring


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models: list[type[Model]] = [
        Unit,
        User,
        Publication,
        InfoItem,
        ItemRevision,
        ItemEvent,
        Adoption,
        Tag,
        AuditEntry,
    ]
    return {m.__name__: m._default_manager.count() for m in models}


def check_network() -> None:
    units = Unit.objects.all()
    assert units.count() >= 20
    assert units.filter(kind=UnitKind.DEPARTMENT, level=UnitLevel.CITY).count() >= 10
    assert units.filter(kind__in=[UnitKind.DISTRICT, UnitKind.COUNTY]).count() >= 6
    townships = units.filter(level=UnitLevel.TOWNSHIP, kind=UnitKind.TOWNSHIP)
    assert townships.count() == 2
    assert all(t.parent for t in townships)
    assert {t.parent.kind for t in townships if t.parent} <= {UnitKind.DISTRICT, UnitKind.COUNTY}
    root = units.get(code=directory.ROOT_CODE)
    province = root.parent
    assert province is not None
    assert province.level == UnitLevel.PROVINCE
    assert not province.is_reporting
    assert set(
        root.children.filter(kind=UnitKind.SECTION).values_list("is_reporting", flat=True)
    ) == {False}
    levels = set(Publication.objects.values_list("level", flat=True))
    assert levels == {AdoptionLevel.CITY, AdoptionLevel.PROVINCE, AdoptionLevel.CENTRAL}


def check_codes() -> None:
    """Every demo incident carries a GB/T 35561 code of its own class; every district and
    county carries a region code of the demo scheme (99…: no real province), under its city's."""
    incidents = Incident.objects.select_related("category_code__parent")
    assert incidents.count() >= 5
    for incident in incidents:
        code = incident.category_code
        assert code is not None, incident.title
        top = code.parent or code  # the class row, read up the tree (not the row's own field)
        assert top.parent is None and top.category == incident.category, incident.title
    city = Unit.objects.get(code=directory.ROOT_CODE)
    assert city.region_code == "990100"
    regions = Unit.objects.filter(kind__in=[UnitKind.DISTRICT, UnitKind.COUNTY])
    assert regions.count() >= 6
    for unit in regions:
        assert re.fullmatch(r"9901\d\d", unit.region_code), unit.code
        assert unit.region_code != city.region_code
    codes = [u.region_code for u in regions]
    assert len(set(codes)) == len(codes)
    assert not Unit.objects.filter(level=UnitLevel.TOWNSHIP).exclude(region_code="").exists()


def check_officers() -> None:
    for unit in Unit.objects.filter(is_reporting=True).select_related("officer"):
        heads = unit.members.filter(role=Role.UNIT_HEAD)
        assert heads.count() == 1, unit.code
        if unit.code in directory.UNITS_WITHOUT_OFFICER:
            assert unit.officer is None
        else:
            assert unit.officer is not None, unit.code
            assert unit.officer.role == Role.OFFICER
            assert unit.officer.unit_id == unit.pk
            assert unit.phone
    holes = {s.unit.code for s in reporting_units_status().holes}
    assert holes == directory.UNITS_WITHOUT_OFFICER | directory.SILENT_UNITS


def check_items() -> None:
    items = InfoItem.objects.all()
    assert set(items.values_list("state", flat=True)) == set(ItemState.values)
    assert items.filter(joint_units__isnull=False).distinct().count() >= 2
    assert items.filter(verification=Verification.VERIFIED).exists()
    disputed = items.get(verification=Verification.DISPUTED)
    assert disputed.verification_note
    assert ItemEvent.objects.filter(kind=EventKind.RETURNED).exclude(comment="").exists()
    assert Adoption.objects.filter(level=AdoptionLevel.PROVINCE).exists()
    # A provincial or central publication used only what the section forwarded to it, on or
    # after the day it went up, and its issue is on record.
    upper = Adoption.objects.exclude(level=AdoptionLevel.CITY).select_related("item")
    assert upper.exists()
    for adoption in upper:
        forwarded_at = adoption.item.forwarded_at
        assert forwarded_at is not None, adoption.item.title
        assert timezone.localdate(forwarded_at) <= adoption.adopted_on, adoption.item.title
        assert adoption.upper_issue_number and adoption.upper_issue_date, adoption.item.title
    edited = items.filter(revisions__source=RevisionSource.EDITOR).distinct()
    assert edited.exists()
    for item in edited:
        first = item.revisions.get(number=1)
        assert (first.title, first.body) != (item.title, item.body)

    now = timezone.now()
    for item in items.prefetch_related("events"):
        times = [e.at for e in item.events.all()]
        assert times == sorted(times), item.title
        assert times[0] == item.created_at and times[-1] == item.updated_at <= now
        signed_off = [e.at for e in item.events.all() if e.kind == EventKind.SIGNED_OFF]
        assert item.submitted_at == (signed_off[0] if signed_off else None)
    oldest = items.earliest("created_at").created_at
    assert (now - oldest).days >= 45  # spread over the last two months


def check_logins(output: str) -> None:
    assert directory.DEMO_PASSWORD in output
    assert "manage.py demo_code <username>" in output
    for username in ("bianji1", "kezhang", "zhiban", "lingdao", "gaj_xxy", "gaj_ld", "wjw_he"):
        assert username in output
    assert User.objects.get(username="gaj_xxy").check_password(directory.DEMO_PASSWORD)


def check_accountability() -> None:
    units = {u.code: u for u in Unit.objects.all()}
    users = {u.username: u for u in User.objects.all()}
    load_accountability(units, users, timezone.now())  # a no-op once load_demo calls it

    statuses = set(Violation.objects.values_list("status", flat=True))
    assert statuses == set(ViolationStatus.values)
    # The story's year: this year, or last year in the first weeks of January.
    leak = Violation.objects.get(unit=units["jc-yjj"])
    story_year = timezone.localtime(leak.created_at).year
    assert story_year in (timezone.localdate().year, timezone.localdate().year - 1)
    # Disqualified by the rule; reinstated by a recorded decision, revoked since.
    yjj = units["jc-yjj"].pk
    verdict = eligibility(story_year, [yjj])[yjj]
    assert verdict.disqualified_by_rule and not verdict.reinstated
    assert disqualified_unit_ids(story_year) == {yjj}
    reinstatement = Reinstatement.objects.get(unit_id=yjj, year=story_year)
    assert reinstatement.revoked_at is not None
    assert reinstatement.decided_at < reinstatement.revoked_at <= timezone.now()
    # The story's pending violation; the duty office's late zero reports wait beside it.
    waiting = Violation.objects.get(status=ViolationStatus.PENDING, incident__isnull=False)
    assert waiting.unit == units["jc-qsx"] and waiting.explanations.exists()
    issued = CriticismNotice.objects.exclude(status=NoticeStatus.DRAFT)
    issuers = sorted(issued.values_list("issuer", "doc_number"))
    assert [i for i, _ in issuers] == [Issuer.OWN, Issuer.UPPER]
    assert issuers[0][1].startswith(f"江委办通〔{story_year}〕")
    # A draft the chief has not issued yet, naming a confirmed late report.
    draft = CriticismNotice.objects.get(status=NoticeStatus.DRAFT)
    assert [v.status for v in draft.violations.all()] == [ViolationStatus.CONFIRMED]
    assert all(v.created_at <= timezone.now() for v in Violation.objects.all())

    count = Violation.objects.count()
    assert load_accountability(units, users, timezone.now()) == "already loaded"
    assert Violation.objects.count() == count


def check_scoring(client: Client) -> None:
    units = {u.code: u for u in Unit.objects.all()}
    now = timezone.now()
    load_scoring(units, now)  # a re-run once load_demo calls it
    reporting = Unit.objects.filter(is_reporting=True, is_active=True)
    assert ClassAssignment.objects.count() == reporting.count()

    page = client.get(reverse("scoring:board"), {"year": timezone.localdate(now).year})
    boards = page.context["boards"]
    assert [b.unit_class.name for b in boards] == ["一类", "二类", "三类", "四类"]
    for board in boards:
        # An award goes to units that earned points, never to one with none (a town whose
        # items were all filed); a class where someone earned points has its award.
        earning = [p for p in board.places if p.standing.total > 0 and not p.excluded]
        assert all(p.standing.total > 0 for p in board.places if p.award), board.unit_class
        assert (board.awarded >= 1) == bool(earning), board.unit_class

    rows = ledger_rows()
    assert rows
    load_scoring(units, now)
    assert ledger_rows() == rows


def check_insight() -> None:
    units = {u.code: u for u in Unit.objects.all()}
    users = {u.username: u for u in User.objects.all()}
    load_insight(units, users, timezone.now())  # a no-op once load_demo calls it
    editor, leader = users["bianji1"], users["lingdao"]

    trends = weekly_trends(editor, week_monday(timezone.localdate()), InsightPolicy.current())
    assert "电动自行车" in [s.burst.term for s in trends.topics]
    assert "电动自行车" in [s.burst.term for s in trends.terms]

    merged = InfoItem.objects.get(title=MARKER)
    assert merged.duplicate_of is not None
    assert units["jc-qsx"] in merged.duplicate_of.joint_units.all()
    fire = InfoItem.objects.get(title__startswith="东湖区一居民楼电动自行车")
    assert item_panel(fire, editor).candidates  # the fire brigade reported it too

    assert {i.typical for i in typical_cases(leader)} == {"good", "bad"}
    incident = Incident.objects.get(title="东湖区金桥商厦发生火灾")
    assert incident_panel(incident, editor).candidates

    count = InfoItem.objects.count()
    assert load_insight(units, users, timezone.now()) == "already loaded"
    assert InfoItem.objects.count() == count


_LINK = re.compile(r'href="(/[^"#?]*)"')


def check_pages(client_of_username: dict[str, Client]) -> None:
    """Each persona's home page and every page it links to answer without an error."""
    for username, client in client_of_username.items():
        home = client.get("/", follow=True)
        assert home.status_code == 200, username
        links = sorted(
            {u for u in _LINK.findall(home.content.decode()) if not u.startswith("/static/")}
            - {"/accounts/logout/"}
        )
        assert links, username
        for url in links:
            answer = client.get(url)
            assert answer.status_code in (200, 302), (username, url, answer.status_code)


def check_followups() -> None:
    """What the demo has so every page has something to show: channels with queued deliveries
    (none sent while loading), a leader's instruction owed feedback, an open solicitation with
    answers (one carrying an attachment), and a merged incident pair."""
    now = timezone.now()
    channels = Channel.objects.filter(removed_at__isnull=True, enabled=True)
    assert channels.filter(user__username="kezhang").exists()
    assert channels.filter(unit__code="jc-yjj").exists()
    assert all(urlsplit(c.target).hostname == "127.0.0.1" for c in channels)
    # Listed by the system administrator, as an operator would, before the channels were added.
    assert list(EgressRule.objects.values_list("entry", flat=True)) == ["127.0.0.1:9"]
    assert all(urlsplit(c.target).port == 9 for c in channels)
    assert AuditEntry.objects.filter(action="egress_allowed", actor__username="sysadmin").exists()
    deliveries = Delivery.objects.all()
    assert deliveries.filter(channel__user__username="kezhang").count() > 1
    assert set(deliveries.values_list("status", flat=True)) == {DeliveryStatus.PENDING}
    assert not DeliveryAttempt.objects.exists()

    task = FollowUpTask.objects.get()
    assert task.status == TaskStatus.OPEN and task.due_at > task.instruction.recorded_at
    assert task.instruction.recorded_at <= now

    solicitation = Solicitation.objects.get()
    assert solicitation.issued_at < now < solicitation.due_at
    answers = InfoItem.objects.filter(solicitation_id=solicitation.pk)
    assert 0 < answers.count() < solicitation.units.count()
    assert all(a.submitted_at is not None and a.submitted_at <= now for a in answers)
    attachment = Attachment.objects.get(item__in=answers)
    assert attachment.original_name.endswith(".docx") and attachment.size > 0

    merged = Incident.objects.get(duplicate_of__isnull=False)
    assert merged.duplicate_of is not None
    assert merged.duplicate_of.title == "市区遭遇短时强降雨 多处道路积水"


def check_sensitive_and_circular(client: Client) -> None:
    """One sensitive incident, held to its category's strictest row (the seeded Ⅰ row: phone
    within 15 minutes, written within 35, from the published provincial notice), which the
    chief's page says; and one numbered 信息采用情况通报 the rankings page lists, whose .docx
    prints its 文号."""
    [sensitive] = Incident.objects.filter(sensitive=True)
    assert sensitive.level == Level.IV  # graded ordinary: the mark, not the level, makes it strict
    written = ExpectedReport.objects.get(incident=sensitive, kind=ExpectKind.WRITTEN)
    assert written.due_at - written.window_start == timedelta(minutes=35)
    assert written.status == ExpectStatus.MET
    assert written.met_at is not None and written.met_at <= written.due_at
    assert not ViolationCandidate.objects.filter(incident=sensitive).exists()
    page = client.get(reverse("emergencies:detail", args=[sensitive.pk])).content.decode()
    assert "敏感事件：按最严格时限" in page

    [circular] = Circular.objects.all()
    assert circular.kind == CircularKind.ADOPTION
    assert circular.doc_number.startswith(f"江委办通〔{circular.issued_on.year}〕")
    assert circular.issued_on <= timezone.localdate()
    board = client.get(reverse("scoring:board")).content.decode()
    assert circular.doc_number in board
    docx = client.get(
        reverse("scoring:adoption_docx"),
        {"year": str(circular.year), "kind": "month", "number": str(circular.period)},
    )
    text = "".join(p.text for p in Document(BytesIO(docx.content)).paragraphs)
    assert circular.doc_number in text


def check_duty(client: Client) -> None:
    """The duty office: the zero-report grid of the latest day whose due time is an hour past
    shows on-time, late and missed units; every filed day's deadline row is met (the worker has
    nothing to breach for it); the last shift's log has lines and its handover was signed."""
    from duty import rules
    from duty.models import Handover, LogEntry, ZeroPeriod, ZeroReport
    from duty.queries import grid
    from duty.schedule import KIND

    now = timezone.now()
    period = ZeroPeriod.objects.get(name="重要时段零报告（演示）")
    day = timezone.localdate(now)
    if now < rules.due_at(day, period.due_time) + timedelta(hours=1):
        day -= timedelta(days=1)
    shown = grid(day, now)
    assert (shown.on_time > 0, shown.late > 0, shown.missed > 0) == (True, True, True), day
    page = client.get(reverse("duty:zero"), {"day": day.isoformat()}).content.decode()
    assert "zero-late" in page and "zero-missed" in page and "zero-on_time" in page
    for report in ZeroReport.objects.all():
        row = ExpectedReport.objects.get(
            kind=KIND, unit=report.unit, sequence=(report.day - period.starts_on).days
        )
        assert row.status == ExpectStatus.MET and row.met_at == report.filed_at
    assert ZeroReport.objects.filter(has_matters=True).exclude(text="").exists()
    assert LogEntry.objects.filter(at__lte=now).exists()
    assert Handover.objects.filter(signed_at__isnull=False, signed_at__lte=now).exists()
    # The worker's first pass after `make run` breaches only the days nobody filed.
    from deadlines import engine
    from deadlines.models import DeadlineFlip
    from deadlines.rules import BREACH

    engine.run_pass(now)
    breached = set(
        DeadlineFlip.objects.filter(expected__kind=KIND, kind=BREACH).values_list(
            "expected__unit_id", "expected__sequence"
        )
    )
    filed = {(r.unit_id, (r.day - period.starts_on).days) for r in ZeroReport.objects.all()}
    assert breached and not breached & filed


def _row(page: str, marker: str) -> str:
    """The table row of `page` holding `marker` (a name, or data-unit="…")."""
    rows = [r for r in re.findall(r"<tr[^>]*>.*?</tr>", page, flags=re.S) if marker in r]
    assert len(rows) == 1, (marker, len(rows))
    return rows[0]


def check_roster(client: Client) -> None:
    """What the section chief sees of the network's people: a backup standing in today for an
    officer on leave (roster page, contact line, who gets the reminders), the officer change
    with the former officer's items and points kept on her history line, and the network
    health page's trained counts, never-trained people and the unit above the threshold."""
    now = timezone.now()
    units = {u.code: u for u in Unit.objects.select_related("officer")}
    people = {u.username: u for u in User.objects.filter(unit__isnull=False)}
    assert Appointment.objects.filter(started_at__isnull=True).count() == 0  # all have a date
    assert AuditEntry.objects.filter(action="roster_appointed").count() >= 30

    # 市卫生健康委: its officer is on leave today; its A角 stands in and gets the reminders.
    health_bureau = units["jc-wjw"]
    away, backup = people[demo_roster.ON_LEAVE], people[demo_roster.STANDING_IN]
    assert health_bureau.officer == away
    assert contact_person(health_bureau, now) == backup
    staff = list(User.objects.filter(unit=health_bureau, is_active=True))
    reminded = reminder_people(health_bureau, staff, now)
    assert backup in reminded and away not in reminded
    page = client.get(reverse("roster:unit", args=[health_bureau.pk])).content.decode()
    contact = re.search(r'<p class="contact-line" id="contact-today">(.*?)</p>', page, re.S)
    assert contact is not None and backup.full_name in contact.group(1)
    assert f"代{away.full_name}" in contact.group(1)
    assert "请假" in _row(page, f"<strong>{away.full_name}</strong>")
    leave = Leave.objects.get(person=away, cancelled=False)
    assert reverse("roster:cancel_leave", args=[leave.pk]) in page

    # 市信访局 changed its officer within the year: the history line keeps her items and points.
    bureau = units[demo_roster.CHANGED_UNIT]
    former = people[demo_roster.FORMER_OFFICER]
    assert bureau.officer is not None and bureau.officer != former
    ended = Appointment.objects.get(unit=bureau, post=Post.MAIN, person=former)
    assert ended.ended_at is not None and now - ended.ended_at < timedelta(days=365)
    page = client.get(reverse("roster:unit", args=[bureau.pk])).content.decode()
    history = page[page.index('id="history-posts"') :]
    line = _row(history, f"<strong>{former.full_name}</strong>")
    theirs = InfoItem.objects.filter(unit=bureau, author=former, adoptions__isnull=False)
    assert theirs.exists()
    assert f"采用 {theirs.distinct().count()} 条" in line
    ledger = ScoreEntry.objects.filter(
        unit=bureau,
        source_kind=SourceKind.ADOPTION,
        source_id__in=Adoption.objects.filter(item__in=theirs).values("pk"),
    )
    points = sum(e.points for e in ledger)
    assert points > 0
    assert f'<td class="points">{floatformat(points, "-2")}</td>' in line

    # Network health: trained counts every current officer, names who never was; the
    # revolving unit is above the threshold; the hub is nobody's hole.
    page = client.get(reverse("insight:network")).content.decode()
    for code in demo_roster.NEVER_TRAINED_UNITS:
        row = _row(page, f'data-unit="{code}"')
        assert "0/1" in row and "未参加培训" in row, code
    emergency = _row(page, 'data-unit="jc-yjj"')
    assert "2/3" in emergency and people["yjj_ma"].full_name in emergency
    revolving = _row(page, f'data-unit="{demo_roster.REVOLVING_UNIT}"')
    assert '<td>3 <span class="tag warn">不稳定</span></td>' in revolving
    hub = hub_unit()
    assert hub is not None and f'data-unit="{hub.code}"' not in page
    page = client.get(reverse("roster:unit", args=[hub.pk])).content.decode()
    assert "空白点" not in page and 'id="not-in-network"' in page
