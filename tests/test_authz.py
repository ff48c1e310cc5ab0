"""Item pages and actions in every state against the pure rules and their SQL twin. A persona
that may not see an item gets 404 — the same answer as a missing id.

The whole URLconf against every persona, from a hand-written table, is `tests/authz/`."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bulletins.models import Adoption, AdoptionLevel
from submissions import rules
from submissions.models import Attachment, InfoItem, ItemEvent, ItemRevision, ItemState
from submissions.queries import actor_of, facts_of, visible_items
from submissions.rules import Action
from tests.factories import ADMINS, PERSONAS, REFUSED, make_item, make_publication, pdf

pytestmark = pytest.mark.django_db

PLAIN = {
    "draft": ItemState.DRAFT,
    "awaiting_signoff": ItemState.AWAITING_SIGNOFF,
    "submitted": ItemState.SUBMITTED,
    "under_review": ItemState.UNDER_REVIEW,
    "refused": REFUSED,
    "returned": ItemState.RETURNED,
    "adopted": ItemState.ADOPTED,
    "filed": ItemState.FILED,
}
JOINT = {
    "joint_draft": ItemState.DRAFT,
    "joint_awaiting_signoff": ItemState.AWAITING_SIGNOFF,
    "joint_submitted": ItemState.SUBMITTED,
    "joint_adopted": ItemState.ADOPTED,
}


@pytest.fixture
def items(officer_a, head_a, editor, unit_b, city_daily):
    """One unit-A item in every state, and joint A+B items; each carries an attachment."""
    built = {}
    for key, state in {**PLAIN, **JOINT}.items():
        joint = (unit_b,) if key.startswith("joint_") else ()
        built[key] = make_item(
            officer_a,
            state,
            head=head_a,
            editor=editor,
            publication=city_daily,
            joint_units=joint,
            files=[pdf()],
            title=f"甲区信息 {key}",
        )
    return built


def may_view(user, item):
    return rules.can_view(actor_of(user), facts_of(item))


def may(user, item, action):
    return rules.allowed(actor_of(user), facts_of(item), action)


def footprint(item):
    """Everything an action could change about an item."""
    return (
        InfoItem.objects.values().get(pk=item.pk),
        ItemEvent.objects.filter(item=item).count(),
        ItemRevision.objects.filter(item=item).count(),
        Attachment.objects.filter(item=item).count(),
        Adoption.objects.filter(item=item).count(),
    )


# --- item pages (GET) -----------------------------------------------------------------------


def expected_page_status(page, user, item):
    if not may_view(user, item):
        return 404
    if page == "revise":
        return 200 if may(user, item, Action.REVISE) else 403
    if page == "edit":
        return 200 if may(user, item, Action.EDIT) else 403
    return 200


def page_url(page, item):
    if page == "revision":
        return reverse("submissions:revision", args=[item.pk, 1])
    if page == "attachment":
        return reverse("submissions:attachment", args=[item.attachments.get().pk])
    return reverse(f"submissions:{page}", args=[item.pk])


ITEM_PAGES = ("detail", "revise", "edit", "revision", "attachment")


@pytest.mark.parametrize("page", ITEM_PAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_item_pages_answer_as_the_rules_say(persona, page, personas, items, client_of):
    user = personas[persona]
    client = client_of(user)
    got = {key: client.get(page_url(page, item)).status_code for key, item in items.items()}
    expected = {key: expected_page_status(page, user, item) for key, item in items.items()}
    assert got == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_visible_items_is_the_sql_twin_of_can_view(persona, personas, items):
    user = personas[persona]
    in_sql = set(visible_items(user).values_list("pk", flat=True))
    by_rule = {item.pk for item in items.values() if may_view(user, item)}
    assert in_sql == by_rule


@pytest.mark.parametrize("persona", PERSONAS)
def test_visible_items_has_no_duplicate_rows(persona, personas, items):
    pks = list(visible_items(personas[persona]).values_list("pk", flat=True))
    assert len(pks) == len(set(pks))


@pytest.mark.parametrize("persona", ADMINS)
def test_administrators_never_see_item_content(persona, personas, items, client_of):
    client = client_of(personas[persona])
    statuses = {client.get(page_url("detail", item)).status_code for item in items.values()}
    assert statuses == {404}


# --- actions (POST) -------------------------------------------------------------------------


@pytest.fixture
def special_report(db):
    """A second city publication: the adopted items have 《每日要情》 already, and a provincial
    one would need them forwarded first."""
    return make_publication(AdoptionLevel.CITY, code="xxzb", name="信息专报")


def post_data(action, publication):
    today = timezone.localdate().isoformat()
    return {
        Action.SIGN_OFF: {"sign_off-comment": "同意报送"},
        Action.REFUSE: {"refuse-comment": "请补充数据"},
        Action.RETURN: {"return-comment": "请核实"},
        Action.VERIFY: {"verify-verdict": "verified", "verify-note": "已电话核实"},
        Action.ADOPT: {"adopt-publication": publication.pk, "adopt-adopted_on": today},
        Action.ATTACH: {"attach-attachments": pdf("补充材料.pdf")},
    }.get(action, {})


def expected_effect(user, item, action):
    """(status, whether the item changes) for POST act/<action>."""
    if not may_view(user, item):
        return 404, False
    if not may(user, item, action):
        return 302, False
    if action in (Action.REVISE, Action.EDIT):
        return 403, False  # these have their own screens
    return 302, True


def check_change(item, action, before):
    """What an allowed action must have written."""
    row = InfoItem.objects.get(pk=item.pk)
    problems = []
    if row.state != rules.next_state(before[0]["state"], action):
        problems.append(f"state {row.state}")
    if ItemEvent.objects.filter(item=item).count() != before[1] + 1:
        problems.append("no event")
    if action == Action.ATTACH and Attachment.objects.filter(item=item).count() != before[3] + 1:
        problems.append("no attachment")
    if action == Action.ADOPT and Adoption.objects.filter(item=item).count() != before[4] + 1:
        problems.append("no adoption")
    if action == Action.VERIFY and row.verification != "verified":
        problems.append("not verified")
    return problems


def act_url(item, action):
    """Where the item page's form for the action posts: adoptions are recorded by bulletins."""
    if action == Action.ADOPT:
        return reverse("bulletins:adopt_item", args=[item.pk])
    return reverse("submissions:act", args=[item.pk, action])


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("persona", PERSONAS)
def test_act_answers_and_writes_as_the_rules_say(
    persona, action, personas, items, client_of, special_report
):
    user = personas[persona]
    client = client_of(user)
    wrong = {}
    for key, item in items.items():
        status, changes = expected_effect(user, item, action)
        before = footprint(item)
        response = client.post(act_url(item, action), post_data(action, special_report))
        problems = (
            [] if response.status_code == status else [f"status {response.status_code} != {status}"]
        )
        if changes:
            problems += check_change(item, action, before)
        elif footprint(item) != before:
            problems.append("changed")
        if problems:
            wrong[key] = problems
    assert wrong == {}


