"""Downloads, clicked in Chromium: the section chief exports the year's ranking and its annual
evaluation from the ranking page, and the browser saves them under their Chinese names (read
from the header's `filename*`); the files name the office as their author."""

from io import BytesIO
from typing import Any

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from org.models import User
from tests.browser.login import sign_in
from tests.download_checks import made_during_test

pytestmark = pytest.mark.browser

PASSWORD = "Xinbao-browser-Pw7!"


def log_in(page: Page, user: User) -> None:
    user.full_name = "刘建国"
    user.set_password(PASSWORD)
    user.save()
    sign_in(page, user, PASSWORD)
    expect(page.get_by_role("heading", name="刘建国，您好")).to_be_visible()


def test_the_ranking_and_evaluation_download_under_chinese_names(
    page: Page, chief: User, section: Any
) -> None:
    office = section.parent
    office.name = "中共江城市委办公室"
    office.save(update_fields=["name"])
    year = timezone.localdate().year
    log_in(page, chief)
    page.goto(f"/scoring/?year={year}")

    with page.expect_download() as ranking:
        page.get_by_role("link", name="导出 Excel 文件").click()
    assert ranking.value.suggested_filename == f"{year}年度信息工作排名.xlsx"
    book = load_workbook(BytesIO(ranking.value.path().read_bytes()))
    assert book.properties.creator == "中共江城市委办公室"

    with page.expect_download() as evaluation:
        page.get_by_role("link", name="年度考核评比情况（Word 文件）").click()
    assert evaluation.value.suggested_filename == f"{year}年度信息工作考核评比情况.docx"
    document = Document(BytesIO(evaluation.value.path().read_bytes()))
    assert document.core_properties.author == "中共江城市委办公室"
    made_during_test(document.core_properties.created)
