"""Which units of the network are silent, for org's network page: the same activity, rule and
policy as the 全 of the 全广新准 report (`report.unit_activity`, `rules.is_silent`,
`InsightPolicy.silent_days`). Registered into `org.network` by insight's AppConfig.ready()."""

from collections.abc import Collection
from datetime import datetime

from insight import rules
from insight.models import InsightPolicy
from insight.report import unit_activity
from org.network import Activity


def network_activity(unit_ids: Collection[int], now: datetime) -> Activity:
    days = InsightPolicy.current().silent_days
    last = {
        unit_id: seen.last_report
        for unit_id, seen in unit_activity(now, now).items()
        if seen.last_report is not None
    }
    silent = frozenset(u for u in unit_ids if rules.is_silent(last.get(u), now, days))
    return Activity(last_report=last, silent=silent, silent_after=days)
