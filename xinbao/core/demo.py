"""Demo data: a fictional city, 江城市, with its reporting network, people and a few dozen items.

The directory (units, people, publications) is written with the ORM; every item is written
through `submissions.actions`, acting as the right persona at each step, so each one carries
real revisions and events. The clock is then moved back so lists and histories look lived-in:
each item's steps are spread over working hours in the last ~60 days.

Loading is all-or-nothing (one transaction) and happens once: if the root unit exists, nothing
is added.
"""

import random
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import ClassVar, NamedTuple

from django.db import transaction
from django.utils import timezone

from audit.actions import record
from bulletins.actions import do_adopt
from bulletins.models import Adoption, AdoptionLevel, Publication
from org.models import Unit, UnitKind, UnitLevel, User
from org.roles import Role
from submissions.actions import (
    ItemContent,
    do_create_item,
    do_edit,
    do_revise,
    do_transition,
    do_verify,
)
from submissions.models import InfoItem, ItemEvent, ItemKind, ItemRevision, Verification
from submissions.rules import Action
from xinbao.core.demo_clock import DemoClock

DEMO_PASSWORD = "Xinbao@2026"
PROVINCE_CODE = "sheng-bgt"
ROOT_CODE = "jc-swb"
SECTION_CODE = "jc-xxk"
DUTY_CODE = "jc-zbs"

# Role names as the people in the office say them (demo content, so Chinese is fine here).
ROLE_LABELS: dict[str, str] = {
    Role.OFFICER: "信息员",
    Role.UNIT_HEAD: "单位领导",
    Role.EDITOR: "信息科编辑",
    Role.DUTY_OFFICER: "值班员",
    Role.CHIEF: "科长",
    Role.LEADER: "市领导",
    Role.SYSTEM_ADMIN: "系统管理员",
    Role.SECURITY_ADMIN: "安全管理员",
    Role.AUDIT_ADMIN: "审计管理员",
}


# --- The directory ----------------------------------------------------------------------------


class Who(NamedTuple):
    full_name: str
    title: str
    phone: str


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    short_name: str
    level: str
    kind: str
    parent: str | None
    sort_order: int
    reporting: bool = True
    phone: str = ""
    officer: Who | None = None  # login "<abbr>_xxy"
    head: Who | None = None  # login "<abbr>_ld"

    @property
    def abbr(self) -> str:
        return self.code.split("-")[-1]


@dataclass(frozen=True)
class DemoPerson:
    username: str
    full_name: str
    role: str
    unit: str | None
    title: str
    phone: str


_CITY, _COUNTY, _TOWN = UnitLevel.CITY, UnitLevel.COUNTY, UnitLevel.TOWNSHIP
_PARTY, _GOV, _DEPT = UnitKind.PARTY_OFFICE, UnitKind.GOVERNMENT_OFFICE, UnitKind.DEPARTMENT

# fmt: off
UNITS: tuple[DemoUnit, ...] = (
    DemoUnit(PROVINCE_CODE, "省委办公厅", "省委办公厅", UnitLevel.PROVINCE, _PARTY, None, 1,
             reporting=False),
    DemoUnit(ROOT_CODE, "江城市委办公室", "市委办公室", _CITY, _PARTY, PROVINCE_CODE, 10,
             reporting=False, phone="83210000"),
    DemoUnit(SECTION_CODE, "江城市委办公室信息科", "信息科", _CITY, UnitKind.SECTION, ROOT_CODE, 11,
             reporting=False, phone="83210101"),
    DemoUnit(DUTY_CODE, "江城市委办公室值班室", "值班室", _CITY, UnitKind.SECTION, ROOT_CODE, 12,
             reporting=False, phone="83210110"),
    DemoUnit("jc-zfb", "江城市人民政府办公室", "市政府办公室", _CITY, _GOV, ROOT_CODE, 20,
             phone="83220001", officer=Who("王丽娟", "秘书科科员", "13800001001"),
             head=Who("李卫东", "副秘书长", "83220002")),
    DemoUnit("jc-gaj", "江城市公安局", "市公安局", _CITY, _DEPT, ROOT_CODE, 30,
             phone="83230001", officer=Who("张浩", "指挥中心民警", "13800001002"),
             head=Who("赵振华", "副局长", "83230002")),
    DemoUnit("jc-yjj", "江城市应急管理局", "市应急管理局", _CITY, _DEPT, ROOT_CODE, 31,
             phone="83231001", officer=Who("刘倩", "办公室科员", "13800001003"),
             head=Who("杨志强", "副局长", "83231002")),
    DemoUnit("jc-slj", "江城市水利局", "市水利局", _CITY, _DEPT, ROOT_CODE, 32,
             phone="83232001", officer=Who("陈明", "办公室副主任", "13800001004"),
             head=Who("黄德胜", "副局长", "83232002")),
    DemoUnit("jc-wjw", "江城市卫生健康委员会", "市卫生健康委", _CITY, _DEPT, ROOT_CODE, 33,
             phone="83233001", officer=Who("吴静", "办公室科员", "13800001005"),
             head=Who("徐卫平", "副主任", "83233002")),
    DemoUnit("jc-scjgj", "江城市市场监督管理局", "市市场监管局", _CITY, _DEPT, ROOT_CODE, 34,
             phone="83234001", officer=Who("孙悦", "综合科科员", "13800001006"),
             head=Who("胡建军", "副局长", "83234002")),
    DemoUnit("jc-xfj", "江城市信访局", "市信访局", _CITY, _DEPT, ROOT_CODE, 35,
             phone="83235001", officer=Who("朱琳", "办公室科员", "13800001007"),
             head=Who("郭永红", "副局长", "83235002")),
    DemoUnit("jc-fgw", "江城市发展和改革委员会", "市发展改革委", _CITY, _DEPT, ROOT_CODE, 36,
             phone="83236001", officer=Who("何磊", "综合科副科长", "13800001008"),
             head=Who("林国庆", "副主任", "83236002")),
    DemoUnit("jc-swj", "江城市商务局", "市商务局", _CITY, _DEPT, ROOT_CODE, 37,
             phone="83237001", officer=Who("罗婷", "办公室科员", "13800001009"),
             head=Who("梁振宇", "副局长", "83237002")),
    DemoUnit("jc-zjj", "江城市住房和城乡建设局", "市住建局", _CITY, _DEPT, ROOT_CODE, 38,
             phone="83238001", officer=Who("宋佳", "办公室副主任", "13800001010"),
             head=Who("谢长青", "副局长", "83238002")),
    DemoUnit("jc-mzj", "江城市民政局", "市民政局", _CITY, _DEPT, ROOT_CODE, 39,
             phone="83239001", officer=Who("唐敏", "办公室科员", "13800001011"),
             head=Who("韩光明", "副局长", "83239002")),
    DemoUnit("jc-nyj", "江城市农业农村局", "市农业农村局", _CITY, _DEPT, ROOT_CODE, 40,
             phone="83240001", officer=Who("冯涛", "办公室科员", "13800001012"),
             head=Who("邓立新", "副局长", "83240002")),
    DemoUnit("jc-xfzd", "江城市消防救援支队", "市消防救援支队", _CITY, _DEPT, ROOT_CODE, 41,
             phone="83241001", officer=Who("曹宇", "指挥中心助理员", "13800001013"),
             head=Who("彭军", "副支队长", "83241002")),
    DemoUnit("jc-jyj", "江城市教育局", "市教育局", _CITY, _DEPT, ROOT_CODE, 42,
             phone="83242001", officer=Who("田甜", "办公室科员", "13800001014"),
             head=Who("董宏伟", "副局长", "83242002")),
    # Silent: an officer is named, but nothing has come from this unit.
    DemoUnit("jc-tjj", "江城市统计局", "市统计局", _CITY, _DEPT, ROOT_CODE, 43,
             phone="83243001", officer=Who("潘雯", "办公室科员", "13800001015"),
             head=Who("袁志刚", "副局长", "83243002")),
    # A new bureau with no information officer yet: a hole in the network.
    DemoUnit("jc-sjj", "江城市数据局", "市数据局", _CITY, _DEPT, ROOT_CODE, 44,
             phone="83244001", head=Who("蒋振", "副局长", "83244002")),
    DemoUnit("jc-gdgs", "国网江城供电公司", "市供电公司", _CITY, UnitKind.ENTERPRISE, ROOT_CODE, 50,
             phone="83250001", officer=Who("曾凡", "办公室专责", "13800001016"),
             head=Who("萧国栋", "副总经理", "83250002")),
    DemoUnit("jc-dhq", "江城市东湖区", "东湖区", _COUNTY, UnitKind.DISTRICT, ROOT_CODE, 100,
             phone="83310001", officer=Who("蔡晓东", "区委办信息科科长", "13800002001"),
             head=Who("余海涛", "区委办主任", "83310002")),
    DemoUnit("jc-xjq", "江城市西江区", "西江区", _COUNTY, UnitKind.DISTRICT, ROOT_CODE, 110,
             phone="83320001", officer=Who("杜鹃", "区委办信息科科员", "13800002002"),
             head=Who("叶明亮", "区委办主任", "83320002")),
    DemoUnit("jc-nlq", "江城市南岭区", "南岭区", _COUNTY, UnitKind.DISTRICT, ROOT_CODE, 120,
             phone="83330001", officer=Who("程诚", "区委办信息科副科长", "13800002003"),
             head=Who("魏建新", "区委办主任", "83330002")),
    DemoUnit("jc-qsx", "江城市青山县", "青山县", _COUNTY, UnitKind.COUNTY, ROOT_CODE, 130,
             phone="86110001", officer=Who("苏芳", "县委办信息科科长", "13800002004"),
             head=Who("吕国华", "县委办主任", "86110002")),
    DemoUnit("jc-bsz", "青山县白石镇", "白石镇", _TOWN, UnitKind.TOWNSHIP, "jc-qsx", 131,
             phone="86115001", officer=Who("丁磊", "党政办干事", "13800003001"),
             head=Who("任红梅", "党委副书记", "86115002")),
    DemoUnit("jc-lhx", "江城市临河县", "临河县", _COUNTY, UnitKind.COUNTY, ROOT_CODE, 140,
             phone="86120001", officer=Who("沈洁", "县委办信息科科员", "13800002005"),
             head=Who("姚志远", "县委办主任", "86120002")),
    # The network does not reach this township yet: no officer (拓展信息网络).
    DemoUnit("jc-lwx", "临河县柳湾乡", "柳湾乡", _TOWN, UnitKind.TOWNSHIP, "jc-lhx", 141,
             phone="86125001", head=Who("卢建平", "党委副书记", "86125002")),
    # Went quiet: its last item left more than a month ago.
    DemoUnit("jc-ytx", "江城市云台县", "云台县", _COUNTY, UnitKind.COUNTY, ROOT_CODE, 150,
             phone="86130001", officer=Who("姜波", "县委办信息科科员", "13800002006"),
             head=Who("崔永刚", "县委办主任", "86130002")),
    # Silent: never reported.
    DemoUnit("jc-bxx", "江城市柏溪县", "柏溪县", _COUNTY, UnitKind.COUNTY, ROOT_CODE, 160,
             phone="86140001", officer=Who("钟慧", "县委办信息科科员", "13800002007"),
             head=Who("汪大勇", "县委办主任", "86140002")),
)
# fmt: on

