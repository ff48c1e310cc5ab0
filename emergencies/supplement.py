"""补报: casualty changes after the final report (Decree 493 art. 13).

《生产安全事故报告和调查处理条例》第十三条：事故报告后出现新情况的，应当及时补报。自事故发生之日起30日内，
事故造成的伤亡人数发生变化的，应当及时补报。道路交通事故、火灾事故自发生之日起7日内，事故造成的伤亡人数
发生变化的，应当及时补报。

The windows are data (SupplementWindow, per category and type), read as they are when the
report is filed.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from emergencies import rules
from emergencies.models import Incident, IncidentStatus, ReportKind, SupplementWindow
from xinbao.core.errors import ActionError

ARTICLE_13 = (
    "《生产安全事故报告和调查处理条例》第十三条：事故报告后出现新情况的，应当及时补报。"
    "自事故发生之日起30日内，事故造成的伤亡人数发生变化的，应当及时补报。"
    "道路交通事故、火灾事故自发生之日起7日内，事故造成的伤亡人数发生变化的，应当及时补报。"
)


def window_days(incident: Incident) -> int | None:
    rows = SupplementWindow.objects.filter(category=incident.category).order_by("-subtype_contains")
    return rules.supplement_days([(r.subtype_contains, r.days) for r in rows], incident.subtype)


def window_end(incident: Incident) -> datetime | None:
    days = window_days(incident)
    return None if days is None else rules.supplement_until(incident.occurred_at, days)


def check(incident: Incident, kind: str, at: datetime) -> None:
    """Refuse a report the incident's state does not allow: anything but 补报 once closed, 补报
    while open or after its window (the rule quoted)."""
    if incident.status == IncidentStatus.OPEN:
        if kind == ReportKind.SUPPLEMENTARY:
            raise ActionError(
                _("A supplementary report follows the final report; send a follow-up instead.")
            )
        return
    if kind != ReportKind.SUPPLEMENTARY:
        raise ActionError(
            _(
                "The incident is closed: its final report was received. Casualty changes are "
                "reported as a supplementary report."
            )
        )
    end = window_end(incident)
    if end is None or at >= end:
        days = window_days(incident)
        raise ActionError(
            _(
                "The window for supplementary reports closed %(end)s (%(days)s days from the day "
                "the event occurred). %(rule)s"
            )
            % {
                "end": timezone.localtime(end).strftime("%Y-%m-%d %H:%M") if end else "—",
                "days": days if days is not None else "—",
                "rule": ARTICLE_13,
            }
        )


def open_for(incident: Incident, now: datetime) -> bool:
    """Whether a 补报 can be filed on the incident now."""
    if incident.status == IncidentStatus.OPEN:
        return False
    end = window_end(incident)
    return end is not None and now < end
