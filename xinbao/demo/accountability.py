"""The demo city's accountability side: the late and missed reports of the last five weeks,
each in a state of due process, one city notice issued and one provincial notice recorded — all
in one calendar year: this year's, or last year's in the first weeks of January.

Everything goes through the real actions at the moments it would have happened, so the
candidates, violations, explanations, decisions, numbers and notifications are the real ones:

- 市应急管理局 reported a chemical leak late; the chief confirmed it as serious; the city's
  notice and the province's notice both name it — the one unit disqualified that year.
- 西江区 reported a collapse late, confirmed and named in the city's notice: one municipal
  notice, still eligible.
- 市卫生健康委 was five minutes late during a system upgrade: waived, with the reason.
- 临河县 was seen by the 12345 hotline before it reported: a missed-report candidate, withdrawn
  when the sighting was matched to the incident its report had opened in time.
- 青山县 reported a landslide late two days ago and has explained; the chief has not decided.
- 南岭区 reported a gas leak late nine days ago, confirmed; the chief's draft notice naming it
  waits to be issued.
- 市应急管理局, disqualified by the province's notice, had its eligibility restored by the
  secretary-general's recorded decision, revoked a week later when a spot check found the new
  duty arrangements not yet in force: it stays disqualified, and its page shows both decisions.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone, translation

from accountability import actions as accountability
from accountability import actions_notices as notice_actions
from accountability import rules
from accountability.models import CriticismNotice, Explanation, Reinstatement, Violation
from deadlines import engine
from emergencies import actions as emergencies
from emergencies.actions import IncidentFacts, PhoneCall, ReportContent
from emergencies.actions_level import do_forward
from emergencies.actions_sightings import do_match_sighting, do_record_sighting
from emergencies.actions_upward import do_record_section_call
from emergencies.models import (
    Category,
    Incident,
    Level,
    ReportKind,
    SourceKind,
    ViolationCandidate,
)
from org.models import Unit, User, upper_office

# The story runs over this many days before its end (see `_story_end`).
STORY_DAYS = 36


def _story_end(now: datetime) -> date:
    """The day the story is told back from. The eligibility rule counts calendar years, so the
    whole story stays in one: this year's once it fits since 1 January, else last year's,
    ending on 31 December — nothing is dated after `now`."""
    today = timezone.localdate(now)
    if (today - timedelta(days=STORY_DAYS)).year == today.year:
        return today
    return date(today.year - 1, 12, 31)


def _day(now: datetime, days_ago: int) -> date:
    """A day this many days before the story's end (see `_story_end`)."""
    return _story_end(now) - timedelta(days=days_ago)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _late_incident(
    users: dict[str, User],
    unit: Unit,
    abbr: str,
    known: datetime,
    late_by: int,
    facts: dict[str, str],
    final: str,
) -> Incident:
    """A major (Ⅲ) incident: phoned in within 30 minutes, written within 60, signed off
    `late_by` minutes after; phoned and forwarded upward by the section at once, closed by the
    final report that afternoon."""
    officer, head = users[f"{abbr}_xxy"], users[f"{abbr}_ld"]
    report = emergencies.do_open_incident(
        officer,
        IncidentFacts(
            title=facts["title"],
            category=facts["category"],
            subtype=facts["subtype"],
            category_code=facts["category_code"],
            level=Level.III,
            place=facts["place"],
            occurred_at=known - timedelta(minutes=10),
            known_at=known,
            units=[unit],
        ),
        ReportContent(
            summary=facts["summary"],
            deaths=0,
            injuries=int(facts.get("injuries", "0")),
            measures=facts["measures"],
        ),
        now=known + timedelta(minutes=20),
    )
    phoned = known + timedelta(minutes=15)
    _phoned(users, report.incident_id, unit, officer, phoned)
    signed = known + timedelta(minutes=60 + late_by)
    emergencies.do_sign_off_report(head, report.pk, now=signed)
    _found_at(ViolationCandidate.objects.filter(incident_id=report.incident_id), signed)
    _forward_and_close(users, report.incident_id, abbr, final, signed, upward=phoned)
    return Incident.objects.get(pk=report.incident_id)


def _phoned(
    users: dict[str, User], incident_id: int, unit: Unit, officer: User, at: datetime
) -> None:
    """The unit's phone initial report (电话首报), logged by the duty office in time."""
    emergencies.do_add_report(
        users["zhiban"],
        incident_id,
        ReportKind.INITIAL,
        ReportContent(summary="电话报告：" + Incident.objects.get(pk=incident_id).title + "。"),
        unit=unit,
        call=PhoneCall(officer.full_name or officer.username, unit.phone or "—", at),
        now=at,
    )