# The deliberate holes in the network, for the README and the tests.
UNITS_WITHOUT_OFFICER = frozenset({"jc-sjj", "jc-lwx"})
SILENT_UNITS = frozenset({"jc-tjj", "jc-bxx", "jc-ytx"})

OFFICE_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("kezhang", "刘建国", Role.CHIEF, SECTION_CODE, "信息科科长", "83210102"),
    DemoPerson("bianji1", "周晓岚", Role.EDITOR, SECTION_CODE, "信息科副科长", "83210103"),
    DemoPerson("bianji2", "陈思远", Role.EDITOR, SECTION_CODE, "信息科科员", "83210104"),
    DemoPerson("zhiban", "孙立伟", Role.DUTY_OFFICER, DUTY_CODE, "值班室副主任", "83210110"),
    DemoPerson("zhiban2", "吴海燕", Role.DUTY_OFFICER, DUTY_CODE, "值班室科员", "83210111"),
    DemoPerson(
        "mishuzhang", "黄振华", Role.SECRETARY_GENERAL, ROOT_CODE, "市委副秘书长", "83210002"
    ),
    DemoPerson("lingdao", "郑文博", Role.LEADER, None, "市委副书记", "83210001"),
    DemoPerson("sysadmin", "马骏", Role.SYSTEM_ADMIN, ROOT_CODE, "信息化工程师", "83210120"),
    DemoPerson("secadmin", "高婧", Role.SECURITY_ADMIN, ROOT_CODE, "安全保密员", "83210121"),
    DemoPerson("auditor", "韩雪", Role.AUDIT_ADMIN, ROOT_CODE, "安全审计员", "83210122"),
)


def unit_people() -> list[DemoPerson]:
    """Each reporting unit's officer and head, with predictable logins."""
    people = []
    for unit in UNITS:
        for who, role, suffix in (
            (unit.officer, Role.OFFICER, "xxy"),
            (unit.head, Role.UNIT_HEAD, "ld"),
        ):
            if who is not None:
                username = f"{unit.abbr}_{suffix}"
                people.append(
                    DemoPerson(username, who.full_name, role, unit.code, who.title, who.phone)
                )
    return people


def all_people() -> list[DemoPerson]:
    return [*OFFICE_PEOPLE, *unit_people()]


@dataclass(frozen=True)
class DemoPublication:
    code: str
    name: str
    level: str
    issuer: str
    sort_order: int
    issues_per_week: int  # only to number the issues in adoption notes


PUBLICATIONS: tuple[DemoPublication, ...] = (
    DemoPublication("mryq", "每日要情", AdoptionLevel.CITY, "江城市委办公室", 10, 5),
    DemoPublication("xxzb", "信息专报", AdoptionLevel.CITY, "江城市委办公室", 20, 1),
    DemoPublication("jcxx", "江城信息", AdoptionLevel.CITY, "江城市委办公室", 30, 2),
    DemoPublication(
        "sheng-mrhb", "省委办公厅每日汇报", AdoptionLevel.PROVINCE, "省委办公厅", 40, 5
    ),
    DemoPublication("zb-mrhb", "中办每日汇报", AdoptionLevel.CENTRAL, "中共中央办公厅", 50, 5),
)


# --- Item histories ---------------------------------------------------------------------------
# An item's history is a list of steps, each played as the persona who does it in real life (the
# unit's officer or head, or the item's editor), some working hours after the previous step.


@dataclass(frozen=True, kw_only=True)
class Step:
    GAP: ClassVar[float] = 2.0
    after: float | None = None  # working hours since the previous step; None: GAP

    @property
    def gap(self) -> float:
        return self.GAP if self.after is None else self.after


@dataclass(frozen=True)
class Submit(Step):
    GAP: ClassVar[float] = 0.5


@dataclass(frozen=True)
class Withdraw(Step):
    GAP: ClassVar[float] = 1.0


@dataclass(frozen=True)
class SignOff(Step):
    GAP: ClassVar[float] = 3.0


@dataclass(frozen=True)
class Refuse(Step):
    GAP: ClassVar[float] = 4.0
    reason: str


@dataclass(frozen=True)
class Revise(Step):
    GAP: ClassVar[float] = 20.0
    body: tuple[str, ...]


@dataclass(frozen=True)
class Review(Step):
    GAP: ClassVar[float] = 18.0


@dataclass(frozen=True)
class Edit(Step):
    GAP: ClassVar[float] = 1.0
    comment: str
    title: str = ""
    body: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verify(Step):
    note: str


@dataclass(frozen=True)
class Dispute(Step):
    note: str


@dataclass(frozen=True)
class Adopt(Step):
    GAP: ClassVar[float] = 3.0
    publication: str


@dataclass(frozen=True)
class Return(Step):
    reason: str


@dataclass(frozen=True)
class File(Step):
    comment: str = ""


SENT: tuple[Step, ...] = (Submit(), SignOff())
IN_REVIEW: tuple[Step, ...] = (*SENT, Review())


@dataclass(frozen=True)
class DemoItem:
    unit: str
    kind: str
    working_days_ago: int  # when the officer wrote it: working days before the office last opened
    title: str
    body: tuple[str, ...]  # paragraphs
    tags: tuple[str, ...] = ()
    steps: tuple[Step, ...] = ()
    joint: tuple[str, ...] = ()
    occurred: int | None = 1  # days between the event and the writing; None: no date
    editor: str = ""  # default reviewer; empty: bianji1 and bianji2 in turn


_N, _P, _E, _S, _R = (
    ItemKind.NEWS,
    ItemKind.PROBLEM,
    ItemKind.EXPERIENCE,
    ItemKind.PROPOSAL,
    ItemKind.RESEARCH,
)

