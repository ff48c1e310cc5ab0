"""A province's instance behaves as a city's, one level up (分级部署): its office is the unit
marked as the hub, the office above it is the centre's, its own publications and leaders count at
its own level (not "adopted above"), and what it forwards goes to 中共中央办公厅. A city's
instance is unchanged."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accountability.issuers import issuer_names
from bulletins.actions import UpperIssue, do_adopt, do_record_instruction
from bulletins.forms import AdoptForm
from bulletins.models import Adoption, AdoptionLevel, Instruction, own_level
from emergencies.forms import ForwardForm
from federation.models import InboundMessage, Refusal
from federation.signing import is_permanent
from org.models import Unit, UnitKind, UnitLevel, hub_unit, upper_office, upper_units
from scoring import facts as scoring_facts
from scoring import rules as scoring_rules
from scoring.models import ScoreRule
from scoring.queries import rule_ids
from submissions.models import InfoItem, ItemState
from tests.factories import forward, make_item, make_publication, make_unit
from tests.federation.test_items import _adopted, _forward_from_the_page, _post

pytestmark = pytest.mark.django_db


def test_a_province_instance_forwards_to_the_centre(province_instance) -> None:
    assert hub_unit() == province_instance
    office = upper_office()
    assert office is not None and office.name == "中共中央办公厅"
    assert own_level() == AdoptionLevel.PROVINCE
    # The upward forms offer only the units above the province: the centre's.
    assert list(upper_units()) == [office]
    choices = list(ForwardForm().fields["to_unit"].queryset)  # type: ignore[attr-defined]
    assert choices == [office]


def test_a_city_instance_forwards_to_its_province_and_may_reach_the_centre(hub, province) -> None:
    central = make_unit(
        "中共中央办公厅", code="zy", kind=UnitKind.PARTY_OFFICE, level=UnitLevel.CENTRAL
    )
    # No unit marked: the first city-level Party office, as before the mark existed.
    assert hub_unit() == hub and not Unit.objects.filter(is_hub=True).exists()
    assert upper_office() == province
    assert own_level() == AdoptionLevel.CITY
    choices = set(ForwardForm().fields["to_unit"].queryset)  # type: ignore[attr-defined]
    assert choices == {province, central}


def test_a_province_instances_notices_are_its_own_and_the_centres(province_instance) -> None:
    names = issuer_names()
    assert (names.own, names.upper) == ("省委办公厅", "中共中央办公厅")


def test_a_county_instances_notices_are_its_own_and_its_citys(section) -> None:
    """A county's office as the hub: the notices from above are its city's office's. (Its
    publications and leaders still count at the city's level: publication levels have no
    county.)"""
    city = section.parent
    county = make_unit(
        "中共某县委办公室", code="xian", kind=UnitKind.PARTY_OFFICE, level=UnitLevel.COUNTY
    )
    Unit.objects.filter(pk=county.pk).update(is_hub=True, parent=city)
    assert upper_office() == city
    names = issuer_names()
    assert (names.own, names.upper) == ("中共某县委办公室", city.name)


def test_the_marked_hub_wins_over_the_old_rule(section, province) -> None:
    # Two city-level Party offices: the mark, not the order, says which is this instance's.
    other = make_unit("乙市委办公室", code="b", kind=UnitKind.PARTY_OFFICE, sort_order=99)
    Unit.objects.filter(pk=other.pk).update(is_hub=True, parent=province)
    assert hub_unit() == other and upper_office() == province


def test_the_section_of_a_province_forwards_an_item_to_the_centre(
    client: Client, province_instance, officer_a, editor
) -> None:
    item = make_item(officer_a, ItemState.UNDER_REVIEW, editor=editor)
    client.force_login(editor)
    answer = client.post(reverse("bulletins:forward_item", args=[item.pk]), follow=True)
    assert "已标记为上报中共中央办公厅" in answer.content.decode()
    forwarded = InfoItem.objects.get(pk=item.pk)
    assert forwarded.forwarded_to is not None
    assert forwarded.forwarded_to.name == "中共中央办公厅"


def test_a_provinces_own_adoption_counts_at_its_level_and_not_as_adopted_above(
    province_instance, officer_a, editor
) -> None:
    own = make_publication(AdoptionLevel.PROVINCE, name="省委办公厅每日汇报", compiled_here=True)
    central = make_publication(AdoptionLevel.CENTRAL, name="中办每日汇报")
    item = make_item(officer_a, ItemState.UNDER_REVIEW, editor=editor)
    # Not forwarded: the province's own publications are offered, the centre's are not.
    form = AdoptForm(item=item)
    assert [p.pk for p in form.offered] == [own.pk]
    assert "upper_issue_number" not in form.fields
    forward(editor, item)
    day = timezone.localdate()
    adoption = do_adopt(editor, item.pk, own, day)  # no upper issue: it is our own
    assert adoption.level == AdoptionLevel.PROVINCE
    # Forwarded to the centre, but adopted by our own publication: no forwarded multiplier.
    rule = ScoreRule.objects.get(code="adoption-province")
    assert rule.forwarded_multiplier != 1
    loaded = scoring_facts.load_facts(day.year)
    assert loaded.own_level == AdoptionLevel.PROVINCE
    lines = scoring_rules.ledger_lines(loaded, scoring_facts.active_rules(), timezone.now())
    assert [(x.rule, x.points) for x in lines] == [("adoption-province", rule.points)]
    # The standings' "adopted above" column counts the centre's rules only.
    upper = set(ScoreRule.objects.filter(pk__in=rule_ids().upper).values_list("level", flat=True))
    assert upper == {AdoptionLevel.CENTRAL}
    # A central adoption of the same item is adopted above, with the centre's multiplier.
    do_adopt(editor, item.pk, central, day, upper=UpperIssue("2026年第5期", day))
    central_rule = ScoreRule.objects.get(code="adoption-central")
    lines = scoring_rules.ledger_lines(
        scoring_facts.load_facts(day.year), scoring_facts.active_rules(), timezone.now()
    )
    assert ("adoption-central", central_rule.points * central_rule.forwarded_multiplier) in [
        (x.rule, x.points) for x in lines
    ]


def test_a_province_leaders_instruction_is_the_provinces(
    province_instance, officer_a, editor, leader
) -> None:
    item = make_item(officer_a, ItemState.UNDER_REVIEW, editor=editor)
    do_record_instruction(leader, item.pk, "请跟踪督办。", timezone.localdate())
    assert Instruction.objects.get(item=item).level == AdoptionLevel.PROVINCE


def test_the_same_rule_scores_a_forwarded_adoption_by_the_instances_own_level() -> None:
    fact = scoring_rules.AdoptionFact(
        id=1,
        units=(1,),
        publication_id=1,
        level="province",
        on=timezone.localdate(),
        forwarded=True,
    )
    table = [
        scoring_rules.Rule(
            "adoption-province",
            "adoption",
            Decimal(20),
            "province",
            forwarded_multiplier=Decimal(2),
        )
    ]
    at = timezone.now()
    city = scoring_rules.ledger_lines(scoring_rules.Facts(adoptions=[fact]), table, at)
    province = scoring_rules.ledger_lines(
        scoring_rules.Facts(adoptions=[fact], own_level="province"), table, at
    )
    assert [x.points for x in city] == [40] and [x.points for x in province] == [20]


# --- adoptions coming down -----------------------------------------------------------------


def test_an_adoption_naming_an_unknown_publication_is_refused_for_good(
    client: Client, editor, officer_a, up
) -> None:
    """The city knows no publication of that code or name: nothing is guessed (not even the
    only provincial one it has), the message is refused (422 not_filed) with the reason, and
    the sender's outbox takes that answer as permanent (对方拒收), not to be retried."""
    make_publication(AdoptionLevel.PROVINCE, code="sheng-other", name="省委办公厅信息专报")
    item = make_item(officer_a, ItemState.UNDER_REVIEW, editor=editor)
    _forward_from_the_page(client, editor, item)
    named = {"code": "sheng-new", "name": "省委办公厅内参"}
    answer = _post(client, "city-x", _adopted(item.pk, publication=named))
    body = answer.json()
    assert (answer.status_code, body["code"]) == (422, "not_filed")
    assert is_permanent(answer.status_code, body["code"])
    assert "本系统没有上级刊物“省委办公厅内参”（代码 sheng-new）" in body["detail"]
    assert not Adoption.objects.exists() and not InboundMessage.objects.exists()
    assert Refusal.objects.get().detail == body["detail"]


def test_a_province_takes_from_above_only_the_centres_level(
    client: Client, province_instance, editor, officer_a, up
) -> None:
    make_publication(AdoptionLevel.CENTRAL, code="zb-mrhb", name="中办每日汇报")
    item = make_item(officer_a, ItemState.UNDER_REVIEW, editor=editor)
    forward(editor, item)
    central = {"code": "zb-mrhb", "name": "中办每日汇报"}
    # "province" is this instance's own level: the office above cannot send it down.
    refused = _post(client, "city-x", _adopted(item.pk, publication=central, level="province"))
    assert refused.status_code == 422
    taken = _post(client, "city-x", _adopted(item.pk, publication=central, level="central"))
    assert taken.status_code == 200, taken.content
    assert Adoption.objects.get(item=item).level == AdoptionLevel.CENTRAL
