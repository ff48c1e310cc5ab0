"""The zero report's deadline, registered with the deadline engine (deadlines.registry) from
DutyConfig.ready(). A breach makes a missed-report candidate; a late filing turns it into a
late one (duty.actions_zero)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deadlines import registry
from deadlines.models import ExpectedReport
from deadlines.rules import BREACH, Cadence, Step
from duty import rules
from duty.models import ZeroPeriod
from duty.schedule import KIND


def _period(row: ExpectedReport) -> ZeroPeriod:
    period = row.subject
    assert isinstance(period, ZeroPeriod)
    return period


def _cadence(row: ExpectedReport) -> Cadence:
    return rules.cadence(_period(row).reminder_minutes)


def _name(row: ExpectedReport) -> str:
    return _period(row).name


def _url(row: ExpectedReport) -> str:
    return "/duty/zero/"


def _what(row: ExpectedReport) -> str:
    day = timezone.localtime(row.due_at).date()
    return _("Zero report of %(day)s") % {"day": day.strftime("%m-%d")}


def _flip(row: ExpectedReport, step: Step) -> None:
    if step.kind == BREACH:
        from duty.actions_zero import missed_candidate

        missed_candidate(row)


def register() -> None:
    registry.register(
        registry.Kind(
            code=KIND,
            label=gettext_lazy("Zero report"),
            cadence=_cadence,
            subject_label=_name,
            subject_url=_url,
            on_flip=_flip,
            describe=_what,
        )
    )