ITEMS: tuple[DemoItem, ...] = (
    # --- adopted ------------------------------------------------------------------------------
    DemoItem(
        unit="jc-ytx",
        kind=_N,
        working_days_ago=39,
        title="云台县建立山洪灾害预警“叫应”机制",
        body=(
            "云台县地处山区，山洪灾害易发多发。今年以来，云台县建立山洪灾害预警“叫应”机制，气象、水利部门发布预警后，县、乡、村三级责任人须在规定时间内逐级电话“叫应”，确认收到预警并落实转移措施。",
            "全县共明确山洪灾害危险区187处，落实县级包乡领导、乡级包村干部和村级网格员共1260人，每个危险区均确定转移路线和临时避险点，并组织开展了一轮转移避险演练，参演群众4200余人。",
            "“叫应”情况由县防汛办全程记录，对未及时“叫应”的责任人予以通报。",
        ),
        tags=("防汛",),
        steps=(*IN_REVIEW, Adopt("mryq")),
        occurred=None,
    ),
    DemoItem(
        unit="jc-slj",
        kind=_N,
        working_days_ago=36,
        title="我市完成水利工程隐患排查整治",
        body=(
            "为确保水利工程安全运行，市水利局组织开展水利工程隐患排查整治，对全市43座水库、186公里重点堤防、112座山塘和27处在建涉水工程逐一“过筛”。截至目前，排查发现的96处隐患已全部整改到位，比计划提前半个月完成。",
            "排查中坚持“查、改、核”闭环管理：查出一处、登记一处、销号一处，对涉及水库溢洪道堵塞、堤防渗漏等12处较大隐患实行挂牌督办，由局领导分片包干，整改完成后组织专家现场复核。",
            "下一步，市水利局将落实水库“三个责任人”和“三个重点环节”要求，完成防汛抢险物资补充和抢险队伍集中培训，确保汛期到来前各项准备工作全部就位。",
        ),
        tags=("防汛", "安全生产"),
        occurred=None,
        steps=(*IN_REVIEW, Verify("已与市防汛办核对隐患数量和整改台账，情况属实。"), Adopt("mryq")),
    ),
    DemoItem(
        unit="jc-yjj",
        kind=_E,
        working_days_ago=30,
        title="市应急管理局创新推行企业安全生产风险“一张图”管理",
        body=(
            "今年以来，市应急管理局认真贯彻落实上级关于安全生产工作的决策部署，坚持人民至上、生命至上，积极探索安全生产监管新模式，在全市推行企业安全生产风险“一张图”管理，取得了初步成效，受到企业和基层的普遍欢迎。",
            "一是摸清底数。组织对全市1260家工贸、危化企业开展风险辨识评估，按照红、橙、黄、蓝四个等级标注在电子地图上，形成全市安全生产风险分布“一张图”。",
            "二是分级管控。对红色、橙色风险企业实行市、县两级联合包保，每月至少检查一次；黄色、蓝色风险企业由属地乡镇（街道）和行业部门按季度巡查。",
            "三是动态更新。企业自查发现的隐患和执法检查情况实时录入系统，风险等级随之调整，今年已有37家企业因整改到位降低风险等级，9家企业因隐患突出上调等级。",
            "下一步，我局将继续完善“一张图”功能，推动与消防、住建等部门数据共享，不断提升安全生产治理能力。",
        ),
        tags=("安全生产",),
        occurred=None,
        editor="bianji1",
        steps=(
            *IN_REVIEW,
            Edit(
                "压缩套话，突出做法和数据。",
                title="我市以风险“一张图”推动企业安全生产分级管控",
                body=(
                    "市应急管理局对全市1260家工贸、危化企业开展风险辨识评估，按红、橙、黄、蓝四级标注在电子地图上，形成安全生产风险分布“一张图”，实行分级管控、动态调整。",
                    "红色、橙色风险企业由市、县两级联合包保，每月至少检查一次；黄色、蓝色风险企业由属地乡镇（街道）和行业部门按季度巡查。企业自查隐患和执法检查结果实时录入，风险等级随之调整。今年以来，37家企业因整改到位降低风险等级，9家企业因隐患突出上调等级。",
                    "下一步，将推动“一张图”与消防、住建等部门数据共享。",
                ),
            ),
            Adopt("mryq"),
            Adopt("sheng-mrhb", after=40),
        ),
    ),
    DemoItem(
        unit="jc-xfj",
        kind=_E,
        working_days_ago=25,
        title="我市推行领导干部“接访下沉”化解一批信访积案",
        body=(
            "今年以来，市信访局推动市、县两级领导干部从“坐班接访”向“下沉接访”转变，每月固定两天到信访问题集中的乡镇（街道）、社区现场接访，把矛盾化解在当地。",
            "截至目前，市县两级领导干部共下沉接访216批次，接待群众1380人次，现场解决问题412件；对73件信访积案实行“一案一领导、一案一专班”，已化解58件，化解率79.5%。",
            "主要做法：一是接访前由信访部门梳理积案清单，提前通知相关职能部门随同下沉；二是现场能解决的当场拍板，不能当场解决的明确时限、责任人，限期答复；三是对化解情况实行跟踪回访，群众满意后方予销号。",
            "从实践看，“接访下沉”减少了群众往返奔波，越级上访批次同比下降31%，但也存在部分问题涉及政策调整、基层难以独立解决等情况，需市级层面统筹研究。",
        ),
        tags=("信访",),
        occurred=None,
        editor="kezhang",
        steps=(*IN_REVIEW, Adopt("xxzb")),
    ),
    DemoItem(
        unit="jc-nyj",
        kind=_E,
        working_days_ago=10,
        title="我市组建“强村公司”壮大村级集体经济",
        body=(
            "为破解村级集体经济“小散弱”问题，市农业农村局指导各县（区）以乡镇为单位，由多个村联合出资组建“强村公司”，统一承接农村小型工程、物业服务、农产品销售等业务，收益按出资比例分红。",
            "目前，全市已组建强村公司47家，覆盖行政村386个，今年以来实现经营收入1.2亿元，带动村均增收8.6万元，集体经营性收入10万元以下的薄弱村由去年的92个减少到31个。",
            "在运行中，我市坚持“村社主导、政府引导、市场运作”，明确强村公司不得举债经营、不得开展高风险投资，财务收支由乡镇农经站统一监管，每季度向村民公开。",
            "下一步，将总结推广青山县等地经验，探索强村公司与农民专业合作社、龙头企业联合经营，力争年底前集体经营性收入10万元以下的村全部“清零”。",
        ),
        tags=("乡村振兴",),
        occurred=None,
        steps=(
            *IN_REVIEW,
            Verify("已向市农业农村局农经科核实强村公司数量和收入数据。"),
            Adopt("mryq"),
            Adopt("sheng-mrhb", after=18),
            Adopt("zb-mrhb", after=27),
        ),
    ),
    DemoItem(
        unit="jc-fgw",
        kind=_S,
        working_days_ago=10,
        title="关于进一步优化我市营商环境的几点建议",
        body=(
            "近期，市发展改革委会同市市场监管局对全市120家民营企业开展问卷调查，并召开5场企业座谈会，了解企业对营商环境的评价和诉求。调查显示，企业对政务服务效率总体满意，但在涉企检查、政策兑现、融资等方面仍有不少意见。",
            "一是涉企检查仍偏多。有企业反映一年内接受各类检查10次以上，部分检查内容重复。建议推行“综合查一次”，由牵头部门统筹制定年度联合检查计划，无计划不检查。",
            "二是惠企政策兑现慢。部分奖补资金从申报到拨付超过半年。建议建立惠企政策“免申即享”清单，依托数据共享主动识别符合条件的企业，压缩兑现周期。",
            "三是中小企业融资难。建议扩大市级应急转贷资金规模，推动银行对首贷户、信用贷款设定考核指标。",
            "四是诉求回应不闭环。建议将企业诉求纳入12345热线专席办理，实行办理结果企业评价制度。",
        ),
        tags=("营商环境",),
        joint=("jc-scjgj",),
        occurred=None,
        editor="kezhang",
        steps=(*IN_REVIEW, Verify("调查问卷和座谈记录已调阅，情况属实。"), Adopt("xxzb")),
    ),
    DemoItem(
        unit="jc-gdgs",
        kind=_N,
        working_days_ago=14,
        title="城区一条10千伏线路故障致3个小区停电 已全部恢复供电",
        body=(
            "昨日19时12分，因施工机械挖断地下电缆，城区10千伏东湖线发生故障跳闸，造成东湖区锦绣花园、滨江苑、新华里3个小区约2800户居民停电。",
            "故障发生后，国网江城供电公司立即启动应急预案，调派2台应急发电车优先保障小区电梯和二次供水设备用电，抢修人员连夜开挖、更换电缆中间接头，于当晚23时40分全部恢复供电，停电时间约4.5小时。停电期间未发生人员被困电梯等次生事件。",
            "目前，供电公司已会同城管部门对肇事施工单位进行调查处理，并将在全市开展地下电缆通道外力破坏隐患排查，对施工工地逐一签订电力设施保护告知书。",
        ),
        tags=("停电",),
        steps=(*IN_REVIEW, Adopt("mryq")),
    ),
    DemoItem(
        unit="jc-xfzd",
        kind=_N,
        working_days_ago=18,
        title="全市集中开展高层建筑和“九小场所”火灾隐患排查整治",
        body=(
            "市消防救援支队近期在全市部署开展为期两个月的高层建筑和“九小场所”火灾隐患排查整治行动，重点检查消防通道堵塞、楼道违规停放车辆和私拉电线充电、消防设施损坏停用和“三合一”场所违规住人等问题。",
            "行动开展以来，全市共检查高层建筑312栋、“九小场所”5826家，发现并督促整改火灾隐患4130处，临时查封场所17家，责令“三停”单位9家，清理楼道堆放杂物1200余处。",
            "针对部分老旧高层住宅消防设施年久失修、维修资金难以启用的问题，支队已会同住建部门提出专项维修方案，拟纳入老旧小区改造计划统筹解决。",
        ),
        tags=("火灾隐患排查", "安全生产"),
        occurred=None,
        steps=(*IN_REVIEW, Adopt("mryq")),
    ),
    DemoItem(
        unit="jc-scjgj",
        kind=_P,
        working_days_ago=11,
        title="校园周边流动食品摊贩监管存在盲区",
        body=(
            "近期，市市场监管局在全市中小学校园周边食品安全专项检查中发现，校园周边流动摊贩较多，监管难度大，存在一定食品安全隐患。",
            "从检查情况看，全市286所中小学校周边200米范围内共有流动食品摊点430余个，主要经营烤肠、炸串、奶茶等食品，多数无健康证明、无进货凭证，加工环境卫生条件差，部分摊贩使用来源不明的食用油和“三无”调味品。",
            "这类摊点流动性强，上下学高峰集中出摊，执法人员到场即散去，市场监管、城管、教育等部门职责存在交叉，尚未形成监管合力。",
            "建议由市政府牵头建立校园周边食品安全联合治理机制，在学校周边设置规范经营点位，引导摊贩入点经营、亮证经营，同时加强对学生和家长的宣传教育。",
        ),
        tags=("食品安全",),
        occurred=None,
        steps=(*IN_REVIEW, Verify("已电话向市教育局核实，情况属实。"), Adopt("mryq")),
    ),
    DemoItem(
        unit="jc-xjq",
        kind=_N,
        working_days_ago=13,
        title="西江区企业开办实现“一窗通办、半日办结”",
        body=(
            "西江区深化“放管服”改革，在区政务服务中心设立企业开办综合窗口，将营业执照办理、公章刻制、发票申领、社保登记、银行开户预约等事项整合为“一件事”，实行一窗受理、一次提交、并联办理。",
            "改革后，企业开办时间大幅压缩，群众办事更加便捷，受到企业普遍好评，营商环境持续优化。",
            "下一步，西江区将继续深化“一件事一次办”改革，推动更多涉企事项集成办理。",
        ),
        tags=("营商环境",),
        occurred=None,
        editor="bianji2",
        steps=(
            *IN_REVIEW,
            Return(
                "请补充改革前后办理时限对比、办件量等具体数据，避免“大幅压缩”“普遍好评”等笼统表述。"
            ),
            Revise(
                (
                    "西江区深化“放管服”改革，在区政务服务中心设立企业开办综合窗口，将营业执照办理、公章刻制、发票申领、社保登记、银行开户预约等5个事项整合为“一件事”，实行一窗受理、一次提交、并联办理。",
                    "改革后，企业开办由原来的3个工作日压缩至半个工作日以内，申请材料由16份减少到6份，公章刻制费用由政府买单。运行两个月来，已办理企业开办1126件，当日办结率98.7%。",
                    "区政务服务中心对办事企业开展满意度回访，收回有效评价1034份，“非常满意”和“满意”占99.2%。企业反映较多的是希望进一步推行银行开户全程网办，西江区正与相关银行对接落实。",
                )
            ),
            *SENT,
            Review(after=4),
            Adopt("mryq"),
        ),
    ),
    DemoItem(
        unit="jc-nlq",
        kind=_N,
        working_days_ago=8,
        title="南岭区首批12个老旧小区改造全部完工",
        body=(
            "南岭区今年实施的首批12个老旧小区改造项目日前全部完工，共惠及居民3460户，完成雨污分流管网改造8.2公里，新增停车位620个，加装电梯14部，建设口袋公园5处。",
            "改造中，南岭区坚持“先民生后提升”，优先解决居民反映强烈的雨天积水、管网老化、停车难等问题，改造清单经居民议事会讨论确定，施工期间每个小区设立居民监督员，项目竣工时组织居民代表参与验收。",
            "第二批9个小区改造方案已完成公示，计划下月开工。",
        ),
        tags=("城市更新",),
        steps=(*IN_REVIEW, Adopt("jcxx")),
    ),
    DemoItem(
        unit="jc-swj",
        kind=_N,
        working_days_ago=9,
        title="我市今年以来招商引资签约项目48个 总投资326亿元",
        body=(
            "今年以来，市商务局围绕新能源装备、电子信息、食品加工三大主导产业开展精准招商，共签约项目48个，总投资326亿元，其中10亿元以上项目9个，外资项目6个。",
            "从签约项目看，产业链招商成效明显，围绕本地龙头企业上下游引进配套项目21个；以商招商比重提高，通过已落户企业牵线引进的项目占到四成。签约项目中已开工28个，开工率58.3%。",
            "下一步，市商务局将建立签约项目“一项目一专班”推进机制，对未开工项目逐一梳理用地、环评、能耗等制约因素，推动项目早落地、早投产。",
        ),
        tags=("招商引资",),
        occurred=None,
        steps=(*IN_REVIEW, Adopt("jcxx")),
    ),
    DemoItem(
        unit="jc-zjj",
        kind=_R,
        working_days_ago=7,
        title="关于老旧小区改造中居民意见不一问题的调研报告",
        body=(
            "为了解老旧小区改造推进中的难点堵点，市住建局近期选取东湖区、西江区、南岭区的15个改造小区开展专题调研，走访居民420户，召开座谈会8场。",
            "调研发现，居民意见不一是影响改造进度的主要原因。一是诉求差异大，低楼层居民对加装电梯积极性不高，部分居民担心改造期间出行不便；二是出资意愿低，按照“居民出一点”原则，实际收缴率不足四成；三是后续管理难，改造后引入物业服务的小区仅占35%，部分小区“改后又乱”。",
            "调研中也发现一些好的做法。东湖区锦绣社区在改造前召开“居民议事会”，由居民投票确定改造清单，改造过程中设立居民监督员，项目推进顺利，群众满意度达96%。",
            "建议：一是全面推行“改不改、改什么、怎么改”由居民议定；二是完善居民出资、专项维修资金使用和社会资本参与的多元筹资机制；三是把物业管理方案作为改造项目立项的前置条件，巩固改造成果。",
        ),
        tags=("城市更新",),
        occurred=None,
        editor="kezhang",
        steps=(
            *IN_REVIEW,
            Edit("标题改为点明问题，便于领导阅读。", title="老旧小区改造中“众口难调”问题亟待破解"),
            Adopt("xxzb"),
        ),
    ),
    DemoItem(
        unit="jc-mzj",
        kind=_E,
        working_days_ago=6,
        title="东湖区“社区嵌入式”养老服务中心让老人就近享服务",
        body=(
            "市民政局会同东湖区利用社区闲置用房建设“社区嵌入式”养老服务中心，为周边老年人提供助餐、助浴、日间照料、康复护理等服务，让老人不离家、不离亲、不离邻就能享受专业养老服务。",
            "目前东湖区已建成嵌入式养老服务中心9个，设置日托床位180张，“长者食堂”日均供餐1600余份，80岁以上老人和低保、特困老人用餐享受政府补贴。中心由专业养老机构运营，政府以场地无偿使用和运营补贴方式支持，实现持续运转。",
            "下一步，全市将推广东湖区做法，力争年底前每个街道至少建成1个社区嵌入式养老服务中心。",
        ),
        tags=("养老服务",),
        joint=("jc-dhq",),
        occurred=None,
        steps=(*IN_REVIEW, Adopt("mryq")),
    ),
    # --- filed --------------------------------------------------------------------------------
    DemoItem(
        unit="jc-ytx",
        kind=_N,
        working_days_ago=33,
        title="云台县开展森林防火宣传进村入户活动",
        body=(
            "为做好森林防火工作，云台县近期组织开展森林防火宣传进村入户活动，县林业局联合各乡镇深入林区村组，通过张贴标语、发放明白纸、流动宣传车播放等方式，宣传野外用火管理规定和森林火灾扑救常识。",
            "活动期间共发放宣传资料2.3万份，悬挂横幅180条，与林区农户签订防火责任书6800余份，进一步增强了群众森林防火意识。",
        ),
        tags=("安全生产",),
        occurred=None,
        steps=(*IN_REVIEW, File("常规宣传活动，信息量不大，存档备查。")),
    ),
    DemoItem(
        unit="jc-jyj",
        kind=_N,
        working_days_ago=10,
        title="市教育局召开全市教育系统安全工作会议",
        body=(
            "近日，市教育局召开全市教育系统安全工作会议，传达学习上级有关安全生产工作的会议精神，通报近期全市校园安全检查情况，部署下阶段学校安全工作。",
            "会议要求，各县（区）教育部门和各级各类学校要压实安全责任，扎实开展校园安全隐患排查，重点抓好校舍、消防、食品、交通和防溺水等方面安全工作，加强校园及周边治安综合治理，确保师生安全。",
            "会议还对做好学生心理健康教育和校园欺凌防治工作提出了要求。",
        ),
        tags=("安全生产",),
        steps=(*IN_REVIEW, File("会议类信息，缺少具体工作成效，存档备查。")),
    ),
    DemoItem(
        unit="jc-wjw",
        kind=_N,
        working_days_ago=16,
        title="我市开展适龄儿童疫苗查漏补种工作",
        body=(
            "为提高适龄儿童免疫规划疫苗接种率，市卫生健康委近期在全市开展适龄儿童疫苗查漏补种工作，对全市托幼机构和小学一年级新生预防接种证逐一查验。",
            "截至目前，全市共查验接种证4.1万份，发现需补种儿童2380人，已完成补种2016人，补种率84.7%。对尚未完成补种的儿童，由接种单位逐一电话通知家长，并在周末增设临时接种门诊，方便家长带孩子接种。",
            "下一步，市卫生健康委将把查验补种结果纳入学校卫生工作考核，确保应补尽补。",
        ),
        tags=("疫苗接种",),
        occurred=None,
        steps=(
            *IN_REVIEW,
            Verify("已与市疾控中心核对查验和补种数据。"),
            File("情况属实，作为日常工作动态存档，纳入疫苗接种专题资料。"),
        ),
    ),
    DemoItem(
        unit="jc-gaj",
        kind=_N,
        working_days_ago=11,
        title="市公安局部署开展治安打击整治“百日行动”",
        body=(
            "市公安局日前召开会议，部署开展为期100天的治安打击整治行动，重点打击盗窃、电信网络诈骗、涉黄涉赌等违法犯罪，整治夜市、娱乐场所、城乡接合部等治安重点区域和部位。",
            "行动期间，全市公安机关将加强社会面巡逻防控，在夜间治安复杂时段增加街面警力，推行“警保联动”“警网融合”，提高见警率和管事率。同时，深入开展矛盾纠纷排查化解，防止“民转刑”案件发生。",
        ),
        steps=(*IN_REVIEW, File("部署类信息，待行动取得阶段性成效后再择机采用。")),
    ),
    DemoItem(
        unit="jc-zfb",
        kind=_N,
        working_days_ago=10,
        title="市政府常务会议研究部署城市更新工作",
        body=(
            "市政府近日召开常务会议，听取全市城市更新工作推进情况汇报，研究部署下一步工作。",
            "会议指出，城市更新是推动城市高质量发展的重要抓手，要坚持“留改拆”并举、以保留利用提升为主，统筹推进老旧小区、老旧街区、城中村改造和历史文化保护，不搞大拆大建。",
            "会议要求，各有关部门要加快编制城市更新专项规划，完善项目储备库，创新政企合作和金融支持模式，切实解决居民群众急难愁盼问题。",
        ),
        tags=("城市更新",),
        steps=(*IN_REVIEW, File("会议情况已在《江城信息》会议专栏刊发，不再重复采用，存档。")),
    ),
    DemoItem(
        unit="jc-bsz",
        kind=_N,
        working_days_ago=6,
        title="白石镇组织开展防汛应急转移演练",
        body=(
            "为提高应对突发险情能力，白石镇近日在沿河的柳塘村组织开展防汛应急转移演练，模拟河道水位超警、村庄进水险情，镇村干部、民兵应急分队和村民共260余人参加。",
            "演练按照预警发布、人员转移、安置点安置、抢险处置等环节进行，检验了“村组干部包户、党员联户”转移机制，转移全过程用时38分钟。",
            "演练结束后，镇防汛办对演练中发现的转移路线标识不清、安置点物资不足等问题进行了梳理，明确限期整改到位。",
        ),
        tags=("防汛",),
        steps=(*IN_REVIEW, File("基层演练类信息，存档备查。")),
    ),
    # --- returned -----------------------------------------------------------------------------
    DemoItem(
        unit="jc-gaj",
        kind=_P,
        working_days_ago=4,
        title="我市电信网络诈骗案件呈现新特点",
        body=(
            "今年以来，我市电信网络诈骗发案总体呈下降态势，但作案手法不断翻新，呈现一些新特点，需引起重视。",
            "一是冒充电商物流客服类诈骗占比上升。犯罪分子以“快递丢失理赔”“商品质量问题退款”为由，诱导受害人下载屏幕共享软件，进而转走银行卡资金，此类案件占全部案件的32%。",
            "二是受害群体向中老年人延伸。以“养老投资”“保健品返利”为名的诈骗案件明显增多，60岁以上受害人占比由去年的9%上升至17%。",
            "三是资金转移速度加快。从受害人转账到资金被层层转出，平均时间缩短到15分钟以内，给止付冻结带来很大困难。",
        ),
        tags=("电信诈骗",),
        occurred=None,
        steps=(
            *IN_REVIEW,
            Return("案件占比等数据与市反诈中心近期通报口径不一致，请核实后重新报送。"),
        ),
    ),
    DemoItem(
        unit="jc-nlq",
        kind=_S,
        working_days_ago=3,
        title="关于在老城区推行“微更新”的建议",
        body=(
            "南岭区老城区面积大、房屋年代久，大规模拆除重建成本高、周期长，也容易破坏街巷肌理和邻里关系。借鉴外地经验，建议在老城区推行以“小规模、渐进式”为特征的“微更新”。",
            "一是以街巷为单元，开展街巷立面整治、边角地改造和口袋公园建设，每年选取10条街巷先行实施。",
            "二是设立区级城市更新引导资金，每年安排5000万元，采取“以奖代补”方式撬动社会资本参与。",
            "三是鼓励居民、产权单位自主更新，对自主实施的微更新项目简化审批手续。",
        ),
        tags=("城市更新",),
        occurred=None,
        steps=(Submit(), Refuse("引导资金规模测算依据不足，请会同区财政局测算后再报。")),
    ),
    DemoItem(
        unit="jc-wjw",
        kind=_P,
        working_days_ago=4,
        title="部分乡镇卫生院疫苗冷链设备老化问题突出",
        body=(
            "近期，市卫生健康委在对全市预防接种门诊规范化检查中发现，部分乡镇卫生院疫苗冷链设备老化，存在疫苗储存安全隐患。",
            "检查显示，全市乡镇卫生院使用年限超过10年的疫苗冰箱占比较高，部分冰箱温度波动大，个别接种门诊未配备备用电源，遇停电时只能依靠冰排临时保温。",
            "由于乡镇卫生院运行经费紧张，设备更新主要依赖上级专项资金，更新周期较长。",
        ),
        tags=("疫苗接种",),
        occurred=None,
        steps=(
            *IN_REVIEW,
            Return("请补充涉及的卫生院数量、设备数量和更新资金缺口等具体情况后再报。"),
        ),
    ),
    DemoItem(
        unit="jc-lhx",
        kind=_N,
        working_days_ago=4,
        title="临河县柳湾乡发生一起农房火灾",
        body=(
            "前日凌晨2时许，临河县柳湾乡河口村一村民家中发生火灾，过火面积约80平方米，烧毁砖木结构房屋3间及部分家具、粮食。",
            "接警后，临河县消防救援大队和柳湾乡政府工作人员迅速赶赴现场处置，明火于凌晨3时左右被扑灭。火灾未造成人员伤亡，起火原因初步判断为电线老化短路，具体原因正在调查中。",
            "目前，乡政府已为受灾户送去被褥、大米等生活物资，安排其暂住亲戚家中，并将其纳入临时救助范围。",
        ),
        tags=("火灾隐患排查",),
        occurred=2,
        steps=(
            *IN_REVIEW,
            Return(
                "此类事件属突发事件，请按紧急信息报送程序报送首报和续报，不再作为政务信息报送。"
            ),
        ),
    ),
    # --- under review -------------------------------------------------------------------------
    DemoItem(
        unit="jc-yjj",
        kind=_N,
        working_days_ago=2,
        title="我市开展危险化学品企业安全生产专项检查",
        body=(
            "市应急管理局近日组织开展危险化学品企业安全生产专项检查，采取“四不两直”方式，由局领导带队，聘请行业专家参与，对全市86家危化品生产、储存企业逐一检查。",
            "检查重点包括重大危险源管控、特殊作业审批、自动化控制系统运行和应急处置能力等方面。截至目前已检查企业52家，发现隐患317项，其中重大隐患3项，已责令相关企业停产整改，并对2家企业立案处罚。",
            "检查发现，部分企业特殊作业票证管理不规范、外包施工队伍管理不到位的问题较为普遍，市应急管理局将对此开展专项培训。",
        ),
        tags=("安全生产",),
        occurred=None,
        steps=(*IN_REVIEW, Verify("已与市应急管理局执法支队核对检查数据，情况属实。")),
    ),
    DemoItem(
        unit="jc-lhx",
        kind=_P,
        working_days_ago=3,
        title="临河县一建筑工地发生农民工集中讨薪",
        body=(
            "昨日上午，临河县城南安置房项目工地80余名农民工聚集在项目部门口，反映被拖欠工资约260万元，要求尽快支付。",
            "接报后，临河县人社局、住建局和属地街道迅速到场，劝导农民工通过合法途径反映诉求，并约谈项目总承包单位负责人。经协调，总承包单位承诺于本周内先行垫付部分工资，现场人员已于中午前后陆续散去。",
            "目前，县人社局已对该项目立案调查，核实欠薪数额和涉及人员，并督促建设单位按合同支付工程款，从源头解决欠薪问题。",
        ),
        tags=("信访", "欠薪"),
        steps=(
            *IN_REVIEW,
            Dispute(
                "县人社局电话反映，现场聚集人数约20人，欠薪金额尚在核实，与报送的“80余人”“约260万元”出入较大，待核实后再定是否采用。"
            ),
        ),
    ),
    DemoItem(
        unit="jc-dhq",
        kind=_N,
        working_days_ago=2,
        title="东湖区积极应对强降雨天气",
        body=(
            "受持续强降雨影响，东湖区城区部分路段出现积水。东湖区立即启动防汛四级应急响应，组织城管、住建、排水等部门对辖区下穿通道、地下车库、低洼小区等易涝点开展拉网式排查。",
            "排查共发现易涝积水点27处，已完成整治19处，其余8处设置警示标志并安排专人值守，配备移动泵车12台。降雨期间，区排水中心累计出动抢排人员340人次，未发生人员伤亡和车辆被淹事件。",
            "下一步，东湖区将结合城市更新对积水点实施管网改造，从根本上解决“逢雨必涝”问题。",
        ),
        tags=("防汛",),
        steps=(
            *IN_REVIEW,
            Edit("标题改为突出具体工作和数据。", title="东湖区排查整治城区易涝积水点27处"),
        ),
    ),
    DemoItem(
        unit="jc-swj",
        kind=_R,
        working_days_ago=4,
        title="关于当前我市外资招商面临新情况的调研",
        body=(
            "为掌握当前外资招商形势，市商务局近期走访了全市32家外资企业和6家境外商协会驻华机构，并对今年以来外资项目洽谈情况进行梳理分析。",
            "调研发现，当前我市外资招商面临一些新情况：一是外资项目洽谈周期明显拉长，从接触到签约平均需要14个月，比前两年延长约5个月；二是外资企业更看重产业链配套和供应链稳定性，对土地、税收等传统优惠政策的敏感度下降；三是部分在我市投资的外资企业倾向于增资扩产而非新设项目，存量外资企业成为稳外资的重要力量。",
            "建议：一是把招商重心向存量外资企业增资扩股倾斜，建立重点外资企业“服务专员”制度；二是围绕主导产业补链强链，提升产业配套能力；三是加强与境外商协会、驻外机构的常态化联系，拓宽招商信息渠道。",
        ),
        tags=("招商引资",),
        occurred=None,
        steps=IN_REVIEW,
    ),
    DemoItem(
        unit="jc-qsx",
        kind=_N,
        working_days_ago=3,
        title="青山县启动农村供水保障提升工程",
        body=(
            "青山县近日启动农村供水保障提升工程，计划用两年时间投资2.8亿元，新建和改造规模化供水工程6处，延伸供水管网420公里，将城乡一体化供水覆盖到全县85%以上的农村人口。",
            "目前，青山县仍有部分村庄依靠小型分散供水工程和山泉水供水，存在水量不稳定、水质不达标等问题，旱季部分高山村需要送水。工程建成后，将有效解决4.6万名农村群众的饮水问题。",
            "为保障工程顺利实施，县里成立了由县长任组长的工作专班，实行每周调度、每月通报。",
        ),
        tags=("乡村振兴",),
        steps=IN_REVIEW,
    ),
    # --- submitted, waiting for the section -----------------------------------------------------
    DemoItem(
        unit="jc-gdgs",
        kind=_N,
        working_days_ago=1,
        title="城区老旧配电线路改造完成过半 居民停电投诉明显减少",
        body=(
            "国网江城供电公司今年实施的城区老旧配电线路改造工程已完成过半，累计改造10千伏线路46条、低压台区138个，更换老旧电缆210公里。",
            "改造前，城区部分老旧小区线路负荷重、故障多，频繁出现跳闸停电，居民投诉集中。改造完成的台区平均停电时间同比下降57%，12345热线涉及停电的投诉件由每月80余件降至30件左右。",
            "目前，剩余改造任务已全部进场施工，供电公司将采取带电作业、发电车保供等方式，尽量减少施工停电对居民生活的影响。",
        ),
        tags=("停电", "城市更新"),
        occurred=None,
        steps=SENT,
    ),
    DemoItem(
        unit="jc-xfj",
        kind=_P,
        working_days_ago=1,
        title="近期物业服务类信访件明显增多",
        body=(
            "近一个月，市信访局共受理物业服务类信访件236件，同比增长42%，占同期信访总量的18%，已成为城市信访中增长最快的类别。",
            "从反映的问题看，主要集中在物业服务质量差、物业费收支不透明、公共收益去向不明、物业企业退出后无人管理等方面。其中，老旧小区改造后物业管理跟不上的问题较为突出，涉及23个小区。",
            "分析原因，一是部分小区业主委员会未成立或运作不规范，业主维权渠道不畅；二是住建、街道、社区对物业企业的监管衔接不够；三是部分物业企业收费低、服务差，陷入恶性循环。",
            "建议将物业服务纳入社区治理考核，推动成立业主委员会，建立物业企业“红黑榜”制度。",
        ),
        tags=("信访", "城市更新"),
        occurred=None,
        steps=SENT,
    ),
    DemoItem(
        unit="jc-scjgj",
        kind=_N,
        working_days_ago=2,
        title="我市开展网络订餐食品安全专项整治",
        body=(
            "针对网络订餐投诉举报增多的情况，市市场监管局近日开展网络订餐食品安全专项整治，重点检查入网餐饮单位证照是否齐全、实际经营地址与平台公示是否一致、后厨卫生状况以及外卖封签使用等情况。",
            "整治开展以来，共检查入网餐饮单位1160家，督促平台下线无证经营、超范围经营商户73家，抽检外卖食品210批次，检出不合格5批次，立案查处违法行为26起。",
            "下一步，市市场监管局将推动平台落实“明厨亮灶”线上展示，让消费者下单前可查看后厨实况。",
        ),
        tags=("食品安全",),
        occurred=None,
        steps=SENT,
    ),
    DemoItem(
        unit="jc-mzj",
        kind=_S,
        working_days_ago=2,
        title="关于加快补齐农村养老服务短板的建议",
        body=(
            "我市农村60岁以上老年人口占农村常住人口的比重已超过28%，高于城镇近9个百分点，且空巢、留守老人比例高，农村养老服务需求日益迫切。",
            "当前农村养老服务主要存在三个短板：一是乡镇敬老院床位空置率高与失能老人“一床难求”并存；二是村级互助养老点多数只有场地、缺少服务，运转难以持续；三是农村养老护理人员严重不足，且年龄普遍偏大。",
            "建议：一是推动乡镇敬老院转型为区域养老服务中心，重点收住失能、半失能老人；二是对运营良好的村级互助养老点给予运营补贴，引导低龄老人服务高龄老人；三是依托职业院校开展农村养老护理员免费培训，提高护理补贴标准。",
        ),
        tags=("养老服务", "乡村振兴"),
        occurred=None,
        steps=SENT,
    ),
    DemoItem(
        unit="jc-xjq",
        kind=_N,
        working_days_ago=1,
        title="西江区联合公安部门整治电动自行车违规充电隐患",
        body=(
            "西江区会同市公安局西江分局近期开展电动自行车违规充电隐患集中整治，对辖区住宅小区楼道、地下室和出租屋逐一排查。",
            "整治期间共检查小区146个、出租屋2300余间，发现并当场纠正“飞线充电”、入户充电等行为860起，清理楼道违停电动自行车1500余辆；对拒不整改的12名出租屋业主依法予以警告处罚。",
            "同时，西江区在小区新建集中充电桩3200个，对老旧小区充电设施建设给予每个充电口200元补贴，从源头上解决“充电难”问题。",
        ),
        tags=("火灾隐患排查",),
        joint=("jc-gaj",),
        occurred=None,
        steps=SENT,
    ),
    DemoItem(
        unit="jc-slj",
        kind=_P,
        working_days_ago=1,
        title="部分小型水库安全管理存在薄弱环节",
        body=(
            "市水利局近期对全市112座小型水库开展安全运行专项检查，发现部分小型水库安全管理仍存在薄弱环节。",
            "一是巡查管护不到位。部分水库巡查员由村干部兼任，年龄偏大、专业知识不足，巡查记录流于形式。二是监测设施不完善。有31座小（2）型水库未安装雨水情自动测报设施，仍依靠人工观测。三是维修养护经费不足。县级维修养护资金到位率不足六成，一些水库坝体杂草丛生、排水沟堵塞。",
            "市水利局已将检查发现的问题反馈各县（区），要求限期整改，并建议将小型水库管护经费纳入县级财政预算予以保障。",
        ),
        tags=("防汛", "安全生产"),
        occurred=None,
        steps=SENT,
    ),
    # --- awaiting the unit head's sign-off ------------------------------------------------------
    DemoItem(
        unit="jc-xfzd",
        kind=_N,
        working_days_ago=1,
        title="近期电动自行车火灾占比上升 消防部门发布防火提示",
        body=(
            "近一个月，全市消防救援队伍共接处火警312起，其中电动自行车火灾41起，同比上升35%，占住宅火灾的四成以上，多数发生在夜间充电时段。",
            "从火灾原因看，主要是使用非原装充电器、私自改装电池、充电时间过长等引发电池热失控。部分居民将电动自行车停放在楼道、门厅内充电，一旦起火，易造成人员伤亡。",
            "市消防救援支队已发布防火提示，提醒群众选购合格产品、不私自改装、不在楼道和室内充电，并将联合住建、街道继续开展楼道电动自行车清理行动。",
        ),
        tags=("火灾隐患排查",),
        occurred=None,
        steps=(Submit(),),
    ),
    DemoItem(
        unit="jc-fgw",
        kind=_N,
        working_days_ago=1,
        title="我市重大项目集中开工 总投资218亿元",
        body=(
            "我市近日举行重大项目集中开工活动，共有31个项目开工，总投资218亿元，涵盖先进制造、基础设施、社会民生等领域，其中产业项目19个，投资占比超过六成。",
            "为推动项目早开工，市发展改革委牵头建立重大项目“绿色通道”，对用地、规划、环评等审批事项实行容缺受理、并联审批，开工项目从签约到开工平均用时较去年缩短40天。",
            "下一步，市发展改革委将实行重大项目月调度制度，协调解决项目建设中的资金、用地、用工等问题。",
        ),
        tags=("招商引资", "营商环境"),
        steps=(Submit(),),
    ),
    DemoItem(
        unit="jc-nyj",
        kind=_N,
        working_days_ago=1,
        title="我市今年高标准农田建设项目进展顺利",
        body=(
            "今年全市计划新建和改造提升高标准农田18.5万亩，涉及7个县（区）、42个项目区。截至目前，已完成建设14.2万亩，占年度任务的77%。",
            "市农业农村局对项目实行“月调度、季通报”，聘请第三方机构全程监理，重点加强土地平整、灌排设施和田间道路工程质量监管。同时探索建后管护新机制，由村集体经济组织和种粮大户承担日常管护，落实管护责任人1200余名。",
            "建成后的高标准农田平均亩产可提高100斤左右，有效促进粮食稳产增产。",
        ),
        tags=("乡村振兴",),
        occurred=None,
        steps=(Submit(),),
    ),
    DemoItem(
        unit="jc-bsz",
        kind=_E,
        working_days_ago=2,
        title="白石镇“积分超市”激活乡村治理",
        body=(
            "白石镇在全镇14个村推行“积分超市”，村民参与人居环境整治、志愿服务、移风易俗等活动可获得相应积分，凭积分到村“积分超市”兑换洗衣粉、食用油等生活用品。",
            "推行半年来，全镇共发放积分12.6万分，兑换物品价值9.8万元，参与村民达3100余户。积分制管理调动了村民参与村级事务的积极性，各村环境卫生评比合格率由62%提高到91%。",
            "积分超市物品由镇级财政补助、乡贤捐赠和村集体经济收入共同保障。",
        ),
        tags=("乡村振兴",),
        occurred=None,
        steps=(Submit(),),
    ),
    # --- drafts -------------------------------------------------------------------------------
    DemoItem(
        unit="jc-gaj",
        kind=_N,
        working_days_ago=0,
        title="我市警方破获一起跨省电信网络诈骗案",
        body=(
            "近日，市公安局反诈中心联合西江分局成功破获一起跨省电信网络诈骗案，抓获犯罪嫌疑人11名，冻结涉案资金380余万元，打掉为诈骗团伙提供“洗钱”服务的窝点2个。",
            "经查，该团伙以“网络刷单返利”为诱饵实施诈骗，涉及全国12个省份的受害人200余名。目前，案件正在进一步侦办中。",
            "市公安局提醒，凡是要求先垫付资金的“刷单返利”都是诈骗，群众遇到可疑情况请及时拨打96110咨询。",
        ),
        tags=("电信诈骗",),
    ),
    DemoItem(
        unit="jc-jyj",
        kind=_N,
        working_days_ago=0,
        title="全市开展校园安全隐患大排查",
        body=(
            "市教育局近日部署开展校园安全隐患大排查，组织各县（区）教育部门对全市中小学、幼儿园校舍、消防设施、食堂和校车等逐一检查。",
            "排查采取学校自查、县级检查、市级抽查相结合的方式，重点检查校舍结构安全、消防通道畅通、食堂食品进货查验和校车驾驶人资质等情况，对发现的隐患建立台账，实行销号管理。",
            "对排查出的重大隐患，由县级教育部门挂牌督办，整改完成前相关场所一律停用。",
        ),
        tags=("安全生产",),
        occurred=None,
    ),
    DemoItem(
        unit="jc-yjj",
        kind=_N,
        working_days_ago=1,
        title="我市完成应急避难场所摸底排查",
        body=(
            "市应急管理局近期组织对全市应急避难场所开展摸底排查，共排查各类避难场所214处，可容纳避难人员约68万人。",
            "排查发现，部分避难场所标识不清、应急物资储备不足，个别学校、体育场馆类避难场所未明确管理责任人。市应急管理局已将问题清单反馈各县（区），限期一个月整改。",
            "下一步，将把应急避难场所纳入国土空间规划统筹布局，新建一批室内应急避难场所。",
        ),
        tags=("安全生产",),
        occurred=None,
        steps=(Submit(), Withdraw()),
    ),
    DemoItem(
        unit="jc-nlq",
        kind=_N,
        working_days_ago=0,
        title="南岭区开展城镇燃气安全隐患排查",
        body=(
            "南岭区近日组织住建、市场监管、消防等部门，对辖区餐饮场所、老旧小区燃气管道和瓶装液化气供应站点开展燃气安全隐患排查。",
            "目前已排查餐饮场所640家，发现未安装燃气泄漏报警装置、使用不合格软管等隐患210处，已整改168处；对3家违规充装的液化气供应站依法查处。",
            "下一步，南岭区将对老旧小区燃气管道分批实施更新改造，并为餐饮场所全部加装燃气泄漏报警装置。",
        ),
        tags=("安全生产",),
        occurred=None,
    ),
)


