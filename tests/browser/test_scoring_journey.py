"""The annual evaluation, clicked through: the section chief reads the ranking of a class and
its awards, previews a change of the point table on the year, sees the two units swap places
and awards, applies it, and the ranking follows; the unit's officer then opens its scorecard on
a phone — its chart drawn by the vendored ECharts — and cannot open another unit's.

Selectors lean on names, values and data attributes rather than the wording of buttons that
are still being translated."""

from datetime import datetime, time, timedelta
from importlib import import_module
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from org.models import User
from scoring.actions import rebuild
from scoring.models import ScoreEntry, ScoreRule, UnitClass
from tests.browser.login import expect_logged_in, sign_in
from tests.scoring.scoring_helpers import adopted, assign

pytestmark = pytest.mark.browser

PASSWORD = "Xinbao-browser-Pw7!"


@pytest.fixture
def point_table(transactional_db: Any) -> None:
    """The seeded point table and classes (live-server tests flush the seeded rows)."""
    from django.apps import apps

    import_module("scoring.migrations.0002_seed_rules").seed(apps, None)
    import_module("scoring.migrations.0004_seed_penalties_classes_awards").seed(apps, None)


def _persona(user: User, full_name: str) -> User:
    user.full_name = full_name
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(page: Page, user: User) -> None:
    sign_in(page, user, PASSWORD)
    expect_logged_in(page, user)


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录信报")).to_be_visible()


def test_the_chief_previews_and_applies_a_rule_change(
    new_page: Any,
    point_table: None,
    chief: User,
    officer_a: User,
    officer_b: User,
    unit_a: Any,
    unit_b: Any,
    city_daily: Any,
    province_bulletin: Any,
) -> None:
    chief = _persona(chief, "刘建国")
    officer_a = _persona(officer_a, "王芳")
    today = timezone.localdate()
    first_class = UnitClass.objects.get(name="一类")
    assign(unit_a, "一类", today.replace(day=1), quota=0)
    assign(unit_b, "一类", today.replace(day=1))
    morning = datetime.combine(today, time(9, 0), tzinfo=timezone.get_current_timezone())
    for n in range(5):  # 甲: five items in the city's daily, 5 × 4 points
        adopted(officer_a, city_daily, morning - timedelta(minutes=n))
    # 乙: one provincial adoption of a forwarded item, 20 × 2 points
    adopted(officer_b, province_bulletin, morning)
    rebuild(today.year)

    page = new_page(viewport={"width": 1280, "height": 900})
    log_in(page, chief)
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="排名").click()
    ranking = page.locator("section.rank-class").filter(has_text=first_class.name)
    row_a = ranking.locator(f'tr[data-unit="{unit_a.pk}"]')
    row_b = ranking.locator(f'tr[data-unit="{unit_b.pk}"]')
    expect(row_b.locator(".tag.award")).to_have_text("一等奖")
    expect(row_a.locator(".tag.award")).to_have_text("二等奖")

    # The point table: raise the city's daily to 10 points and preview the year.
    page.goto(f"/scoring/rules/?year={today.year}")
    rule = ScoreRule.objects.get(code="adoption-city")
    page.locator(f'input[name="r{rule.pk}-points"]').fill("10")
    page.locator('button[name="action"][value="preview"]').click()
    preview = page.locator("#preview")
    expect(preview).to_be_visible()
    moved = preview.locator(f'tr[data-unit="{unit_a.pk}"]')
    expect(moved).to_contain_text("20.00 → 50.00")
    expect(moved).to_contain_text("二等奖 → 一等奖")
    # Nothing is saved by a preview.
    assert ScoreRule.objects.get(code="adoption-city").points == 4
    assert sum(e.points for e in ScoreEntry.objects.filter(unit=unit_a)) == 20

    page.locator('button[name="action"][value="apply"]').click()
    expect(page.get_by_role("status")).to_be_visible()
    ranking = page.locator("section.rank-class").filter(has_text=first_class.name)
    expect(ranking.locator(f'tr[data-unit="{unit_a.pk}"] .tag.award')).to_have_text("一等奖")
    expect(ranking.locator(f'tr[data-unit="{unit_b.pk}"] .tag.award')).to_have_text("二等奖")
    assert ScoreRule.objects.get(code="adoption-city").points == 10
    log_out(page)

    # The officer of 甲 reads the unit's scorecard on a phone, chart included.
    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    log_in(phone, officer_a)
    phone.goto(f"/scoring/units/{unit_a.pk}/")
    expect(phone.get_by_role("heading", level=1)).to_have_text(unit_a.name)
    expect(phone.locator("#points-chart canvas")).to_be_visible()
    expect(phone.locator("dl.scorefacts")).to_contain_text("50.00")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, "the scorecard must fit a phone's width"
    response = phone.goto(f"/scoring/units/{unit_b.pk}/")
    assert response is not None and response.status == 404
