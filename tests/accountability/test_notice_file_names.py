"""The name a notice's .docx is saved under: an issued notice by its number, a draft (which has
no number yet) by its title, marked as a draft — never the blank number 〔2026〕号."""

from django.utils import translation

from accountability import actions_notices as notice_actions
from accountability import export
from tests.accountability.accountability_helpers import DAY, city_notice, confirmed
from tests.clock import YEAR
from tests.download_checks import saved_name as saved_as


def test_a_draft_is_named_by_its_title(client_of, chief, unit_a):
    draft = notice_actions.do_draft_notice(chief, [confirmed(chief, unit_a).pk], today=DAY)
    name = saved_as(client_of(chief).get(f"/accountability/notices/{draft.pk}/docx/"))
    assert name == f"{draft.title}（草稿）.docx"
    assert "〔" not in name and "号" not in name


def test_an_issued_notice_is_named_by_its_number(client_of, chief, unit_a):
    issued = city_notice(chief, [confirmed(chief, unit_a)], on=DAY)
    name = saved_as(client_of(chief).get(f"/accountability/notices/{issued.pk}/docx/"))
    assert name == f"{issued.doc_number}.docx"
    assert f"〔{YEAR}〕1号" in name


@translation.override("zh-hans")
def test_the_file_stem_follows_the_number_not_the_blank():
    draft = export.Layout("办", "江委办通〔2026〕　号", "关于某事的通报", "", (), "", False)
    assert draft.file_stem == "关于某事的通报（草稿）"
    issued = export.Layout("办", "江委办通〔2026〕7号", "关于某事的通报", "", (), "")
    assert issued.file_stem == "江委办通〔2026〕7号"