# --- Loading ----------------------------------------------------------------------------------

Progress = Callable[[str], None]


@dataclass(frozen=True)
class LoadResult:
    loaded: bool  # False: the demo was already there and nothing was added
    units: int = 0
    people: int = 0
    items: int = 0


def demo_present() -> bool:
    return Unit.objects.filter(code=ROOT_CODE).exists()


def load_demo(progress: Progress = print, now: datetime | None = None) -> LoadResult:
    """Load the demo city once, as it stands at `now` (default: the clock). All or nothing; a
    second call adds nothing.

    Every date the demo writes derives from `now`: histories end before it, “today” and “this
    week” are its day and week, working days are the official calendar's. The actions stamp
    what they write with the clock, and the loaders then move those rows back to their planned
    times; so `now` may lie in the past but not ahead of the clock."""
    clock_now = timezone.now()
    now = clock_now if now is None else now
    if now > clock_now:
        raise ValueError(f"The demo cannot be loaded at {now}, later than the clock ({clock_now}).")
    with transaction.atomic():
        if demo_present():
            return LoadResult(loaded=False)
        clock = DemoClock.at(now)
        units = _create_units()
        progress(f"Units: {len(units)}")
        users = _create_people(units)
        progress(f"People: {len(users)}")
        publications = _create_publications()
        progress(f"Publications: {len(publications)}")
        loader = _ItemLoader(units, users, publications, clock)
        for done, spec in enumerate(ITEMS, start=1):
            loader.load(spec, done)
            if done % 10 == 0 or done == len(ITEMS):
                progress(f"Items: {done}/{len(ITEMS)}")
        from xinbao.core.demo_notify import load_channels

        progress(f"Notification channels: {load_channels(users)}")
        from xinbao.core.demo_emergencies import load_emergencies

        emergencies = load_emergencies(units, users, now)
        progress(f"Duty shifts and incidents: {emergencies}")
        from xinbao.core.demo_bulletins import load_bulletins

        progress(f"Bulletins: {load_bulletins(users, publications, now)}")
        from xinbao.core.demo_accountability import load_accountability

        progress(f"Accountability: {load_accountability(units, users, now)}")
        from xinbao.core.demo_insight import load_insight

        progress(f"Archive analysis: {load_insight(units, users, now)}")
        from xinbao.core.demo_scoring import load_scoring

        progress(f"Scoring: {load_scoring(units, now)}")
        from xinbao.core.demo_archive import load_archive

        progress(f"Information database: {load_archive(users)}")
        record(
            None,
            "demo_loaded",
            ROOT_CODE,
            {"units": len(units), "people": len(users), "items": len(ITEMS)},
        )
    return LoadResult(loaded=True, units=len(units), people=len(users), items=len(ITEMS))