def _forward_and_close(
    users: dict[str, User],
    incident_id: int,
    abbr: str,
    final: str,
    received: datetime,
    upward: datetime | None = None,
) -> None:
    """The section phones the province and forwards within its minutes of first hearing
    (`upward`, the received report by default), then the unit's final report closes it."""
    upward = upward or received
    do_record_section_call(
        users["zhiban"],
        incident_id,
        "省委办公厅值班室",
        upward + timedelta(minutes=5),
        "电话报告事件基本情况。",
        now=upward + timedelta(minutes=5),
    )
    province = upper_office()
    if province is not None:
        do_forward(
            users["bianji1"],
            incident_id,
            province,
            "据报，" + Incident.objects.get(pk=incident_id).title + "，详情续报。",
            now=upward + timedelta(minutes=15),
        )
    closing = received.replace(hour=15, minute=30) if received.hour < 15 else received
    report = emergencies.do_add_report(
        users[f"{abbr}_xxy"],
        incident_id,
        ReportKind.FINAL,
        ReportContent(summary=final),
        now=closing + timedelta(minutes=5),
    )
    emergencies.do_sign_off_report(
        users[f"{abbr}_ld"], report.pk, now=closing + timedelta(minutes=20)
    )


def _found_at(candidates: QuerySet[ViolationCandidate], at: datetime) -> None:
    """Date the engine's finding (and the violation it opened) back to when it happened."""
    ids = list(candidates.values_list("pk", flat=True))
    ViolationCandidate.objects.filter(pk__in=ids).update(created_at=at)
    Violation.objects.filter(candidate_id__in=ids).update(created_at=at)


def _violation_of(incident: Incident) -> Violation:
    return Violation.objects.get(incident=incident)


def _explain(user: User, violation: Violation, text: str, at: datetime) -> None:
    explanation = accountability.do_file_explanation(user, violation.pk, text)
    Explanation.objects.filter(pk=explanation.pk).update(filed_at=at)


def _decide(chief: User, violation: Violation, decision: str, reason: str, at: datetime) -> None:
    accountability.do_decide(
        chief,
        violation.pk,
        accountability.Decision(decision, reason, serious=decision == rules.CONFIRM),
        now=at,
    )


def _withdrawn_missed(users: dict[str, User], units: dict[str, Unit], now: datetime) -> None:
    """临河县: the hotline saw a flooded village road first; the watch breached; the county's
    own report had opened the incident in time, and matching the sighting withdrew the missed
    candidate."""
    day = _day(now, 12)
    seen = _at(day, 20, 10)
    sighting = do_record_sighting(
        users["zhiban"],
        source_kind=SourceKind.HOTLINE,
        source="12345热线 工单" + day.strftime("%Y%m%d") + "00457",
        seen_at=seen,
        text="市民反映临河县河口村进村道路被洪水冲断，两户村民被困。",
        place="临河县河口村",
        category=Category.NATURAL,
        unit=units["jc-lhx"],
        now=seen + timedelta(minutes=4),
    )
    watch = sighting.expected.get()
    breach = watch.due_at + timedelta(minutes=1)
    while not ViolationCandidate.objects.filter(expected=watch).exists():
        if not engine.take_step(watch.pk, breach):
            break
    _found_at(ViolationCandidate.objects.filter(expected=watch), breach)
    officer, head = users["lhx_xxy"], users["lhx_ld"]
    known = seen + timedelta(minutes=20)
    report = emergencies.do_open_incident(
        officer,
        IncidentFacts(
            title="临河县河口村道路被冲断 两户村民被困",
            category=Category.NATURAL,
            subtype="山洪",
            category_code="11000",
            level=Level.III,
            place="临河县河口村",
            occurred_at=seen - timedelta(minutes=30),
            known_at=known,
            units=[units["jc-lhx"]],
        ),
        ReportContent(
            summary="受强降雨影响，河口村进村道路约50米被冲断，两户6名村民被困，无人员伤亡。",
            deaths=0,
            injuries=0,
            measures="县应急、交通部门已赶赴现场，调派冲锋舟转移被困群众。",
        ),
        now=known + timedelta(minutes=15),
    )
    _phoned(users, report.incident_id, units["jc-lhx"], officer, known + timedelta(minutes=5))
    emergencies.do_sign_off_report(head, report.pk, now=known + timedelta(minutes=25))
    do_match_sighting(
        users["zhiban"], sighting.pk, report.incident_id, now=known + timedelta(minutes=30)
    )
    _forward_and_close(
        users,
        report.incident_id,
        "lhx",
        "被困6名村民已全部安全转移，临时便道已抢通。",
        known + timedelta(minutes=25),
        upward=known + timedelta(minutes=5),
    )


