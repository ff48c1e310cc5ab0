"""The demo city's archive analysis: an early sign this week, a merged duplicate and others
left for the editor, typical cases for leaders, an incident reported twice. Loading it again
adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from archive.insight_queries import incident_panel, item_panel, typical_cases
from archive.insight_rules import week_monday
from archive.insight_trends import weekly_trends
from emergencies.models import Incident
from org.models import Unit, User
from submissions.models import ArchivePolicy, InfoItem
from xinbao.core.demo_insight import MARKER, load_insight

pytestmark = pytest.mark.django_db


def test_the_demo_shows_every_part_of_the_analysis():
    call_command("seed_demo", stdout=StringIO())
    units = {u.code: u for u in Unit.objects.all()}
    users = {u.username: u for u in User.objects.all()}
    load_insight(units, users, timezone.now())  # a no-op once load_demo calls it
    editor, leader = users["bianji1"], users["lingdao"]

    trends = weekly_trends(editor, week_monday(timezone.localdate()), ArchivePolicy.current())
    assert "电动自行车" in [s.burst.term for s in trends.topics]
    assert "电动自行车" in [s.burst.term for s in trends.terms]

    merged = InfoItem.objects.get(title=MARKER)
    assert merged.duplicate_of is not None
    assert units["jc-qsx"] in merged.duplicate_of.joint_units.all()
    fire = InfoItem.objects.get(title__startswith="东湖区一居民楼电动自行车")
    assert item_panel(fire, editor).candidates  # the fire brigade reported it too

    assert {i.typical for i in typical_cases(leader)} == {"good", "bad"}
    incident = Incident.objects.get(title="东湖区金桥商厦发生火灾")
    assert incident_panel(incident, editor).candidates

    count = InfoItem.objects.count()
    assert load_insight(units, users, timezone.now()) == "already loaded"
    assert InfoItem.objects.count() == count