def _create_units() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for spec in UNITS:  # parents come before their children
        units[spec.code] = Unit.objects.create(
            code=spec.code,
            name=spec.name,
            short_name=spec.short_name,
            level=spec.level,
            kind=spec.kind,
            parent=units[spec.parent] if spec.parent else None,
            is_reporting=spec.reporting,
            phone=spec.phone,
            sort_order=spec.sort_order,
        )
    return units


def _create_people(units: dict[str, Unit]) -> dict[str, User]:
    users: dict[str, User] = {}
    # One Argon2 hash costs ~0.3 s; hashing the shared demo password once and giving every
    # account that hash keeps the first `make run` quick. The password is published anyway,
    # so the shared salt gives nothing away.
    password_hash: str | None = None
    for person in all_people():
        user = User(
            username=person.username,
            full_name=person.full_name,
            role=person.role,
            unit=units[person.unit] if person.unit else None,
            title=person.title,
            phone=person.phone,
        )
        if password_hash is None:
            user.set_password(DEMO_PASSWORD)
            password_hash = user.password
        else:
            user.password = password_hash
        user.save()
        users[person.username] = user
        if person.role == Role.OFFICER and person.unit:
            Unit.objects.filter(pk=units[person.unit].pk).update(officer=user)
            units[person.unit].officer = user
    return users


