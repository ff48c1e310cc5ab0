"""The pure rules: no database, no request. Expected answers are written out as tables."""

from dataclasses import replace

import pytest

from audit.chain import GENESIS, EntryFacts, entry_mac, first_break
from org.roles import CAPABILITIES, Capability, Role, has_capability
from submissions import diff, uploads
from submissions.actions import normalise_body, parse_tags
from submissions.models import ItemState as S
from submissions.rules import (
    Action,
    Actor,
    ItemFacts,
    allowed,
    allowed_actions,
    can_view,
    next_state,
)
from tests.clock import YEAR

A, B, SECTION = 1, 2, 9

# The information section's roles: they screen what has left the units.
REVIEWERS = (Role.EDITOR, Role.CHIEF, Role.SECRETARY_GENERAL)
SECTION_ROLES = (*REVIEWERS, Role.DUTY_OFFICER)

# Item situations: (state, ever_submitted). "refused" is `returned` by the unit head, before the
# item ever left the unit; "returned" is `returned` by an editor.
SITUATIONS = {
    "draft": (S.DRAFT, False),
    "awaiting_signoff": (S.AWAITING_SIGNOFF, False),
    "submitted": (S.SUBMITTED, True),
    "under_review": (S.UNDER_REVIEW, True),
    "refused": (S.RETURNED, False),
    "returned": (S.RETURNED, True),
    "adopted": (S.ADOPTED, True),
    "filed": (S.FILED, True),
}
ALL = frozenset(SITUATIONS)
LEFT_THE_UNIT = frozenset({"submitted", "under_review", "returned", "adopted", "filed"})
NONE: frozenset[str] = frozenset()

# How the actor stands to the item: its lead unit, a joint unit, an unrelated unit.
RELATIONS = ("own", "joint", "other")

VISIBLE: dict[tuple[str, str], frozenset[str]] = {
    (Role.OFFICER, "own"): ALL,
    (Role.OFFICER, "joint"): ALL - {"draft"},
    (Role.OFFICER, "other"): NONE,
    (Role.UNIT_HEAD, "own"): ALL - {"draft"},
    (Role.UNIT_HEAD, "joint"): ALL - {"draft"},
    (Role.UNIT_HEAD, "other"): NONE,
    **{(r, rel): LEFT_THE_UNIT for r in SECTION_ROLES for rel in RELATIONS},
    **{(Role.LEADER, rel): frozenset({"adopted"}) for rel in RELATIONS},
    **{
        (r, rel): NONE
        for r in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
        for rel in RELATIONS
    },
}

_REVIEW = {
    "submitted": {"start_review", "edit", "verify", "adopt", "return", "file"},
    "under_review": {"edit", "verify", "adopt", "return", "file"},
    "adopted": {"verify", "adopt"},
    "filed": {"verify"},
}
# Actions per (role, relation, situation); anything not listed is empty.
ALLOWED: dict[tuple[str, str, str], set[str]] = {
    (Role.OFFICER, "own", "draft"): {"revise", "submit", "attach"},
    (Role.OFFICER, "own", "awaiting_signoff"): {"withdraw"},
    (Role.OFFICER, "own", "refused"): {"revise", "submit", "attach"},
    (Role.OFFICER, "own", "returned"): {"revise", "submit", "attach"},
    (Role.UNIT_HEAD, "own", "awaiting_signoff"): {"sign_off", "refuse"},
    **{
        (r, rel, sit): actions
        for r in REVIEWERS
        for rel in RELATIONS
        for sit, actions in _REVIEW.items()
    },
}

ROLES = list(Role)


def actor(role: str, relation: str, active: bool = True) -> Actor:
    unit: int | None = {"own": A, "joint": B, "other": B}[relation]
    if role not in (Role.OFFICER, Role.UNIT_HEAD):
        unit = SECTION if role in SECTION_ROLES else None
    return Actor(role=role, unit_id=unit, active=active)


def item(situation: str, relation: str) -> ItemFacts:
    state, submitted = SITUATIONS[situation]
    joint = frozenset({B}) if relation == "joint" else frozenset()
    return ItemFacts(state=state, unit_id=A, joint_unit_ids=joint, ever_submitted=submitted)


MATRIX = [(r, rel, sit) for r in ROLES for rel in RELATIONS for sit in SITUATIONS]


