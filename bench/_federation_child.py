"""Inside Django, against the demo city of the federation benchmark.

`forward`: forward incidents one at a time at random moments, each in its own transactions (the
phone report, then the forwarding), and say when each forwarding committed (wall clock, seconds
since the epoch).

`api_clients`: set up the API submission load — the system administrator raises the API's rate
limit (ApiPolicy) to `rate_limit` requests a minute, and each officer with a unit makes a
personal read-and-write token, both through the API app's actions (audited as in production).
Says each officer's username and token."""

import json
import random
import sys
import time
from collections.abc import Callable
from datetime import timedelta

import django

django.setup()

from django.utils import timezone  # noqa: E402

from api.actions import do_create_token, do_set_rate_limit  # noqa: E402
from api.models import TokenScope  # noqa: E402
from emergencies.actions import IncidentFacts, PhoneCall, ReportContent, do_open_incident  # noqa: E402
from emergencies.actions_level import do_forward  # noqa: E402
from org.models import Unit, UnitKind, User, upper_office  # noqa: E402
from org.roles import Capability, Role  # noqa: E402


def forward(events: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    duty = User.objects.filter(role=Role.DUTY_OFFICER, is_active=True).order_by("pk").first()
    chief = User.objects.filter(role=Role.CHIEF, is_active=True).order_by("pk").first()
    unit = Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_reporting=True).order_by("pk").first()
    province = upper_office()
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


def api_clients(rate_limit: int) -> dict[str, object]:
    active = User.objects.filter(is_active=True).order_by("username")
    admin = next(u for u in active if u.can(Capability.MANAGE_ORG))
    do_set_rate_limit(admin, rate_limit)
    officers = [u for u in active if u.unit_id is not None and u.can(Capability.WRITE_ITEMS)]
    clients = [
        {
            "username": u.get_username(),
            "token": do_create_token(u, "bench", TokenScope.WRITE).plain,
        }
        for u in officers
    ]
    return {"clients": clients}


if __name__ == "__main__":
    command, args = sys.argv[1], json.loads(sys.argv[2])
    commands: dict[str, Callable[..., dict[str, object]]] = {
        "forward": forward,
        "api_clients": api_clients,
    }
    print(json.dumps(commands[command](**args), ensure_ascii=False))
