"""A generated corpus of Chinese documents from a real vocabulary of government information
work, with Latin words and numbers (some full-width) mixed in."""

import random
from datetime import timedelta

from django.utils import timezone

from org.models import User
from submissions.models import InfoItem, ItemKind, ItemState

WORDS = [
    "火灾",
    "停电",
    "信访",
    "防汛",
    "抗旱",
    "安全生产",
    "隐患排查",
    "应急管理",
    "交通事故",
    "森林防火",
    "疫情防控",
    "食品安全",
    "环境保护",
    "乡村振兴",
    "城市管理",
    "棚户区改造",
    "农民工工资",
    "群众来信",
    "矛盾纠纷",
    "社会稳定",
    "经济运行",
    "招商引资",
    "项目建设",
    "固定资产投资",
    "财政收入",
    "居民收入",
    "就业形势",
    "高校毕业生",
    "义务教育",
    "医疗卫生",
    "养老服务",
    "社区治理",
    "网格化管理",
    "基层党建",
    "作风建设",
    "督查检查",
    "信息报送",
    "值班值守",
    "突发事件",
    "暴雨",
    "台风",
    "地震",
    "山体滑坡",
    "泥石流",
    "水库",
    "堤防",
    "河道",
    "供水",
    "供电",
    "燃气",
    "管道",
    "泄漏",
    "爆炸",
    "坍塌",
    "化工园区",
    "危险化学品",
    "消防救援",
    "人员伤亡",
    "直接经济损失",
    "转移安置",
    "抢险救灾",
    "气象预警",
    "市委办公室",
    "区委办公室",
    "县委办公室",
    "市政府",
    "街道办事处",
    "村委会",
    "居委会",
    "派出所",
    "卫生院",
    "城南区",
    "城北区",
    "东湖区",
    "西江区",
    "青山县",
    "临河县",
    "云台县",
    "江城市",
    "柳湾乡",
    "金桥",
    "召开",
    "部署",
    "落实",
    "开展",
    "推进",
    "加强",
    "完善",
    "建立",
    "健全",
    "排查",
    "整治",
    "处置",
    "报告",
    "核实",
    "通报",
    "批评",
    "会议",
    "工作",
    "要求",
    "情况",
    "问题",
    "措施",
    "建议",
    "经验",
    "做法",
    "成效",
    "进展",
    "目标",
    "任务",
    "责任",
    "制度",
]
LATIN = (
    "GDP",
    "PM2.5",
    "5G",
    "APP",
    "12345",
    "110",
    "COVID-19",
    "Ｇ２０",
    "ＡＰＰ",
    "２０１９年",  # a past year in full-width digits (data, not the current year)
    "iPhone",
)
PUNCT = ("，", "。", "、", "；", "：", "（", "）", "“", "”")


def sentence(rnd: random.Random, words: int) -> str:
    parts = []
    for _ in range(words):
        r = rnd.random()
        if r < 0.05:
            parts.append(rnd.choice(LATIN))
        elif r < 0.2:
            parts.append(rnd.choice(PUNCT))
        else:
            parts.append(rnd.choice(WORDS))
    return "".join(parts)


def make_corpus(officers: list[User], n: int = 240, seed: int = 11) -> list[InfoItem]:
    """`n` items spread over the officers' units, submitted and filed or adopted, written with
    `bulk_create` (the path that bypasses model signals: the index still sees them)."""
    rnd = random.Random(seed)
    now = timezone.now()
    items = []
    for i in range(n):
        officer = officers[i % len(officers)]
        items.append(
            InfoItem(
                unit=officer.unit,
                author=officer,
                kind=rnd.choice(ItemKind.values),
                state=ItemState.ADOPTED if i % 4 == 0 else ItemState.FILED,
                title=sentence(rnd, rnd.randint(3, 7)),
                body="\n".join(sentence(rnd, rnd.randint(8, 25)) for _ in range(rnd.randint(1, 4))),
                submitted_at=now - timedelta(hours=i * 7 + rnd.randint(0, 5)),
                revision_count=1,
            )
        )
    return InfoItem.objects.bulk_create(items)


def sample_terms(items: list[InfoItem], length: int, count: int, seed: int = 3) -> list[str]:
    """Substrings of the documents' own text (so most match), plus a few that occur nowhere."""
    rnd = random.Random(seed + length)
    out = []
    for _ in range(count):
        item = rnd.choice(items)
        text = item.body.replace("\n", "")
        start = rnd.randrange(max(1, len(text) - length))
        piece = text[start : start + length].strip()
        if piece:
            out.append(piece)
    return [*out, "龘" * length, "zzqx"[:length]]
