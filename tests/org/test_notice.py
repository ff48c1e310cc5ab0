"""The State Council's holiday notice read into dates: real notices, expected days by hand."""

from datetime import date

import pytest
from django.utils import translation

from org.calendar import HOLIDAY, WORKDAY
from org.notice import missing_festivals, parse_csv, parse_notice


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


# 国办发明电〔2025〕7号, as published on 4 November 2025 (full-width punctuation, 周 weekdays,
# 农历 in brackets).
NOTICE_2026 = """国务院办公厅关于2026年部分节假日安排的通知
国办发明电〔2025〕7号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院批准，现将2026年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
鼓励单位和个人结合落实带薪年休假等制度，实际形成较长假期，推动错峰出行。节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。
国务院办公厅
2025年11月4日
"""

# 国办发明电〔2024〕12号: 元旦 a single Wednesday, 春节 across January and February, 中秋 and
# 国庆 merged into one line (in the order 国庆节、中秋节).
NOTICE_2025 = """国务院办公厅关于2025年部分节假日安排的通知
国办发明电〔2024〕12号
一、元旦：1月1日（周三）放假1天，不调休。
二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
三、清明节：4月4日（周五）至6日（周日）放假，共3天。
四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
国务院办公厅
2024年11月12日
"""

# 国办发明电〔2023〕7号: 星期 weekdays, "与周末连休", and advice to rest on 除夕 (not a holiday).
NOTICE_2024 = """一、元旦：1月1日放假，与周末连休。
二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）、2月18日（星期日）上班。鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。
三、清明节：4月4日至6日放假调休，共3天。4月7日（星期日）上班。
四、劳动节：5月1日至5日放假调休，共5天。4月28日（星期日）、5月11日（星期六）上班。
五、端午节：6月10日放假，与周末连休。
六、中秋节：9月15日至17日放假调休，共3天。9月14日（星期六）上班。
七、国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。
"""

# The 2023 notice (published 8 December 2022): 元旦 begins in the year before; "中秋节、国庆节"
# from September into October.
NOTICE_2023 = """一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。
二、春节：1月21日至27日放假调休，共7天。1月28日（星期六）、1月29日（星期日）上班。
三、清明节：4月5日放假，共1天。
四、劳动节：4月29日至5月3日放假调休，共5天。4月23日（星期日）、5月6日（星期六）上班。
五、端午节：6月22日至24日放假调休，共3天。6月25日（星期日）上班。
六、中秋节、国庆节：9月29日至10月6日放假调休，共8天。10月7日（星期六）、10月8日（星期日）上班。
"""


def span(y: int, m1: int, d1: int, m2: int, d2: int) -> set[date]:
    start, end = date(y, m1, d1), date(y, m2, d2)
    return {date.fromordinal(n) for n in range(start.toordinal(), end.toordinal() + 1)}


def kinds(parsed, kind):
    return {d.date for d in parsed.days if d.kind == kind}


@pytest.mark.parametrize(
    ("text", "year", "holidays", "workdays", "number", "issued_on"),
    [
        (
            NOTICE_2026,
            None,
            span(2026, 1, 1, 1, 3)
            | span(2026, 2, 15, 2, 23)
            | span(2026, 4, 4, 4, 6)
            | span(2026, 5, 1, 5, 5)
            | span(2026, 6, 19, 6, 21)
            | span(2026, 9, 25, 9, 27)
            | span(2026, 10, 1, 10, 7),
            {
                date(2026, 1, 4),
                date(2026, 2, 14),
                date(2026, 2, 28),
                date(2026, 5, 9),
                date(2026, 9, 20),
                date(2026, 10, 10),
            },
            "国办发明电〔2025〕7号",
            date(2025, 11, 4),
        ),
        (
            NOTICE_2025,
            None,
            {date(2025, 1, 1)}
            | span(2025, 1, 28, 2, 4)
            | span(2025, 4, 4, 4, 6)
            | span(2025, 5, 1, 5, 5)
            | span(2025, 5, 31, 6, 2)
            | span(2025, 10, 1, 10, 8),
            {
                date(2025, 1, 26),
                date(2025, 2, 8),
                date(2025, 4, 27),
                date(2025, 9, 28),
                date(2025, 10, 11),
            },
            "国办发明电〔2024〕12号",
            date(2024, 11, 12),
        ),
        (
            NOTICE_2024,
            2024,
            {date(2024, 1, 1), date(2024, 6, 10)}
            | span(2024, 2, 10, 2, 17)
            | span(2024, 4, 4, 4, 6)
            | span(2024, 5, 1, 5, 5)
            | span(2024, 9, 15, 9, 17)
            | span(2024, 10, 1, 10, 7),
            {
                date(2024, 2, 4),
                date(2024, 2, 18),
                date(2024, 4, 7),
                date(2024, 4, 28),
                date(2024, 5, 11),
                date(2024, 9, 14),
                date(2024, 9, 29),
                date(2024, 10, 12),
            },
            "",
            None,
        ),
        (
            NOTICE_2023,
            2023,
            span(2022, 12, 31, 12, 31)
            | span(2023, 1, 1, 1, 2)
            | span(2023, 1, 21, 1, 27)
            | {date(2023, 4, 5)}
            | span(2023, 4, 29, 5, 3)
            | span(2023, 6, 22, 6, 24)
            | span(2023, 9, 29, 10, 6),
            {
                date(2023, 1, 28),
                date(2023, 1, 29),
                date(2023, 4, 23),
                date(2023, 5, 6),
                date(2023, 6, 25),
                date(2023, 10, 7),
                date(2023, 10, 8),
            },
            "",
            None,
        ),
    ],
)
def test_real_notices_are_read_day_by_day(text, year, holidays, workdays, number, issued_on):
    parsed = parse_notice(text, year)
    assert parsed.problems == ()
    assert kinds(parsed, HOLIDAY) == holidays
    assert kinds(parsed, WORKDAY) == workdays
    assert (parsed.number, parsed.issued_on) == (number, issued_on)
    assert missing_festivals(d.name for d in parsed.days) == []