def _create_publications() -> dict[str, Publication]:
    publications = {}
    for spec in PUBLICATIONS:
        publication, _created = Publication.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "level": spec.level,
                "issuer": spec.issuer,
                "sort_order": spec.sort_order,
                "compiled_here": spec.level == AdoptionLevel.CITY,
            },
        )
        publications[spec.code] = publication
    return publications


_PUBLICATION_SPECS = {p.code: p for p in PUBLICATIONS}


def issue_note(spec: DemoPublication, on: date) -> str:
    """A plausible issue number for the adoption note, e.g. “2026年第231期”."""
    number = on.timetuple().tm_yday * spec.issues_per_week // 7 + 1
    return f"{on.year}年第{number}期"


def plan_times(spec: DemoItem, seed: int, clock: DemoClock) -> list[datetime]:
    """When the item was written and when each of its steps happened, oldest first.

    The item is written `spec.working_days_ago` working days (the official calendar's) before
    the last day the office was open; everything falls in office hours and before the demo's
    `now`: an item whose history would run past the last office hour is started a working day
    earlier, until it fits. Counting the office's days, not the calendar's, keeps the same
    spread of recent items after a weekend or a holiday as in mid-week.
    """
    ceiling = clock.last_open_moment(clock.now - timedelta(minutes=5))
    day = clock.working_days_before(timezone.localdate(ceiling), spec.working_days_ago)
    while True:
        rng = random.Random(seed)
        times = [clock.moment(day, time(9, 0)) + timedelta(minutes=rng.randint(0, 240))]
        for step in spec.steps:
            gap = timedelta(hours=step.gap, minutes=rng.randint(3, 40))
            times.append(clock.in_office_hours(times[-1] + gap, rng))
        if times[-1] <= ceiling:
            return times
        day = clock.working_days_before(day, 1)


