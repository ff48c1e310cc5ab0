"""What any form accepts: text that XML can carry (Word's Shift+Enter becomes a newline, other
controls are dropped), every text field with a maximum length, every number and date bounded.
The rules live in xinbao.core.inputs; these tests go through the pages users post to."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from bulletins.models import IssueEntry
from org.models import Unit
from submissions.models import InfoItem, ItemState
from tests.bulletins.bulletin_helpers import draft
from tests.factories import make_item, make_publication
from xinbao.core.inputs import MAX_BODY_LENGTH, MAX_QUERY_LENGTH, CleanInput, parse_id, xml_safe

BODY = "某区今日召开汛期安全生产隐患排查部署会议，要求各单位立即开展拉网式排查。"


def _project_apps() -> list[str]:
    """Every app of this repository in INSTALLED_APPS (not a list kept by hand: the roster,
    insight, federation and API apps came after one and their forms went unchecked)."""
    from django.apps import apps
    from django.conf import settings

    root = str(settings.BASE_DIR)
    venv = str(settings.BASE_DIR / ".venv")
    names = {
        config.name.split(".")[0]  # xinbao.core: the whole xinbao package
        for config in apps.get_app_configs()
        if config.path.startswith(root) and not config.path.startswith(venv)
    }
    return sorted(names)


def test_xml_safe_by_a_separate_definition():
    """Against the XML 1.0 Char production, written out here on its own."""

    def legal(c: str) -> bool:
        n = ord(c)
        return (
            n in (0x9, 0xA, 0xD)
            or 0x20 <= n <= 0xD7FF
            or 0xE000 <= n <= 0xFFFD
            or 0x10000 <= n <= 0x10FFFF
        )

    every = "".join(chr(n) for n in range(0x110000))
    cleaned = xml_safe(every)
    assert all(legal(c) for c in cleaned)
    assert cleaned == "".join(
        "\n" if c in "\x0b\x0c" else c for c in every if legal(c) or c in "\x0b\x0c"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12", 12), ("①", None), ("²", None), ("٣", None), (" 1", None), ("1" * 19, None), ("", None)],
)
def test_an_id_is_ascii_digits_only(raw, expected):
    assert parse_id(raw) == expected


def test_an_item_pasted_from_word_is_stored_clean(client_of, officer_a):
    body = "第一行\x0b第二行\x1b，退格\x08之后。\uffff" + BODY
    response = client_of(officer_a).post(
        reverse("submissions:create"),
        {"title": "某区\x07汛期部署", "kind": "news", "body": body, "tags": "防汛"},
    )
    assert response.status_code == 302
    item = InfoItem.objects.get()
    assert item.title == "某区汛期部署"
    assert item.body == "第一行\n第二行，退格之后。" + BODY


def test_the_editors_edit_form_cleans_and_caps_the_body(client_of, officer_a, editor):
    item = make_item(officer_a, ItemState.SUBMITTED)
    url = reverse("submissions:edit", args=[item.pk])
    too_long = client_of(editor).post(url, {"title": "精编", "body": "字" * (MAX_BODY_LENGTH + 1)})
    assert too_long.status_code == 200
    assert "20000" in too_long.content.decode()
    item.refresh_from_db()
    assert item.revision_count == 1
    client_of(editor).post(url, {"title": "精编", "body": "精编\x0b正文\x1b。"})
    item.refresh_from_db()
    assert (item.body, item.revision_count) == ("精编\n正文。", 2)


def test_a_bulletin_entry_edit_is_cleaned_too(client_of, editor, officer_a, head_a):
    publication = make_publication("city", code="daily", name="每日要情", compiled_here=True)
    item = make_item(officer_a, ItemState.SUBMITTED, head=head_a)
    issue = draft(editor, publication, [item], timezone.localdate())
    entry = IssueEntry.objects.get(issue=issue)
    url = reverse("bulletins:edit_entry", args=[entry.pk])
    client_of(editor).post(url, {"title": "标题\x1b", "body": "一\x0b二", "credit": "甲区"})
    entry.refresh_from_db()
    assert (entry.title, entry.body) == ("标题", "一\n二")
    long = client_of(editor).post(url, {"title": "标题", "body": "字" * (MAX_BODY_LENGTH + 1)})
    assert long.status_code == 200
    entry.refresh_from_db()
    assert entry.body == "一\n二"


def test_the_admin_cleans_what_it_saves(client_of, system_admin, unit_a):
    url = reverse("admin:org_unit_change", args=[unit_a.pk])
    page = client_of(system_admin).get(url)
    assert page.status_code == 200
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data.update(name="甲区\x1b委办公室", sort_order="3000000000")
    response = client_of(system_admin).post(url, data)
    assert response.status_code == 200  # the number is refused
    assert "2147483647" in response.content.decode()
    data["sort_order"] = "5"
    response = client_of(system_admin).post(url, data)
    assert response.status_code == 302
    assert Unit.objects.get(pk=unit_a.pk).name == "甲区委办公室"


def _project_forms() -> list[type[forms.BaseForm]]:
    found: dict[str, type[forms.BaseForm]] = {}
    for app in _project_apps():
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, app + "."):
            if any(part in info.name for part in (".migrations", ".management", "gunicorn")):
                continue
            module = importlib.import_module(info.name)
            for obj in vars(module).values():
                if (
                    inspect.isclass(obj)
                    and issubclass(obj, forms.BaseForm)
                    and obj.__module__ == module.__name__
                ):
                    found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return list(found.values())


def test_every_form_cleans_its_input_and_states_its_limits():
    """A new form that forgets the rules fails here, with its name."""
    project_forms = _project_forms()
    assert len(project_forms) > 40
    problems = []
    for form in project_forms:
        if issubclass(form, AuthenticationForm):
            continue  # logging in writes nothing; the password is taken as typed
        if not issubclass(form, CleanInput):
            problems.append(f"{form.__name__}: not built on xinbao.core.inputs")
        for name, field in form.base_fields.items():
            if isinstance(field.widget, forms.PasswordInput):
                continue  # compared, never shown or exported; Django's validators bound it
            if isinstance(field, forms.CharField) and field.max_length is None:
                problems.append(f"{form.__name__}.{name}: no max_length")
            if isinstance(field, forms.DecimalField) and field.max_digits is None:
                problems.append(f"{form.__name__}.{name}: no max_digits")
    assert problems == []


@pytest.mark.parametrize(
    "content",
    [
        "情况说明".encode() * 1000 + "（续）".encode("gbk"),  # GBK after the first 2 KB
        "情况说明".encode() * 1000 + b"\xe6\x83",  # a character cut off at the very end
    ],
    ids=["gbk-tail", "truncated-tail"],
)
def test_a_text_attachment_must_be_utf8_to_its_end(client_of, officer_a, content):
    note = SimpleUploadedFile("说明.txt", content, content_type="text/plain")
    response = client_of(officer_a).post(
        reverse("submissions:create"),
        {"title": "某区汛期部署", "kind": "news", "body": BODY, "attachments": [note]},
    )
    assert response.status_code == 200
    assert "不是 UTF-8 编码的文本" in response.content.decode()
    assert not InfoItem.objects.exists()


def test_a_long_utf8_text_attachment_is_accepted(client_of, officer_a):
    # 3-byte characters straddle every read boundary somewhere in 100 KB.
    note = SimpleUploadedFile("说明.txt", "情况说明。".encode() * 7000, content_type="text/plain")
    client_of(officer_a).post(
        reverse("submissions:create"),
        {"title": "某区汛期部署", "kind": "news", "body": BODY, "attachments": [note]},
    )
    assert InfoItem.objects.get().attachments.get().original_name == "说明.txt"


@pytest.mark.parametrize(
    "url",
    ["/items/", "/bulletins/instructions/"],
)
def test_a_list_filter_longer_than_a_search_says_so(client_of, editor, officer_a, url):
    make_item(officer_a, ItemState.SUBMITTED, title="城南区突发火灾")
    page = client_of(editor).get(url, {"q": "火" * (MAX_QUERY_LENGTH + 1)})
    assert page.status_code == 200
    assert f"搜索内容过长（最多 {MAX_QUERY_LENGTH} 个字）" in page.content.decode()
    assert client_of(editor).get(url, {"q": "火\x00灾\x0b"}).status_code == 200


@pytest.mark.parametrize(
    ("model", "field", "too_big"),
    [
        ("scoring.UnitClass", "monthly_quota", 32_768),  # a PostgreSQL smallint holds 32767
        ("scoring.AwardTier", "places", 32_768),
        ("insight.InsightPolicy", "silent_days", 32_768),
        ("accountability.EligibilityRule", "municipal_notices", 32_768),
        ("bulletins.EditorialPolicy", "feedback_days", 32_768),
        ("bulletins.IssueCounter", "last_number", 2_147_483_648),  # an integer: 2147483647
        ("org.Unit", "sort_order", 2_147_483_648),
        ("roster.RosterPolicy", "turnover_threshold", 13),  # more than monthly flags nothing
        ("emergencies.IncidentReport", "missing", 2_147_483_648),
    ],
)
def test_the_models_hold_what_a_postgresql_column_holds_on_every_database(model, field, too_big):
    """Admin and every model form validate through these, on SQLite as on PostgreSQL."""
    from django.apps import apps
    from django.core.exceptions import ValidationError

    model_field = apps.get_model(model)._meta.get_field(field)
    model_field.run_validators(too_big - 1)
    with pytest.raises(ValidationError):
        model_field.run_validators(too_big)


@pytest.mark.parametrize(
    ("model", "field"),
    [
        ("submissions.InfoItem", "occurred_on"),
        ("bulletins.Adoption", "adopted_on"),
        ("bulletins.Issue", "issue_date"),
        ("accountability.Violation", "occurred_on"),
        ("org.OfficialDay", "date"),
        ("scoring.ClassAssignment", "quota_from"),
    ],
)
def test_model_dates_lie_between_1949_and_ten_years_ahead(model, field):
    from datetime import date

    from django.apps import apps
    from django.core.exceptions import ValidationError

    model_field = apps.get_model(model)._meta.get_field(field)
    today = timezone.localdate()
    model_field.run_validators(date(1949, 10, 1))
    model_field.run_validators(date(today.year + 9, 1, 1))
    for bad in (date(1949, 9, 30), date(1, 1, 1), date(today.year + 11, 1, 1)):
        with pytest.raises(ValidationError):
            model_field.run_validators(bad)