@pytest.mark.parametrize(("role", "relation", "situation"), MATRIX)
def test_can_view_follows_the_visibility_table(role, relation, situation):
    expected = situation in VISIBLE[(role, relation)]
    assert can_view(actor(role, relation), item(situation, relation)) is expected


@pytest.mark.parametrize(("role", "relation", "situation"), MATRIX)
def test_allowed_actions_follow_the_lifecycle_table(role, relation, situation):
    expected = ALLOWED.get((role, relation, situation), set())
    got = allowed_actions(actor(role, relation), item(situation, relation))
    assert {a.value for a in got} == expected


@pytest.mark.parametrize(("role", "relation", "situation"), MATRIX)
def test_allowed_agrees_with_allowed_actions(role, relation, situation):
    who, what = actor(role, relation), item(situation, relation)
    listed = set(allowed_actions(who, what))
    assert {a for a in Action if allowed(who, what, a)} == listed


@pytest.mark.parametrize("situation", list(SITUATIONS))
def test_an_inactive_officer_sees_nothing_of_their_own_unit(situation):
    assert not can_view(actor(Role.OFFICER, "own", active=False), item(situation, "own"))


def test_an_inactive_editor_can_do_nothing():
    assert (
        allowed_actions(actor(Role.EDITOR, "other", active=False), item("submitted", "own")) == []
    )


def test_a_unit_head_cannot_sign_off_a_joint_item_led_by_another_unit():
    assert not allowed(
        actor(Role.UNIT_HEAD, "joint"), item("awaiting_signoff", "joint"), Action.SIGN_OFF
    )


def test_an_officer_without_a_unit_sees_no_unit_item():
    assert not can_view(Actor(Role.OFFICER, None), item("draft", "own"))


NEXT = {
    Action.REVISE: {S.DRAFT: S.DRAFT, S.RETURNED: S.RETURNED},
    Action.SUBMIT: {S.DRAFT: S.AWAITING_SIGNOFF, S.RETURNED: S.AWAITING_SIGNOFF},
    Action.WITHDRAW: {S.AWAITING_SIGNOFF: S.DRAFT},
    Action.ATTACH: {S.DRAFT: S.DRAFT},
    Action.SIGN_OFF: {S.AWAITING_SIGNOFF: S.SUBMITTED},
    Action.REFUSE: {S.AWAITING_SIGNOFF: S.RETURNED},
    Action.START_REVIEW: {S.SUBMITTED: S.UNDER_REVIEW},
    Action.EDIT: {S.SUBMITTED: S.UNDER_REVIEW, S.UNDER_REVIEW: S.UNDER_REVIEW},
    Action.VERIFY: {S.SUBMITTED: S.SUBMITTED, S.ADOPTED: S.ADOPTED, S.FILED: S.FILED},
    Action.ADOPT: {S.UNDER_REVIEW: S.ADOPTED, S.ADOPTED: S.ADOPTED},
    Action.RETURN: {S.UNDER_REVIEW: S.RETURNED},
    Action.FILE: {S.SUBMITTED: S.FILED, S.UNDER_REVIEW: S.FILED},
}


@pytest.mark.parametrize(
    ("action", "current", "expected"),
    [(a, cur, new) for a, moves in NEXT.items() for cur, new in moves.items()],
)
def test_next_state(action, current, expected):
    assert next_state(current, action) == expected


# --- org.roles ------------------------------------------------------------------------------

C = Capability
# The capabilities of routine information, the network and the three administrators. (The
# emergency, duty and calendar capabilities are tested with their own packages.)
COVERED = (
    C.WRITE_ITEMS,
    C.SIGN_OFF,
    C.REVIEW,
    C.READ_SUBMITTED,
    C.READ_ADOPTED,
    C.VIEW_NETWORK,
    C.MANAGE_ORG,
    C.MANAGE_SECURITY,
    C.READ_AUDIT,
)
CAPS_OF = {
    Role.OFFICER: {C.WRITE_ITEMS},
    Role.UNIT_HEAD: {C.SIGN_OFF},
    Role.EDITOR: {C.REVIEW, C.READ_SUBMITTED, C.VIEW_NETWORK},
    Role.CHIEF: {C.REVIEW, C.READ_SUBMITTED, C.VIEW_NETWORK},
    Role.SECRETARY_GENERAL: {C.REVIEW, C.READ_SUBMITTED, C.VIEW_NETWORK},
    Role.DUTY_OFFICER: {C.READ_SUBMITTED, C.VIEW_NETWORK},
    Role.LEADER: {C.READ_ADOPTED},
    Role.SYSTEM_ADMIN: {C.MANAGE_ORG, C.VIEW_NETWORK},
    Role.SECURITY_ADMIN: {C.MANAGE_SECURITY},
    Role.AUDIT_ADMIN: {C.READ_AUDIT},
}