class _ItemLoader:
    """Plays each item's history through `submissions.actions`, then dates it."""

    def __init__(
        self,
        units: dict[str, Unit],
        users: dict[str, User],
        publications: dict[str, Publication],
        clock: DemoClock,
    ) -> None:
        self.units = units
        self.users = users
        self.publications = publications
        self.clock = clock
        self.started = clock.now  # the actions stamp rows with the clock: not before this
        self.heads = {u.unit_id: u for u in users.values() if u.role == Role.UNIT_HEAD}

    def load(self, spec: DemoItem, seed: int) -> InfoItem:
        unit = self.units[spec.unit]
        officer = unit.officer
        if officer is None:
            raise ValueError(f"{spec.unit} has no officer to write “{spec.title}”")
        editor = self.users[spec.editor or ("bianji1" if seed % 2 else "bianji2")]
        times = plan_times(spec, seed, self.clock)
        occurred_on = None
        if spec.occurred is not None:
            occurred_on = timezone.localdate(times[0]) - timedelta(days=spec.occurred)
        item = do_create_item(officer, self._content(spec, spec.body, occurred_on))
        self._date(item, times[0])
        submitted_at: datetime | None = None
        for step, at in zip(spec.steps, times[1:], strict=True):
            self._apply(spec, step, item, officer, editor, at, occurred_on)
            self._date(item, at)
            if isinstance(step, SignOff) and submitted_at is None:
                submitted_at = at
        InfoItem.objects.filter(pk=item.pk).update(
            created_at=times[0], updated_at=times[-1], submitted_at=submitted_at
        )
        return item

    def _content(
        self, spec: DemoItem, body: Iterable[str], occurred_on: date | None
    ) -> ItemContent:
        return ItemContent(
            title=spec.title,
            body="\n".join(body),
            kind=spec.kind,
            tags=spec.tags,
            joint_units=[self.units[code] for code in spec.joint],
            occurred_on=occurred_on,
        )

    def _apply(
        self,
        spec: DemoItem,
        step: Step,
        item: InfoItem,
        officer: User,
        editor: User,
        at: datetime,
        occurred_on: date | None,
    ) -> None:
        head = self.heads[item.unit_id]
        pk = item.pk
        match step:
            case Submit():
                do_transition(officer, pk, Action.SUBMIT)
            case Withdraw():
                do_transition(officer, pk, Action.WITHDRAW)
            case SignOff():
                do_transition(head, pk, Action.SIGN_OFF)
            case Refuse(reason=reason):
                do_transition(head, pk, Action.REFUSE, reason)
            case Revise(body=body):
                do_revise(officer, pk, self._content(spec, body, occurred_on))
            case Review():
                do_transition(editor, pk, Action.START_REVIEW)
            case Edit(comment=comment, title=title, body=body):
                current = InfoItem.objects.get(pk=pk)
                new_body = "\n".join(body) if body else current.body
                do_edit(editor, pk, title or current.title, new_body, comment)
            case Verify(note=note):
                do_verify(editor, pk, Verification.VERIFIED, note)
            case Dispute(note=note):
                do_verify(editor, pk, Verification.DISPUTED, note)
            case Adopt(publication=code):
                on = timezone.localdate(at)
                note = issue_note(_PUBLICATION_SPECS[code], on)
                do_adopt(editor, pk, self.publications[code], on, note)
            case Return(reason=reason):
                do_transition(editor, pk, Action.RETURN, reason)
            case File(comment=comment):
                do_transition(editor, pk, Action.FILE, comment)
            case _:
                raise TypeError(f"unknown step {step!r}")

    def _date(self, item: InfoItem, at: datetime) -> None:
        """Move what the last step wrote (stamped with the real clock) to its planned time."""
        ItemEvent.objects.filter(item=item, at__gte=self.started).update(at=at)
        ItemRevision.objects.filter(item=item, created_at__gte=self.started).update(created_at=at)
        Adoption.objects.filter(item=item, recorded_at__gte=self.started).update(recorded_at=at)