def test_each_day_carries_its_holiday_and_merged_ones_both_names():
    parsed = {d.date: d.name for d in parse_notice(NOTICE_2025).days}
    assert parsed[date(2025, 2, 8)] == "春节"
    assert parsed[date(2025, 10, 5)] == "中秋节、国庆节"
    assert parse_notice(NOTICE_2025).year == 2025


def test_the_eve_the_notice_only_advises_resting_on_is_no_holiday():
    parsed = {d.date for d in parse_notice(NOTICE_2024, 2024).days}
    assert date(2024, 2, 9) not in parsed


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("一、元旦：1月1日（周五）至3日（周日）放假调休，共3天。", "周四"),  # 2026-01-01: Thu
        ("一、元旦：1月1日至3日放假调休，共4天。", "4"),
        ("一、元旦：1月3日至1日放假调休，共3天。", "之前"),
        ("一、元旦：2月30日放假。", "不是日期"),
        ("一、元旦：1月5日（周一）上班。", "工作日"),
        ("八、植树节：3月12日放假。", "植树节"),
        ("一、元旦：元旦当天放假。", "元旦"),
        ("随便写点什么", "一、元旦"),
    ],
)
def test_what_cannot_be_read_is_said_in_chinese(text, says):
    parsed = parse_notice(text, 2026)
    assert parsed.problems, parsed
    assert not parsed.ok
    assert says in " ".join(parsed.problems)


def test_the_year_is_needed_when_the_title_is_not_pasted():
    assert parse_notice("一、元旦：1月1日放假。").problems


def test_missing_festivals_are_named_in_the_notices_order():
    assert missing_festivals(["元旦", "春节", "中秋节、国庆节"]) == ["清明节", "劳动节", "端午节"]
    assert missing_festivals(["National Day", "Spring Festival"])[:2] == ["元旦", "清明节"]


def test_a_csv_is_read_with_or_without_its_header():
    text = "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,上班,春节\n\n2027-02-07,放假,春节\n"
    parsed = parse_csv(text)
    assert parsed.problems == ()
    assert [(d.date, d.kind, d.name) for d in parsed.days] == [
        (date(2027, 1, 1), HOLIDAY, "元旦"),
        (date(2027, 2, 6), WORKDAY, "春节"),
        (date(2027, 2, 7), HOLIDAY, "春节"),
    ]
    assert parsed.year == 2027
    assert parse_csv("\ufeff2027-01-01,holiday,元旦").days[0].date == date(2027, 1, 1)


@pytest.mark.parametrize(
    "text",
    [
        "2027-13-01,holiday,元旦",
        "2027-01-01,vacation,元旦",
        "2027-01-01,holiday",
        "2027-01-04,workday,元旦",  # a Monday
        "2027-01-01,holiday,元旦\n2027-01-01,holiday,元旦",
        "",
    ],
)
def test_bad_csv_rows_are_reported(text):
    assert parse_csv(text).problems