@pytest.mark.parametrize(("role", "capability"), [(r, c) for r in Role for c in COVERED])
def test_has_capability_matrix(role, capability):
    assert has_capability(role, capability) is (capability in CAPS_OF[role])


def test_every_role_has_a_capability_entry():
    assert set(CAPABILITIES) == set(Role)


def test_an_unknown_role_has_no_capability():
    assert not any(has_capability("superuser", c) for c in Capability)


def test_the_three_administrators_share_no_capability():
    admin_caps = [
        CAPABILITIES[r] - {C.VIEW_NETWORK}
        for r in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
    ]
    assert all(a.isdisjoint(b) for i, a in enumerate(admin_caps) for b in admin_caps[i + 1 :])


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_no_administrator_touches_reported_content(role):
    content = {C.WRITE_ITEMS, C.SIGN_OFF, C.REVIEW, C.READ_SUBMITTED, C.READ_ADOPTED}
    assert not content & CAPABILITIES[role]


# --- audit.chain ----------------------------------------------------------------------------

KEY = b"k" * 32


def chain(n: int, alg: str = "hmac-sha256") -> list[EntryFacts]:
    entries, prev = [], GENESIS
    for seq in range(1, n + 1):
        args = (
            seq,
            f"{YEAR}-03-0{seq}T08:00:00+00:00",
            "editor",
            "login",
            "editor",
            {"ip": "10.0.0.1"},
        )
        digest = entry_mac(KEY, alg, *args, prev)
        entries.append(EntryFacts(*args, prev, digest, alg))
        prev = digest
    return entries


@pytest.mark.parametrize("alg", ["hmac-sha256", "hmac-sm3"])
def test_an_intact_chain_has_no_break(alg):
    assert first_break(chain(5, alg), KEY) is None


def test_an_empty_chain_has_no_break():
    assert first_break([], KEY) is None


def test_changed_data_breaks_the_chain_at_that_entry():
    entries = chain(5)
    entries[2] = replace(entries[2], data={"ip": "10.9.9.9"})
    assert first_break(entries, KEY) == 3


def test_a_changed_actor_breaks_the_chain():
    entries = chain(3)
    entries[0] = replace(entries[0], actor="someone")
    assert first_break(entries, KEY) == 1


def test_a_deleted_entry_breaks_the_chain_at_the_next_one():
    entries = chain(5)
    del entries[1]
    assert first_break(entries, KEY) == 3


def test_a_chain_rehashed_without_the_key_breaks_at_the_first_forged_entry():
    entries = chain(4)
    prev = entries[0].hash
    for i in range(1, 4):
        forged = replace(
            entries[i], action="logout" if i == 1 else entries[i].action, prev_hash=prev
        )
        forged = replace(
            forged,
            hash=entry_mac(
                b"guess" * 8,
                forged.alg,
                forged.seq,
                forged.at,
                forged.actor,
                forged.action,
                forged.target,
                forged.data,
                prev,
            ),
        )
        entries[i], prev = forged, forged.hash
    assert first_break(entries, KEY) == 2


def test_an_entry_claiming_the_other_algorithm_breaks_the_chain():
    entries = chain(3)
    entries[1] = replace(entries[1], alg="hmac-sm3")
    assert first_break(entries, KEY) == 2


def test_the_hash_covers_the_previous_hash_and_the_algorithm():
    one = entry_mac(KEY, "hmac-sha256", 1, "t", "a", "x", "", {}, GENESIS)
    assert one != entry_mac(KEY, "hmac-sha256", 1, "t", "a", "x", "", {}, "1" * 64)
    assert one != entry_mac(KEY, "hmac-sm3", 1, "t", "a", "x", "", {}, GENESIS)