# --- The logins table -------------------------------------------------------------------------


def _width(text: str) -> int:
    """Columns the text takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(_width(row[i]) for row in (header, *rows)) for i in range(len(header))]
    lines = []
    for row in (header, tuple("-" * w for w in widths), *rows):
        lines.append(
            "  " + "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
        )
    return lines


def format_logins() -> str:
    """The demo accounts as they are in the database now, as two tables for a terminal."""
    wanted = [p.username for p in all_people()]
    users = {u.username: u for u in User.objects.filter(username__in=wanted).select_related("unit")}
    office = [
        (
            u.username,
            ROLE_LABELS.get(u.role, u.role),
            u.unit.display_name if u.unit else "—",
            u.full_name,
        )
        for p in OFFICE_PEOPLE
        if (u := users.get(p.username)) is not None
    ]
    units = []
    for spec in UNITS:
        if not spec.reporting:
            continue
        officer = users.get(f"{spec.abbr}_xxy")
        head = users.get(f"{spec.abbr}_ld")
        if officer is None and head is None:
            continue
        units.append(
            (
                spec.short_name,
                officer.username if officer else "（无信息员）",
                head.username if head else "—",
            )
        )
    if not office and not units:
        return "No demo accounts found."
    lines = [f"Demo logins — every account's password is {DEMO_PASSWORD}", ""]
    lines += ["  Municipal office"]
    lines += _table(("username", "role", "unit", "name"), office)
    lines += ["", "  Reporting units"]
    lines += _table(
        ("unit", f"officer ({ROLE_LABELS[Role.OFFICER]})", f"head ({ROLE_LABELS[Role.UNIT_HEAD]})"),
        units,
    )
    return "\n".join(lines)
