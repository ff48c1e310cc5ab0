"""Every action code the application writes has a Chinese label, found by reading the source
(tests/audit/source_codes.py) rather than from the mapping under test."""

from django.contrib import admin
from django.utils import translation

from audit.labels import ACTIONS, DETAIL_KEYS, details
from org.admin import AuditedAdmin
from submissions.models import EventKind
from tests.audit.source_codes import codes


def every_code() -> set[str]:
    found, dynamic = codes()
    # The two codes built at run time, expanded from what they are built of:
    # submissions writes item_<event kind> for each step of an item ...
    assert all(place.startswith("submissions/actions.py:") for place in dynamic), dynamic
    found |= {f"item_{kind}" for kind in EventKind.values}
    # ... and every audited admin page writes <model>_created and <model>_changed.
    audited = [m for m, a in admin.site._registry.items() if isinstance(a, AuditedAdmin)]
    found |= {f"{m._meta.model_name}_{s}" for m in audited for s in ("created", "changed")}
    return found


def test_the_source_scan_finds_codes_of_every_shape():
    found = every_code()
    # A literal, a conditional, a relayed parameter, a dataclass field, an f-string, the admin.
    for code in (
        "incident_opened",
        "violation_waived",
        "unit_class_changed",
        "items_merged",
        "item_signed_off",
        "user_changed",
    ):
        assert code in found


def test_every_action_code_in_the_source_has_a_label():
    assert sorted(every_code() - set(ACTIONS)) == []


def test_every_label_reads_in_chinese():
    with translation.override("zh-hans"):
        untranslated = [
            code
            for code, label in {**ACTIONS, **DETAIL_KEYS}.items()
            if not any("\u4e00" <= ch <= "\u9fff" for ch in str(label))
        ]
    assert untranslated == []


def test_details_read_as_translated_keys_and_plain_values():
    with translation.override("zh-hans"):
        shown = details({"ip": "10.0.0.1", "fields": ["title", "body"], "late": True, "x": None})
    assert shown == [
        ("IP 地址", "10.0.0.1"),
        ("修改的字段", "title、body"),
        ("迟报", "是"),
        ("x", "—"),
    ]


def test_states_and_kinds_in_details_read_as_their_labels():
    from bulletins.models import IssueState
    from submissions.models import ItemState

    step = {"from": "awaiting_signoff", "to": "submitted", "unit": "submitted"}
    with translation.override("zh-hans"):
        item = dict(details(step, "item_signed_off"))
        issue = dict(details(step, "issue_returned"))
        assert item["原状态"] == str(ItemState.AWAITING_SIGNOFF.label) == "待审签"
        assert item["新状态"] == str(ItemState.SUBMITTED.label)
        # the same code names another state of another document
        assert issue["原状态"] == str(IssueState.AWAITING_SIGNOFF.label) != item["原状态"]
        # a value under a key that holds no code is shown as written, even if it looks like one
        assert item["单位"] == "submitted"
        # an action no app registered a vocabulary for shows its codes as written
        assert dict(details(step, "login"))["原状态"] == "awaiting_signoff"
