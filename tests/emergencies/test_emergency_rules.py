"""The pure emergency rules: steps and their order, follow-up times in Shanghai local time,
lateness, level suggestion, the consolidated picture and sighting matching. No database."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest

from deadlines import rules as deadline_rules
from deadlines.rules import BREACH, ESCALATION, REMINDER, EscalationStep, Step
from emergencies import rules
from emergencies.rules import Rule
from tests.clock import LAST_SUNDAY, THIS_MONDAY, TODAY
from tests.clock import local as shanghai
from tests.emergencies.emergency_factories import SH, minutes

CHAIN = (
    EscalationStep(0, "duty_officer"),
    EscalationStep(15, "chief"),
    EscalationStep(30, "secretary_general"),
)
GRAVE = Rule(
    written_minutes=35,
    phone_minutes=15,
    followup_times=(time(8), time(17)),
    forward_minutes=30,
    escalation=CHAIN,
)
START = shanghai(LAST_SUNDAY, "02:00")
DUE = START + minutes(35)


def grave_steps() -> list[Step]:
    return deadline_rules.steps(START, DUE, GRAVE)


# --- steps ----------------------------------------------------------------------------------


def test_steps_are_two_reminders_the_breach_then_three_escalations():
    assert [(s.stage, s.kind, s.role) for s in grave_steps()] == [
        (1, REMINDER, ""),
        (2, REMINDER, ""),
        (3, BREACH, ""),
        (4, ESCALATION, "duty_officer"),
        (5, ESCALATION, "chief"),
        (6, ESCALATION, "secretary_general"),
    ]


def test_reminders_fall_at_their_fraction_of_the_window():
    first, second, *_ = grave_steps()
    assert first.at == START + timedelta(minutes=17, seconds=30)
    assert second.at == START + timedelta(minutes=31, seconds=30)
    assert (first.fraction, second.fraction) == (0.5, 0.9)


def test_escalations_count_from_the_deadline():
    assert [s.at for s in grave_steps()[2:]] == [DUE, DUE, DUE + minutes(15), DUE + minutes(30)]


def test_escalations_are_ordered_by_their_minutes_whatever_the_table_order():
    rule = Rule(written_minutes=60, escalation=tuple(reversed(CHAIN)))
    roles = [
        s.role
        for s in deadline_rules.steps(START, START + minutes(60), rule)
        if s.kind == ESCALATION
    ]
    assert roles == ["duty_officer", "chief", "secretary_general"]


def test_an_empty_window_has_no_reminders():
    assert [s.kind for s in deadline_rules.steps(DUE, DUE, GRAVE)][:2] == [BREACH, ESCALATION]


# --- step_to_take ---------------------------------------------------------------------------


def test_nothing_is_taken_before_the_first_reminder():
    assert deadline_rules.step_to_take(grave_steps(), 0, START + minutes(17)) is None


def test_the_first_reminder_is_taken_at_half_time():
    step = deadline_rules.step_to_take(grave_steps(), 0, START + timedelta(minutes=17, seconds=30))
    assert (step.kind, step.stage) == (REMINDER, 1)


def test_a_reminder_overtaken_by_the_next_one_is_skipped():
    step = deadline_rules.step_to_take(grave_steps(), 0, START + minutes(33))
    assert (step.kind, step.stage) == (REMINDER, 2)


def test_after_the_deadline_the_breach_comes_before_any_stale_reminder():
    step = deadline_rules.step_to_take(grave_steps(), 0, DUE + minutes(1))
    assert (step.kind, step.stage) == (BREACH, 3)


def test_escalations_are_never_skipped_however_late_the_worker_is():
    late = DUE + timedelta(days=1)
    taken, stage = [], 0
    while step := deadline_rules.step_to_take(grave_steps(), stage, late):
        taken.append(step.stage)
        stage = step.stage
    assert taken == [3, 4, 5, 6]


def test_nothing_is_left_once_every_step_is_taken():
    assert deadline_rules.step_to_take(grave_steps(), 6, DUE + timedelta(days=1)) is None


def test_next_check_is_the_next_steps_moment():
    all_steps = grave_steps()
    assert deadline_rules.next_check(all_steps, 0) == START + timedelta(minutes=17, seconds=30)
    assert deadline_rules.next_check(all_steps, 2) == DUE
    assert deadline_rules.next_check(all_steps, 5) == DUE + minutes(30)


def test_next_check_is_none_after_the_last_step():
    assert deadline_rules.next_check(grave_steps(), 6) is None


# --- follow-ups, in Shanghai local time -----------------------------------------------------


def test_a_follow_up_before_eight_is_due_at_eight_the_same_day():
    assert rules.followup_due(shanghai(THIS_MONDAY, "07:50"), GRAVE) == shanghai(
        THIS_MONDAY, "08:00"
    )


def test_a_follow_up_after_eight_is_due_at_five():
    assert rules.followup_due(shanghai(THIS_MONDAY, "08:00"), GRAVE) == shanghai(
        THIS_MONDAY, "17:00"
    )


def test_a_follow_up_after_five_is_due_at_eight_the_next_morning():
    assert rules.followup_due(shanghai(THIS_MONDAY, "17:30"), GRAVE) == shanghai(TODAY, "08:00")


def test_fixed_times_are_local_even_when_the_input_is_utc():
    # 23:30 UTC is already 07:30 the next day in Shanghai: 08:00 there is 00:00 UTC.
    due = rules.followup_due(datetime.combine(THIS_MONDAY, time(23, 30), tzinfo=UTC), GRAVE)
    assert due == datetime.combine(TODAY, time(0, 0), tzinfo=UTC)
    assert due.astimezone(SH).time() == time(8)


def test_an_interval_follow_up_counts_from_the_previous_one():
    rule = Rule(written_minutes=360, followup_hours=24)
    assert rules.followup_due(START, rule) == START + timedelta(hours=24)


def test_the_earlier_of_an_interval_and_a_fixed_time_wins():
    rule = Rule(written_minutes=60, followup_hours=2, followup_times=(time(8), time(17)))
    assert rules.followup_due(shanghai(THIS_MONDAY, "06:30"), rule) == shanghai(
        THIS_MONDAY, "08:00"
    )
    assert rules.followup_due(shanghai(THIS_MONDAY, "09:00"), rule) == shanghai(
        THIS_MONDAY, "11:00"
    )


def test_no_follow_up_is_due_without_a_rule_for_it():
    assert rules.followup_due(START, Rule(written_minutes=60)) is None


# --- lateness -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("late_by", "expected"),
    [
        (timedelta(seconds=-30), 0),
        (timedelta(0), 0),
        (timedelta(seconds=1), 1),
        (timedelta(seconds=60), 1),
        (timedelta(seconds=61), 2),
        (timedelta(minutes=15, seconds=30), 16),
    ],
)
def test_minutes_late_round_up(late_by, expected):
    assert deadline_rules.minutes_late(DUE, DUE + late_by) == expected


# --- level suggestion (Decree 493) ----------------------------------------------------------

DECREE_493 = [
    rules.Threshold("1", 30, 100, Decimal("10000")),
    rules.Threshold("2", 10, 50, Decimal("5000")),
    rules.Threshold("3", 3, 10, Decimal("1000")),
    rules.Threshold("4", 1, 1, Decimal("0.01")),
]


@pytest.mark.parametrize(
    ("deaths", "serious", "loss", "level"),
    [
        (29, None, None, "2"),
        (30, None, None, "1"),
        (0, 10, None, "3"),
        (None, 99, None, "2"),
        (None, None, Decimal("5000"), "2"),
        (None, None, Decimal("4999.99"), "3"),
        (2, 9, Decimal("999"), "4"),
        (0, 0, Decimal(0), None),
        (None, None, None, None),
    ],
)
def test_suggest_level_takes_the_gravest_figure(deaths, serious, loss, level):
    assert rules.suggest_level(DECREE_493, deaths, serious, loss) == level


# --- the consolidated picture ---------------------------------------------------------------


def test_a_later_number_replaces_the_earlier_one():
    picture = rules.consolidate([{"deaths": 2, "label": "首报"}, {"deaths": 5, "label": "续报一"}])
    assert picture["deaths"] == 5
    assert picture["sources"]["deaths"] == "续报一"


def test_a_blank_field_keeps_the_earlier_value():
    picture = rules.consolidate(
        [
            {"deaths": 2, "cause": "电气线路短路", "label": "首报"},
            {"deaths": None, "cause": "", "measures": "已封控", "label": "续报一"},
        ]
    )
    assert (picture["deaths"], picture["cause"], picture["measures"]) == (
        2,
        "电气线路短路",
        "已封控",
    )
    assert picture["sources"]["cause"] == "首报"


def test_zero_is_news_not_a_blank():
    picture = rules.consolidate([{"missing": 3}, {"missing": 0}])
    assert picture["missing"] == 0


# --- matching sightings ---------------------------------------------------------------------

FIRE = rules.IncidentFacts(
    pk=1,
    text="甲区某化工厂仓库火灾 甲区经开区某化工厂 仓库起火，明火已扑灭",
    place="甲区经开区某化工厂",
    unit_ids=frozenset({7}),
    clock_start=START,
    category="accident",
)
FLOOD = rules.IncidentFacts(
    pk=2,
    text="乙县城区内涝 乙县城关镇 暴雨致城区多处积水",
    place="乙县城关镇",
    unit_ids=frozenset({8}),
    clock_start=START,
    category="natural",
)


def sighting(text="网传甲区经开区化工厂仓库起火冒黑烟", **fields) -> rules.SightingFacts:
    return rules.SightingFacts(
        text=text,
        place=fields.pop("place", "甲区经开区"),
        seen_at=fields.pop("seen_at", START - minutes(20)),
        unit_id=fields.pop("unit_id", 7),
        category=fields.pop("category", "accident"),
    )


DAY = timedelta(hours=24)


def test_the_same_unit_place_and_text_within_a_day_is_proposed_first():
    [best] = rules.propose_matches(sighting(), [FIRE, FLOOD], DAY)
    assert best.incident_pk == FIRE.pk
    assert best.score >= 0.6
    assert set(best.reasons) == {"text", "unit", "place"}


def test_a_different_event_is_not_proposed():
    flood_sighting = sighting("网传城区暴雨积水严重", place="乙县城关镇", unit_id=8, category="")
    assert [p.incident_pk for p in rules.propose_matches(flood_sighting, [FIRE], DAY)] == []


def test_an_event_outside_the_day_window_is_not_proposed():
    old = sighting(seen_at=START - timedelta(hours=25))
    assert rules.propose_matches(old, [FIRE], DAY) == []


def test_the_window_is_the_one_given():
    old = sighting(seen_at=START - timedelta(hours=25))
    assert [p.incident_pk for p in rules.propose_matches(old, [FIRE], timedelta(hours=26))] == [
        FIRE.pk
    ]
    assert rules.propose_matches(sighting(), [FIRE], timedelta(minutes=1)) == []


def test_chinese_text_matches_on_character_bigrams():
    assert "起火" in rules.shingles("仓库起火")
    assert rules.similarity("仓库起火", "化工厂仓库起火冒烟") > rules.similarity("仓库起火", "暴雨")


# --- parsing the table's text fields --------------------------------------------------------


def test_parse_times_accepts_chinese_commas_and_sorts_unique():
    assert rules.parse_times("17:00，08:00、8:00") == [time(8), time(17)]


@pytest.mark.parametrize("raw", ["25:00", "08:60", "8点", "0800"])
def test_parse_times_names_the_bad_part(raw):
    with pytest.raises(ValueError, match=raw):
        rules.parse_times(f"08:00, {raw}")


def test_parse_fractions_sorts_unique():
    assert rules.parse_fractions("0.9, 0.5，0.5") == [0.5, 0.9]


@pytest.mark.parametrize("raw", ["0", "1", "1.5", "-0.1", "half"])
def test_parse_fractions_refuses_anything_outside_the_window(raw):
    with pytest.raises(ValueError):
        rules.parse_fractions(raw)


def test_a_rule_survives_its_json_snapshot():
    assert Rule.from_dict(GRAVE.to_dict()) == GRAVE