# --- guessing ids ---------------------------------------------------------------------------


def test_guessed_ids_are_indistinguishable_from_missing_ones(client_of, officer_b, items):
    client = client_of(officer_b)
    hidden = [item for item in items.values() if not may_view(officer_b, item)]
    missing = max(i.pk for i in items.values()) + 1
    assert len(hidden) >= len(PLAIN)
    answers = set()
    for pk in [i.pk for i in hidden] + [missing, missing + 1000]:
        response = client.get(reverse("submissions:detail", args=[pk]))
        answers.add((response.status_code, tuple(t.name for t in response.templates)))
    assert len(answers) == 1
    assert answers.pop()[0] == 404


def test_another_units_officer_cannot_download_a_draft_attachment(client_of, officer_b, items):
    att = items["draft"].attachments.get()
    assert (
        client_of(officer_b).get(reverse("submissions:attachment", args=[att.pk])).status_code
        == 404
    )


def test_a_missing_attachment_is_404(client_of, officer_a, items):
    missing = Attachment.objects.latest("pk").pk + 1
    assert (
        client_of(officer_a).get(reverse("submissions:attachment", args=[missing])).status_code
        == 404
    )


def test_the_joint_units_officer_sees_a_submitted_joint_item(client_of, officer_b, items):
    client = client_of(officer_b)
    assert client.get(page_url("detail", items["joint_submitted"])).status_code == 200
    assert client.get(page_url("detail", items["joint_draft"])).status_code == 404


# The front door (where "/" leads each role) is tests/test_landing.py.


# --- the same through the API, with each persona's write token --------------------------------

API_STEPS = ("submit", "withdraw", "sign_off", "refuse", "start_review", "return", "file", "verify")


def api_client(user):
    from api.actions import do_create_token

    token = do_create_token(user, "authz", "write").plain
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def expected_api_status(user, item, action):
    """404 for an item the persona may not know; 403 for a role that never takes the step;
    409 for a step its role takes but not on this item now; 200 when it goes through."""
    if not may_view(user, item):
        return 404
    if not user.can(rules.TRANSITIONS[action].capability):
        return 403
    return 200 if may(user, item, action) else 409


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_reads_answer_as_the_rules_say(persona, personas, items):
    user = personas[persona]
    client = api_client(user)
    got = {key: client.get(f"/api/items/{item.pk}").status_code for key, item in items.items()}
    assert got == {key: 200 if may_view(user, item) else 404 for key, item in items.items()}
    listed = client.get("/api/items", {"per_page": 100}).json()["results"]
    assert {row["id"] for row in listed} == set(visible_items(user).values_list("pk", flat=True))


@pytest.mark.parametrize("step", API_STEPS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_api_steps_answer_and_write_as_the_rules_say(persona, step, personas, items):
    user = personas[persona]
    action = Action(step)
    client = api_client(user)
    body = {"comment": "请核实", "verdict": "verified"}
    wrong = {}
    for key, item in items.items():
        status = expected_api_status(user, item, action)
        before = footprint(item)
        response = client.post(
            f"/api/items/{item.pk}/{step}", json.dumps(body), content_type="application/json"
        )
        problems = (
            [] if response.status_code == status else [f"status {response.status_code} != {status}"]
        )
        if status == 200:
            problems += check_change(item, action, before)
        elif footprint(item) != before:
            problems.append("changed")
        if problems:
            wrong[key] = problems
    assert wrong == {}
