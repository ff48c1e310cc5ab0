"""A criticism notice downloads under its document number, 江委办通〔2026〕3号.docx; a draft,
which has no number yet, under its title marked （草稿）. The file names the issuing office as
its author and now as its time."""

import pytest

from accountability import actions
from accountability import actions_notices as notice_actions
from tests.accountability.accountability_helpers import DAY, city_notice, confirmed
from tests.accountability.accountability_helpers import province_notice as recorded
from tests.clock import YEAR
from tests.download_checks import docx_properties, saved_name

pytestmark = pytest.mark.django_db

OFFICE = "中共江城市委办公室"


@pytest.fixture
def policy(chief, section):
    # The issuing authority is the office's name in the unit directory.
    section.parent.name = OFFICE
    section.parent.save(update_fields=["name"])
    actions.do_update_notice_policy(
        chief,
        {
            "doc_prefix": "江委办通",
            "recipients": "各区、县委办公室，市直各单位",
        },
    )


def test_an_issued_notice_is_named_after_its_number(client_of, officer_a, chief, unit_a, policy):
    for _n in range(2):
        city_notice(chief, [confirmed(chief, unit_a)])
    third = city_notice(chief, [confirmed(chief, unit_a)], on=DAY)
    response = client_of(officer_a).get(f"/accountability/notices/{third.pk}/docx/")
    assert response.status_code == 200
    assert saved_name(response) == f"江委办通〔{YEAR}〕3号.docx"
    assert f'filename="notice-city-{YEAR}-3.docx"' in response["Content-Disposition"]
    docx_properties(response.content, OFFICE, third.title)


def test_a_draft_is_named_after_its_title(client_of, chief, unit_a, policy):
    draft = notice_actions.do_draft_notice(chief, [confirmed(chief, unit_a).pk], today=DAY)
    draft.title = "关于甲区委办公室迟报/漏报紧急信息的通报"  # a slash no file name may carry
    draft.save(update_fields=["title"])
    response = client_of(chief).get(f"/accountability/notices/{draft.pk}/docx/")
    assert response.status_code == 200
    assert saved_name(response) == "关于甲区委办公室迟报漏报紧急信息的通报（草稿）.docx"
    assert (
        f'filename="notice-city-{YEAR}-{draft.pk}-draft.docx"' in (response["Content-Disposition"])
    )
    docx_properties(response.content, OFFICE, draft.title)


def test_a_provincial_notice_is_named_after_its_own_number(client_of, chief, unit_a):
    notice = recorded(chief, [confirmed(chief, unit_a)], number=f"省委办通〔{YEAR}〕5号")
    response = client_of(chief).get(f"/accountability/notices/{notice.pk}/docx/")
    assert response.status_code == 200
    assert saved_name(response) == f"省委办通〔{YEAR}〕5号.docx"
    docx_properties(response.content, notice.issuing_office, notice.title)
