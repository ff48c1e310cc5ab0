"""Inside Django, against the demo city of the federation benchmark: forward incidents one at a
time at random moments, each in its own transactions (the phone report, then the forwarding),
and say when each forwarding committed (wall clock, seconds since the epoch)."""

import json
import random
import sys
import time
from datetime import timedelta

import django

django.setup()

from django.utils import timezone  # noqa: E402

from emergencies.actions import IncidentFacts, PhoneCall, ReportContent, do_open_incident  # noqa: E402
from emergencies.actions_level import do_forward  # noqa: E402
from org.models import Unit, UnitKind, User, provincial_office  # noqa: E402
from org.roles import Role  # noqa: E402


def forward(events: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    duty = User.objects.filter(role=Role.DUTY_OFFICER, is_active=True).order_by("pk").first()
    chief = User.objects.filter(role=Role.CHIEF, is_active=True).order_by("pk").first()
    unit = Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_reporting=True).order_by("pk").first()
    province = provincial_office()
    assert duty and chief and unit and province
    done = []
    for i in range(events):
        time.sleep(rng.uniform(0.3, 1.5))  # not in step with the worker's rounds
        now = timezone.now()
        title = f"联调测试事件 {seed}-{i}"
        report = do_open_incident(
            duty,
            IncidentFacts(
                title=title,
                category="accident",
                subtype="火灾",
                level="2",
                place="江城市某区",
                occurred_at=now - timedelta(minutes=10),
                known_at=now - timedelta(minutes=5),
                units=[unit],
            ),
            ReportContent(summary="某处起火，已组织扑救。", deaths=0),
            call=PhoneCall(caller="值班", caller_phone="12345678", called_at=now),
        )
        do_forward(chief, report.incident_id, province, f"{title}：某处起火，已组织扑救。")
        done.append({"title": title, "committed": time.time()})
    return {"events": done}


if __name__ == "__main__":
    args = json.loads(sys.argv[2])
    print(json.dumps(forward(**args), ensure_ascii=False))