def load_accountability(units: dict[str, Unit], users: dict[str, User], now: datetime) -> str:
    if Violation.objects.filter(unit=units["jc-yjj"]).exists():
        return "already loaded"
    # The drafts and messages are written in the office's language, as the worker writes its.
    with translation.override(settings.LANGUAGE_CODE):
        return _load(units, users, now)


def _load(units: dict[str, Unit], users: dict[str, User], now: datetime) -> str:
    chief = users["kezhang"]
    accountability.do_update_notice_policy(
        chief,
        {
            "doc_prefix": "江委办通",
            "recipients": "各区、县委办公室，市直各单位",
        },
    )

    # 1. 市应急管理局, five weeks ago: a chemical leak reported 48 minutes late.
    leak = _late_incident(
        users,
        units["jc-yjj"],
        "yjj",
        _at(_day(now, STORY_DAYS), 9, 5),
        48,
        {
            "title": "江城化工园区一企业储罐发生泄漏",
            "category": Category.ACCIDENT,
            "subtype": "危险化学品",
            "category_code": "21000",
            "place": "江城化工园区纬三路",
            "summary": "园区内一企业甲醇储罐阀门破损发生泄漏，已紧急关阀，周边300米人员已疏散。",
            "measures": "应急、消防、生态环境部门到场处置，开展大气监测。",
        },
        "泄漏已完全控制，大气监测数据正常，疏散群众已返回。事故原因为阀门老化。",
    )
    # 2. 西江区, four weeks ago: a collapse reported 25 minutes late.
    collapse = _late_incident(
        users,
        units["jc-xjq"],
        "xjq",
        _at(_day(now, 29), 10, 20),
        25,
        {
            "title": "西江区一在建工地基坑局部坍塌",
            "category": Category.ACCIDENT,
            "subtype": "建筑施工",
            "category_code": "21000",
            "place": "西江区解放路与新华路交叉口",
            "summary": "一在建项目基坑东侧约15米支护结构坍塌，1名工人轻伤，已送医。",
            "injuries": "1",
            "measures": "工地已停工，住建部门组织专家现场研判。",
        },
        "伤者已出院，基坑已回填加固，涉事企业停工整改。",
    )
    # 3. 市卫生健康委, three weeks ago: five minutes late while the network was being upgraded.
    outbreak = _late_incident(
        users,
        units["jc-wjw"],
        "wjw",
        _at(_day(now, 22), 9, 40),
        5,
        {
            "title": "江城市一中学发生诺如病毒聚集性疫情",
            "category": Category.HEALTH,
            "subtype": "传染病",
            "category_code": "31000",
            "place": "江城市第一中学",
            "summary": "该校两个班级出现呕吐腹泻学生23例，均为轻症，初步判断为诺如病毒感染。",
            "measures": "疾控中心已采样送检，学校落实晨午检和消毒措施。",
        },
        "病例均已康复返校，未出现新发病例，疫情处置结束。",
    )
    # 4. 临河县: a missed candidate, withdrawn.
    _withdrawn_missed(users, units, now)
    # 5. 青山县, two days ago: a landslide reported 32 minutes late; explained, not decided.
    landslide = _late_incident(
        users,
        units["jc-qsx"],
        "qsx",
        _at(_day(now, 2), 8, 50),
        32,
        {
            "title": "青山县白石镇发生山体滑坡",
            "category": Category.NATURAL,
            "subtype": "地质灾害",
            "category_code": "14000",
            "place": "青山县白石镇石门村",
            "summary": "石门村后山发生约2000立方米山体滑坡，掩埋村道30米，无人员伤亡。",
            "measures": "已封闭村道，转移受威胁群众12户37人。",
        },
        "滑坡体已清理，村道恢复通行，监测点位已布设。",
    )

    # 6. 南岭区, nine days ago: a gas leak reported 18 minutes late; confirmed, in a draft notice.
    gas = _late_incident(
        users,
        units["jc-nlq"],
        "nlq",
        _at(_day(now, 9), 14, 10),
        18,
        {
            "title": "南岭区一小区燃气管道泄漏",
            "category": Category.ACCIDENT,
            "subtype": "燃气事故",
            "category_code": "23000",
            "place": "南岭区桃园路锦绣花园小区",
            "summary": "施工挖断小区中压燃气管道造成泄漏，已关闭上游阀门，疏散居民200余人。",
            "measures": "燃气公司抢修，消防队员现场警戒，周边道路临时封闭。",
        },
        "燃气管道已修复通气，疏散居民全部返回，施工单位已被立案调查。",
    )

    leak_v, collapse_v = _violation_of(leak), _violation_of(collapse)
    outbreak_v, landslide_v = _violation_of(outbreak), _violation_of(landslide)
    _explain(
        users["yjj_ld"],
        leak_v,
        "当日值班信息员在现场参与处置，书面报告审签延误。已调整值班安排。",
        _at(_day(now, 35), 10),
    )
    _explain(
        users["wjw_xxy"],
        outbreak_v,
        "当日上午市电子政务外网升级，系统无法登录，已先行电话报告值班室。",
        _at(_day(now, 22), 14),
    )
    _explain(
        users["qsx_xxy"],
        landslide_v,
        "滑坡点位于山区，现场无通信信号，信息员返回镇政府后才完成书面报告。",
        _at(_day(now, 1), 9, 30),
    )
    _decide(chief, leak_v, rules.CONFIRM, "书面报告迟报48分钟，情况属实。", _at(_day(now, 33), 16))
    _decide(chief, collapse_v, rules.CONFIRM, "迟报25分钟，情况属实。", _at(_day(now, 27), 11))
    _decide(
        chief,
        outbreak_v,
        rules.WAIVE,
        "经核实，当日电子政务外网升级导致系统无法登录，且已先行电话报告，免予认定。",
        _at(_day(now, 21), 9),
    )

    # The city's notice naming the two confirmed late reports.
    issued_on = _day(now, 20)
    draft = notice_actions.do_draft_notice(
        chief, [leak_v.pk, collapse_v.pk], send_to_all=True, today=issued_on
    )
    # Copied to the discipline commission and the supervision office (its 版记's 抄送 line).
    CriticismNotice.objects.filter(pk=draft.pk).update(copy_to="市纪委监委，市委督查室")
    notice = notice_actions.do_issue_notice(chief, draft.pk, issued_on, now=_at(issued_on, 16))
    # The province's notice, received a week later, naming 市应急管理局.
    province_on = _day(now, 13)
    province = notice_actions.do_record_province_notice(
        chief,
        notice_actions.ProvinceNotice(
            doc_number=f"省委办通〔{province_on.year}〕12号",
            issued_on=province_on,
            title="关于近期部分地区和单位迟报突发事件信息情况的通报",
            body=(
                "近期，江城市应急管理局在江城化工园区储罐泄漏事件中迟报书面信息48分钟。"
                "\n各地各单位要引以为戒，严格执行突发事件信息报告制度。"
            ),
            issuing_office="中共省委办公厅",
            units=[units["jc-yjj"]],
            violation_ids=[leak_v.pk],
        ),
        now=_at(province_on, 15),
    )
    gas_v = _violation_of(gas)
    _decide(chief, gas_v, rules.CONFIRM, "迟报18分钟，情况属实。", _at(_day(now, 7), 10))
    drafted_on = _day(now, 6)
    draft = notice_actions.do_draft_notice(chief, [gas_v.pk], send_to_all=True, today=drafted_on)
    CriticismNotice.objects.filter(pk=draft.pk).update(created_at=_at(drafted_on, 11))

    # 市应急管理局's eligibility restored by the secretary-general, with the reason.
    reinstatement = accountability.do_reinstate(
        users["mishuzhang"],
        units["jc-yjj"],
        province_on.year,
        "该局迟报问题被通报后，已调整值班安排、建立书面报告双人审签制度，整改到位，"
        "经市委办公室研究，恢复其本年度评先评优资格。",
    )
    accountability.do_revoke_reinstatement(
        users["mishuzhang"],
        reinstatement.pk,
        "经抽查，该局双人审签制度尚未落实到位，撤销恢复资格的决定。",
        now=_at(_day(now, 3), 10),
    )
    Reinstatement.objects.filter(pk=reinstatement.pk).update(decided_at=_at(_day(now, 10), 16))
    return (
        f"6 violations (3 confirmed, 1 waived, 1 withdrawn, 1 pending with an explanation), "
        f"notices {notice.doc_number} and {province.doc_number} and a draft, "
        "1 reinstatement (revoked)"
    )