# --- submissions.uploads --------------------------------------------------------------------

MB = 1024 * 1024


@pytest.mark.parametrize(
    ("name", "head", "mime"),
    [
        ("报告.pdf", b"%PDF-1.7\n", "application/pdf"),
        ("photo.PNG", b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        ("scene.jpg", b"\xff\xd8\xff\xe0", "image/jpeg"),
        (
            "材料.docx",
            b"PK\x03\x04\x14\x00",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/msword"),
        ("note.txt", "情况说明".encode(), "text/plain; charset=utf-8"),
    ],
)
def test_check_accepts_whitelisted_types_with_matching_bytes(name, head, mime):
    assert uploads.check(name, head, 1000, MB) == uploads.Verdict(True, mime)


@pytest.mark.parametrize(
    ("name", "head"),
    [("fake.pdf", b"\x89PNG\r\n\x1a\n"), ("fake.png", b"%PDF-1.4"), ("fake.docx", b"MZ\x90\x00")],
)
def test_check_rejects_a_name_that_lies_about_the_content(name, head):
    assert uploads.check(name, head, 1000, MB).reason == "content"


def test_check_rejects_a_file_over_the_size_limit():
    verdict = uploads.check("big.pdf", b"%PDF-1.4", MB + 1, MB)
    assert (verdict.ok, verdict.reason) == (False, "size")


def test_check_accepts_a_file_exactly_at_the_size_limit():
    assert uploads.check("edge.pdf", b"%PDF-1.4", MB, MB).ok


@pytest.mark.parametrize("name", ["setup.exe", "run.sh", "page.html", "noextension"])
def test_check_rejects_types_outside_the_whitelist(name):
    assert uploads.check(name, b"MZ\x90\x00", 100, MB).reason == "type"


def test_check_rejects_binary_named_txt():
    assert (
        uploads.check("x.txt", b"\xff\xfe\x00\x00binary" + b"\x00" * 20, 100, MB).reason
        == "content"
    )


def test_check_accepts_text_cut_inside_a_multibyte_character():
    head = "安全生产".encode()[:-1]
    assert uploads.check("x.txt", head, 100, MB).ok


# --- submissions.diff -----------------------------------------------------------------------


def test_compare_identical_texts_is_one_equal_segment():
    assert diff.compare("汛期安全", "汛期安全") == [diff.Segment("equal", "汛期安全")]


def test_compare_shows_inserted_characters():
    assert diff.compare("召开会议", "召开专题会议") == [
        diff.Segment("equal", "召开"),
        diff.Segment("insert", "专题"),
        diff.Segment("equal", "会议"),
    ]


def test_compare_shows_a_replacement_as_delete_then_insert():
    assert diff.compare("死亡3人", "死亡5人") == [
        diff.Segment("equal", "死亡"),
        diff.Segment("delete", "3"),
        diff.Segment("insert", "5"),
        diff.Segment("equal", "人"),
    ]


def test_compare_reassembles_both_texts():
    old, new = "区委召开会议，部署防汛工作。", "市委召开常委会议，部署防汛和安全生产工作。"
    segments = diff.compare(old, new)
    assert "".join(s.text for s in segments if s.op != "insert") == old
    assert "".join(s.text for s in segments if s.op != "delete") == new


# --- parse_tags and normalise_body ----------------------------------------------------------


def test_parse_tags_splits_on_chinese_and_latin_separators():
    assert parse_tags("安全生产，防汛、信访;民生； 教育,医疗") == [
        "安全生产",
        "防汛",
        "信访",
        "民生",
        "教育",
        "医疗",
    ]


def test_parse_tags_drops_duplicates_and_keeps_the_first_order():
    assert parse_tags("防汛 安全生产 防汛") == ["防汛", "安全生产"]


def test_parse_tags_of_blank_input_is_empty():
    assert parse_tags(" ，、 ") == []


def test_parse_tags_cuts_long_names_to_thirty_characters():
    assert parse_tags("长" * 40) == ["长" * 30]


def test_normalise_body_drops_blank_lines_and_outer_spaces():
    assert normalise_body("  第一段。  \r\n\r\n\n  第二段。\n   \n") == "第一段。\n第二段。"


def test_normalise_body_keeps_single_paragraphs_unchanged():
    assert normalise_body("一段话。") == "一段话。"
