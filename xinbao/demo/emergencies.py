"""The demo city's emergency side: a duty roster around today and a few incidents in
different states, created through emergencies.actions so their deadlines are real."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from emergencies import actions, actions_level, actions_sightings, actions_upward
from emergencies.actions import IncidentFacts, PhoneCall, ReportContent
from emergencies.models import Category, Level, ReportKind, SourceKind
from org.models import DutyShift, Unit, User, upper_office


def _local(day_offset: int, hour: int, minute: int, now: datetime) -> datetime:
    day = timezone.localtime(now).date() + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _roster(users: dict[str, User], now: datetime) -> int:
    """Day shifts 08:30-17:30 and night shifts 17:30-08:30, a week back and two ahead."""
    shifts = []
    people = [users["zhiban"], users["zhiban2"]]
    for offset in range(-7, 15):
        day_person = people[offset % 2]
        night_person = people[(offset + 1) % 2]
        shifts.append(
            DutyShift(
                person=day_person,
                starts_at=_local(offset, 8, 30, now),
                ends_at=_local(offset, 17, 30, now),
            )
        )
        shifts.append(
            DutyShift(
                person=night_person,
                starts_at=_local(offset, 17, 30, now),
                ends_at=_local(offset + 1, 8, 30, now),
            )
        )
    DutyShift.objects.bulk_create(shifts)
    return len(shifts)


def load_emergencies(units: dict[str, Unit], users: dict[str, User], now: datetime) -> str:
    shifts = _roster(users, now)
    duty, chief = users["zhiban"], users["kezhang"]

    # 1. A grave fire logged by phone 20 minutes ago: the written report is due soon.
    fire_at = now - timedelta(minutes=25)
    actions.do_open_incident(
        duty,
        IncidentFacts(
            title="东湖区金桥商厦发生火灾",
            category=Category.ACCIDENT,
            subtype="火灾",
            category_code="21000",  # a fire in a shopping centre: 商贸企业
            level=Level.II,
            place="东湖区中山路88号金桥商厦三层",
            occurred_at=fire_at,
            known_at=fire_at + timedelta(minutes=3),
            units=[units["jc-xfzd"], units["jc-dhq"]],
        ),
        ReportContent(
            summary="金桥商厦三层一服装店起火，明火已蔓延至相邻商铺，商厦正在疏散顾客。",
            deaths=0,
            injuries=3,
            measures="消防救援支队出动8车40人赶赴现场扑救，公安、卫健部门到场处置。",
            on_site="东湖区副区长王立新",
            contact="东湖区值班室 83456789",
        ),
        PhoneCall("李明（消防支队指挥中心）", "83119119", fire_at + timedelta(minutes=5)),
        now=now,
    )

    # 2. Waterlogging graded Ⅲ: the written initial report was signed off; follow-ups due.
    rain_at = now - timedelta(hours=5)
    rain_officer, rain_head = users["slj_xxy"], users["slj_ld"]
    rain = actions.do_open_incident(
        rain_officer,
        IncidentFacts(
            title="市区遭遇短时强降雨 多处道路积水",
            category=Category.NATURAL,
            subtype="暴雨内涝",
            category_code="11000",
            level=Level.III,
            place="西江区、东湖区低洼路段",
            occurred_at=rain_at,
            known_at=rain_at + timedelta(minutes=10),
            units=[units["jc-slj"]],
        ),
        ReportContent(
            summary="14时至16时全市平均降雨量62毫米，西江区解放路等12处路段积水超过30厘米。",
            deaths=0,
            injuries=0,
            measures="启动防汛Ⅳ级应急响应，调派排涝车辆23台，对积水路段实行交通管制。",
            trend="预计夜间仍有中到大雨，积水点可能增加。",
        ),
        now=rain_at + timedelta(minutes=30),
    )
    # The bureau phoned the duty office first (Ⅲ: within 30 minutes).
    phoned = rain_at + timedelta(minutes=25)
    actions.do_add_report(
        users["zhiban"],
        rain.incident_id,
        ReportKind.INITIAL,
        ReportContent(summary="电话报告：市区遭遇短时强降雨，多处道路积水，正在排涝。"),
        unit=units["jc-slj"],
        call=PhoneCall(rain_officer.full_name, units["jc-slj"].phone or "—", phoned),
        now=phoned,
    )
    actions.do_sign_off_report(rain_head, rain.pk, now=rain_at + timedelta(minutes=42))

    # 3. A road accident last week, closed by its final report.
    crash_at = now - timedelta(days=6, hours=3)
    crash_officer, crash_head = users["gaj_xxy"], users["gaj_ld"]
    crash = actions.do_open_incident(
        crash_officer,
        IncidentFacts(
            title="G205国道临河段两车相撞",
            category=Category.ACCIDENT,
            subtype="道路交通事故",
            category_code="22000",
            level=Level.IV,
            place="G205国道临河县段K1123处",
            occurred_at=crash_at,
            known_at=crash_at + timedelta(minutes=15),
            units=[units["jc-gaj"]],
        ),
        ReportContent(
            summary="一辆货车与一辆小客车相撞，小客车内2人受伤，已送医救治。",
            deaths=0,
            injuries=2,
            measures="交警到场处置，道路单向放行。",
        ),
        now=crash_at + timedelta(minutes=50),
    )
    actions.do_sign_off_report(crash_head, crash.pk, now=crash_at + timedelta(minutes=70))
    final = actions.do_add_report(
        crash_officer,
        crash.incident_id,
        ReportKind.FINAL,
        ReportContent(
            summary="伤者均无生命危险，事故车辆已清理，道路恢复通行。事故原因为货车超速。",
            injuries=2,
            direct_loss=Decimal("8.5"),
            cause="货车超速行驶",
            measures="对涉事货运企业开展安全约谈。",
        ),
        now=crash_at + timedelta(hours=20),
    )
    actions.do_sign_off_report(crash_head, final.pk, now=crash_at + timedelta(hours=21))

    # 4. A sensitive event: suspected food poisoning in a school canteen. Ⅳ by its figures,
    # but marked sensitive (a school, children, parents posting online), so it runs on the
    # strictest row of its category's deadline table; the health commission's written report
    # was in before that row's 35 minutes ran out.
    meal_at = now - timedelta(minutes=75)
    health_officer, health_head = users["wjw_xxy"], users["wjw_ld"]
    school = actions.do_open_incident(
        duty,
        IncidentFacts(
            title="南岭区实验小学部分学生午餐后出现呕吐腹痛症状",
            category=Category.HEALTH,
            subtype="疑似食物中毒",
            category_code="33000",  # 食品安全和职业危害
            level=Level.IV,
            place="南岭区实验小学（桃园路16号）",
            occurred_at=meal_at,
            known_at=meal_at + timedelta(minutes=8),
            units=[units["jc-wjw"]],
            sensitive=True,
        ),
        ReportContent(
            summary="实验小学14名学生午餐后出现呕吐、腹痛症状，已送区人民医院观察，暂无重症。",
            injuries=14,
            measures="区卫健局、市场监管局到场，封存留样食品，对食堂停业排查。",
            contact="南岭区值班室 83330001",
        ),
        PhoneCall(
            "吴静（市卫生健康委）", units["jc-wjw"].phone or "—", meal_at + timedelta(minutes=10)
        ),
        now=meal_at + timedelta(minutes=11),
    )
    written = actions.do_add_report(
        health_officer,
        school.incident_id,
        ReportKind.INITIAL,
        ReportContent(
            summary="截至目前共有17名学生出现症状，均在区人民医院留观，生命体征平稳。",
            injuries=17,
            cause="疑似午餐凉拌菜污染，待疾控中心检测确认",
            measures="食堂已停业，留样食品送市疾控中心检测；学校已通知全部学生家长。",
            trend="网络上已有家长发帖，社会关注度较高。",
            on_site="市卫生健康委副主任徐卫平",
            contact="市卫生健康委值班室 83233001",
        ),
        now=meal_at + timedelta(minutes=30),
    )
    actions.do_sign_off_report(health_head, written.pk, now=meal_at + timedelta(minutes=38))
    # The strictest row is reported upward: the section phones the province and forwards.
    actions_upward.do_record_section_call(
        duty,
        school.incident_id,
        "省委办公厅值班室",
        meal_at + timedelta(minutes=20),
        "电话报告学生疑似食物中毒、已送医观察的情况。",
        now=meal_at + timedelta(minutes=21),
    )
    province = upper_office()
    if province is not None:
        actions_level.do_forward(
            users["bianji1"],
            school.incident_id,
            province,
            "据报，南岭区实验小学17名学生午餐后出现呕吐腹痛症状，已送医留观，详情续报。",
            now=meal_at + timedelta(minutes=40),
        )

    # 5. A hotline report nobody has reported yet: the unit's clock is running.
    actions_sightings.do_record_sighting(
        chief,
        source_kind=SourceKind.HOTLINE,
        source=f"12345热线 工单{timezone.localdate(now):%Y%m%d}00123",
        seen_at=now - timedelta(minutes=12),
        text="市民反映南岭区滨江路与桃园路交叉口路面塌陷，形成约3米宽的坑洞，有车辆被困。",
        place="南岭区滨江路与桃园路交叉口",
        category=Category.ACCIDENT,
        unit=units["jc-nlq"],
        now=now,
    )
    return f"{shifts} shifts, 4 incidents (1 sensitive), 1 sighting"
