"""Every write to emergency information goes through here and its siblings, one transaction
per call: opening an incident and its report chain here, with the moves of an incident's clock;
level, policy and forwarding in `actions_level`; sightings and missed-report candidates in
`actions_sightings`.

A received report meets the expected rows it answers (deadlines.actions.meet, a conditional
UPDATE open → met, so the worker and a late report can never both win), schedules what is
expected next, and records a late candidate when it came after its deadline.
"""

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import record
from deadlines import actions as deadlines
from deadlines import registry
from deadlines.models import ExpectedReport, ExpectStatus
from deadlines.rules import minutes_late
from emergencies import actions_upward as upward
from emergencies import announce, numbering, policy, rules, supplement
from emergencies.facts import IncidentFacts as IncidentFacts  # re-exported for callers
from emergencies.facts import PhoneCall as PhoneCall
from emergencies.facts import ReportContent as ReportContent
from emergencies.models import (
    CandidateKind,
    CandidateStatus,
    Category,
    CategoryCode,
    Channel,
    ExpectKind,
    Incident,
    IncidentReport,
    IncidentStatus,
    ReportKind,
    ReportState,
    Sighting,
    SightingStatus,
    ViolationCandidate,
)
from emergencies.signals import (
    candidates_superseded,
    incident_text_written,
    report_received,
)
from org.models import Unit, User
from org.roles import Capability
from xinbao.core.errors import ActionError as ActionError  # re-exported for callers
from xinbao.core.once import AlreadySaved as AlreadySaved  # re-exported for views
from xinbao.core.once import create_once
from xinbao.core.signals import derived_fields

# --- helpers ---------------------------------------------------------------------------------


def _rows(incident: Incident) -> Any:
    return incident.expected.all()


def _late_candidate(row: ExpectedReport, received_at: datetime, evidence: str) -> None:
    late = minutes_late(row.due_at, received_at)
    # What the section owes itself (its call upward, the forwarding) is shown late on the board
    # and the incident page, but the office does not hold itself to account as a unit.
    if late <= 0 or registry.kind(row.kind).office_owes:
        return
    ViolationCandidate.objects.update_or_create(
        expected=row,
        defaults={
            "kind": CandidateKind.LATE,
            "unit_id": row.unit_id,
            # A sighting's watch has the sighting, not an incident, as its subject.
            "incident_id": None if row.kind == ExpectKind.SIGHTING else row.subject_id,
            "minutes_late": late,
            "evidence": evidence,
        },
    )


def meet_expected(
    row: ExpectedReport, report: IncidentReport | None, at: datetime, evidence: str
) -> bool:
    """Close an open row as met. False if someone (the worker, another report) changed it."""
    done = deadlines.meet(row, at, met_by_id=report.pk if report is not None else None)
    if done:
        _late_candidate(row, at, evidence)
    return done


def _report_evidence(report: IncidentReport, row: ExpectedReport) -> str:
    local = timezone.localtime(report.received_at)
    due = timezone.localtime(row.due_at)
    return _(
        "%(kind)s of %(unit)s was due %(due)s and was received %(received)s (%(channel)s)."
    ) % {
        "kind": row.what,
        "unit": report.unit.name,
        "due": due.strftime("%Y-%m-%d %H:%M"),
        "received": local.strftime("%Y-%m-%d %H:%M"),
        "channel": report.get_channel_display(),
    }


# --- opening an incident ---------------------------------------------------------------------


def category_code_for(category: str, code: str) -> CategoryCode | None:
    """The GB/T 35561 code row named `code` (None for a blank code), refused when it is unknown
    or belongs to another class than `category`."""
    if not code:
        return None
    row = CategoryCode.objects.filter(code=code, is_active=True).first()
    if row is None:
        raise ActionError(_("Unknown category code %(code)s.") % {"code": code})
    if rules.code_disagrees(category, row.category):
        raise ActionError(
            _("Code %(code)s (%(name)s) belongs to %(cls)s, not to %(category)s.")
            % {
                "code": row.code,
                "name": row.name,
                "cls": row.get_category_display(),
                "category": Category(category).label,
            }
        )
    return row


def _check_facts(facts: IncidentFacts, now: datetime) -> None:
    if not facts.title.strip():
        raise ActionError(_("The title is required."))
    if not facts.units:
        raise ActionError(_("Name the responsible unit."))
    if facts.category not in Category.values:
        raise ActionError(_("Choose a category."))
    if facts.category == Category.SOCIAL and facts.level:
        raise ActionError(_("Social security events are not graded by level."))
    category_code_for(facts.category, facts.category_code)
    if facts.known_at > now + timedelta(minutes=5) or facts.occurred_at > now + timedelta(
        minutes=5
    ):
        raise ActionError(_("Times cannot be in the future."))
    if facts.occurred_at > facts.known_at:
        raise ActionError(_("The event cannot have become known before it happened."))


def do_open_incident(
    actor: User,
    facts: IncidentFacts,
    content: ReportContent,
    call: PhoneCall | None = None,
    now: datetime | None = None,
    token: UUID | None = None,
) -> IncidentReport:
    """Open an incident with its initial report (首报). A unit's officer files it in writing
    for their own unit (it then awaits the unit head's sign-off); the duty office or the section
    logs it by phone on a unit's behalf. `token`: the creating form's (xinbao.core.once);
    posted again, it raises AlreadySaved with the report made the first time."""
    at = now or timezone.now()
    _check_facts(facts, at)
    if call is None:
        if not actor.can(Capability.REPORT_EMERGENCIES) or [u.pk for u in facts.units] != [
            actor.unit_id
        ]:
            raise ActionError(_("An officer reports in writing for their own unit only."))
    elif not actor.can(Capability.LOG_CALLS):
        raise ActionError(_("Only the duty office or the section logs phone reports."))
    if not content.summary.strip():
        raise ActionError(_("Say briefly what happened."))

    def write() -> IncidentReport:
        with transaction.atomic():
            start = rules.clock_start(facts.known_at, [s.seen_at for s in facts.sightings])
            if call is not None:
                start = min(start, call.called_at)
            incident = Incident.objects.create(
                title=facts.title.strip(),
                category=facts.category,
                category_code=category_code_for(facts.category, facts.category_code),
                subtype=facts.subtype,
                level=facts.level,
                sensitive=facts.sensitive,
                place=facts.place.strip(),
                occurred_at=facts.occurred_at,
                known_at=facts.known_at,
                clock_start=start,
                policy=policy.snapshot(facts.category),
                policy_applied_at=at,
                created_by=actor,
                **derived_fields(
                    incident_text_written,
                    Incident,
                    title=facts.title.strip(),
                    place=facts.place.strip(),
                    summary=content.summary,
                ),
            )
            incident.responsible_units.set(facts.units)
            rule = policy.rule_for(incident)
            for unit in facts.units:
                _expect_initial(incident, unit, rule, at)
            for sighting in facts.sightings:
                attach_sighting(sighting, incident, at)
            report = _new_report(
                actor, incident, facts.units[0], ReportKind.INITIAL, content, call, at, token
            )
            for unit in facts.units[1:]:
                announce.now_due(incident, unit, actor)
            record(
                actor,
                "incident_opened",
                f"incident:{incident.pk}",
                {
                    "category": incident.category,
                    "category_code": facts.category_code,
                    "level": incident.level,
                    "units": [u.code for u in facts.units],
                    "report": report.pk,
                    "channel": report.channel,
                },
            )
        return report

    return create_once(IncidentReport, "author", actor.pk, token, write)


def _expect_initial(incident: Incident, unit: Unit, rule: rules.Rule, now: datetime) -> None:
    if rule.phone_minutes:
        deadlines.expect(
            kind=ExpectKind.PHONE,
            unit=unit,
            subject=incident,
            window_start=incident.clock_start,
            due_at=incident.clock_start + timedelta(minutes=rule.phone_minutes),
            cadence=rule,
            now=now,
        )
    deadlines.expect(
        kind=ExpectKind.WRITTEN,
        unit=unit,
        subject=incident,
        window_start=incident.clock_start,
        due_at=incident.clock_start + timedelta(minutes=rule.written_minutes),
        cadence=rule,
        now=now,
    )


def _new_report(
    actor: User,
    incident: Incident,
    unit: Unit,
    kind: str,
    content: ReportContent,
    call: PhoneCall | None,
    now: datetime,
    token: UUID | None = None,
) -> IncidentReport:
    channel = Channel.PHONE if call else Channel.WRITTEN
    kind, sequence = numbering.kind_and_number(incident, unit, kind, channel)
    report = IncidentReport.objects.create(
        incident=incident,
        unit=unit,
        kind=kind,
        sequence=sequence,
        channel=channel,
        state=ReportState.RECEIVED if call else ReportState.AWAITING_SIGNOFF,
        author=actor,
        form_token=token,
        caller=call.caller if call else "",
        caller_phone=call.caller_phone if call else "",
        called_at=call.called_at if call else None,
        received_at=call.called_at if call else None,
        **{k: getattr(content, k) for k in ReportContent.__dataclass_fields__},
    )
    facts = {"report": report.pk, "kind": kind, "sequence": sequence, "unit": unit.code}
    facts |= {"channel": report.channel, "state": report.state}
    record(actor, "incident_report_filed", f"incident:{incident.pk}", facts)
    if call is not None:
        _on_received(report, now)
        announce.due_next(report)
    else:
        announce.awaiting_signoff(report)
    return report


# --- the chain -------------------------------------------------------------------------------


def do_add_report(
    actor: User,
    incident_id: int,
    kind: str,
    content: ReportContent,
    unit: Unit | None = None,
    call: PhoneCall | None = None,
    now: datetime | None = None,
    token: UUID | None = None,
) -> IncidentReport:
    """A follow-up (续报) or the final report (终报), in writing or taken by phone; after the
    final report, a supplementary report (补报) within its window. `token` as for
    `do_open_incident`."""
    at = now or timezone.now()
    if kind not in ReportKind.values:
        raise ActionError(_("Unknown report kind."))
    if not content.summary.strip():
        raise ActionError(_("Say what is new."))

    def write() -> IncidentReport:
        with transaction.atomic():
            incident = Incident.objects.select_for_update().get(pk=incident_id)
            supplement.check(incident, kind, call.called_at if call else at)
            units = {u.pk: u for u in incident.responsible_units.all()}
            if call is None:
                if not actor.can(Capability.REPORT_EMERGENCIES) or actor.unit_id not in units:
                    raise ActionError(_("Only a responsible unit's officer reports in writing."))
                report_unit = units[actor.unit_id]
            else:
                if not actor.can(Capability.LOG_CALLS):
                    raise ActionError(_("Only the duty office or the section logs phone reports."))
                if unit is None or unit.pk not in units:
                    raise ActionError(_("Choose the responsible unit that called."))
                report_unit = unit
            return _new_report(actor, incident, report_unit, kind, content, call, at, token)

    return create_once(IncidentReport, "author", actor.pk, token, write)


def do_sign_off_report(actor: User, report_id: int, now: datetime | None = None) -> IncidentReport:
    """The unit head signs a written report off; the office receives it at that moment."""
    now = now or timezone.now()
    with transaction.atomic():
        report = IncidentReport.objects.select_for_update().select_related("unit").get(pk=report_id)
        if not actor.can(Capability.SIGN_OFF) or actor.unit_id != report.unit_id:
            raise ActionError(_("Only the unit's head signs its reports off."))
        claimed = IncidentReport.objects.filter(
            pk=report.pk, state=ReportState.AWAITING_SIGNOFF
        ).update(state=ReportState.RECEIVED, received_at=now, signed_off_by=actor)
        if not claimed:
            raise ActionError(_("This report was already signed off."))
        report.refresh_from_db()
        _on_received(report, now)
        announce.due_next(report)
        record(
            actor,
            "incident_report_signed_off",
            f"incident:{report.incident_id}",
            {"report": report.pk, "kind": report.kind, "sequence": report.sequence},
        )
    return report


def _on_received(report: IncidentReport, now: datetime) -> None:
    """Announce the report to the desk that is on, meet what it answers and expect what comes
    next."""
    incident = report.incident
    at = report.received_at or now
    announce.received(report, at)
    report_received.send(sender=IncidentReport, report=report, now=now)
    rule = policy.rule_for(incident)
    upward.owe_upward(incident, rule, now)
    if report.kind == ReportKind.SUPPLEMENTARY:
        return  # after the final report: it answers nothing and nothing follows it
    open_rows = list(_rows(incident).filter(unit=report.unit, status=ExpectStatus.OPEN))
    by_kind: dict[str, list[ExpectedReport]] = {}
    for row in open_rows:
        by_kind.setdefault(row.kind, []).append(row)

    # Any report, by any channel, answers the phone deadline and another channel's sighting.
    for row in by_kind.get(ExpectKind.PHONE, []) + by_kind.get(ExpectKind.SIGHTING, []):
        meet_expected(row, report, at, _report_evidence(report, row))
    if report.channel != Channel.WRITTEN:
        # A phone report does not satisfy a written deadline; a final report closes the
        # incident however it came in.
        if report.kind == ReportKind.FINAL:
            _close(incident, report, at)
        return
    written_met = False
    for row in by_kind.get(ExpectKind.WRITTEN, []):
        written_met = meet_expected(row, report, at, _report_evidence(report, row)) or written_met
    if written_met:
        # The first written report, whatever it calls itself, is the written initial report.
        _after_written_initial(incident, report, rule, at, now)
    elif report.kind in (ReportKind.FOLLOWUP, ReportKind.FINAL):
        followups = sorted(by_kind.get(ExpectKind.FOLLOWUP, []), key=lambda r: r.sequence)
        met_row = followups[0] if followups else None
        if met_row is not None:
            meet_expected(met_row, report, at, _report_evidence(report, met_row))
        if report.kind == ReportKind.FOLLOWUP and rule.has_followups:
            after = max(at, met_row.due_at) if met_row else at
            sequence = (met_row.sequence if met_row else report.sequence) + 1
            _expect_followup(incident, report.unit, rule, after, at, now, sequence)
    if report.kind == ReportKind.FINAL:
        _close(incident, report, at)


def _expect_followup(
    incident: Incident,
    unit: Unit,
    rule: rules.Rule,
    after: datetime,
    window_start: datetime,
    now: datetime,
    sequence: int,
) -> None:
    due = rules.followup_due(after, rule)
    if due is None:
        return
    deadlines.expect(
        kind=ExpectKind.FOLLOWUP,
        unit=unit,
        subject=incident,
        window_start=window_start,
        due_at=due,
        cadence=rule,
        now=now,
        sequence=sequence,
    )


def _after_written_initial(
    incident: Incident, report: IncidentReport, rule: rules.Rule, at: datetime, now: datetime
) -> None:
    if rule.has_followups:
        # Follow-ups phoned in before the written initial report keep their numbers.
        first = numbering.next_followup_number(incident, report.unit)
        _expect_followup(incident, report.unit, rule, at, at, now, first)


def _close(incident: Incident, report: IncidentReport, at: datetime) -> None:
    Incident.objects.filter(pk=incident.pk).update(status=IncidentStatus.CLOSED, closed_at=at)
    incident.status, incident.closed_at = IncidentStatus.CLOSED, at
    record(
        None,
        "incident_closed",
        f"incident:{incident.pk}",
        {"report": report.pk, "from": IncidentStatus.OPEN, "to": IncidentStatus.CLOSED},
    )
    # Nothing more is expected from anybody, except the office's own duties upward.
    deadlines.cancel(_rows(incident).exclude(kind__in=upward.UPWARD))


# --- moving an incident's deadlines ---------------------------------------------------------


def recompute_deadlines(incident: Incident, rule: rules.Rule, now: datetime) -> None:
    """Re-derive every open deadline from the incident's clock and the given rule."""
    for row in list(_rows(incident).filter(status=ExpectStatus.OPEN)):
        window_start, due_at = row.window_start, row.due_at
        if row.kind == ExpectKind.PHONE:
            if not rule.phone_minutes:
                deadlines.cancel(_rows(incident).filter(pk=row.pk))
                continue
            window_start = incident.clock_start
            due_at = incident.clock_start + timedelta(minutes=rule.phone_minutes)
        elif row.kind == ExpectKind.WRITTEN:
            window_start = incident.clock_start
            due_at = incident.clock_start + timedelta(minutes=rule.written_minutes)
        elif row.kind == ExpectKind.FOLLOWUP:
            due = rules.followup_due(_followup_counted_from(incident, row), rule)
            if due is None:
                deadlines.cancel(_rows(incident).filter(pk=row.pk))
                continue
            due_at = due
        elif row.kind in upward.UPWARD:
            upward_due = upward.recompute(row.kind, row.window_start, rule)
            if upward_due is None:
                deadlines.cancel(_rows(incident).filter(pk=row.pk))
                continue
            due_at = upward_due
        deadlines.reschedule(row, window_start=window_start, due_at=due_at, cadence=rule, now=now)
    # A stricter level may demand a phone report the old one did not.
    if rule.phone_minutes:
        for unit in incident.responsible_units.all():
            has_phone = _rows(incident).filter(kind=ExpectKind.PHONE, unit=unit).exists()
            answered = (
                _rows(incident)
                .filter(kind=ExpectKind.WRITTEN, unit=unit, status=ExpectStatus.MET)
                .exists()
                or IncidentReport.objects.filter(
                    incident=incident, unit=unit, state=ReportState.RECEIVED
                ).exists()
            )
            if not has_phone and not answered:
                deadlines.expect(
                    kind=ExpectKind.PHONE,
                    unit=unit,
                    subject=incident,
                    window_start=incident.clock_start,
                    due_at=incident.clock_start + timedelta(minutes=rule.phone_minutes),
                    cadence=rule,
                    now=now,
                )
    # A graver level may oblige the section to phone and forward what it already knows; those
    # duties' clocks start when the level changed, since nobody owed them before.
    upward.owe_upward(incident, rule, now, since=now)


def _followup_counted_from(incident: Incident, row: ExpectedReport) -> datetime:
    """The moment a follow-up's deadline counts from, as `_on_received` chose it: the receipt
    of the report before it, or that report's own slot when it came early."""
    previous = (
        _rows(incident)
        .filter(kind=ExpectKind.FOLLOWUP, unit=row.unit_id, sequence=row.sequence - 1)
        .values_list("due_at", flat=True)
        .first()
    )
    return max(row.window_start, previous) if previous else row.window_start


def attach_sighting(sighting: Sighting, incident: Incident, now: datetime) -> None:
    knew_before = upward.section_knew_at(incident)
    Sighting.objects.filter(pk=sighting.pk).update(incident=incident, status=SightingStatus.MATCHED)
    sighting.incident, sighting.status = incident, SightingStatus.MATCHED
    # From now on the incident's own deadlines (with the clock moved to the sighting, below)
    # hold the unit to account; the watch is no longer needed, and a missed-report candidate
    # it raised gives way to the late candidates those deadlines produce.
    deadlines.cancel(sighting.expected.all())
    superseded = list(
        ViolationCandidate.objects.filter(
            expected__sighting=sighting, kind=CandidateKind.MISSED, status=CandidateStatus.OPEN
        ).values_list("pk", flat=True)
    )
    if superseded:
        ViolationCandidate.objects.filter(pk__in=superseded).update(
            status=CandidateStatus.SUPERSEDED, incident=incident
        )
        candidates_superseded.send(ViolationCandidate, candidate_ids=superseded)
    # The section saw it through this channel: its own duties upward count from then.
    upward.knew_earlier(incident, knew_before, policy.rule_for(incident), now)
    upward.owe_upward(incident, policy.rule_for(incident), now)
    if sighting.seen_at < incident.clock_start:
        Incident.objects.filter(pk=incident.pk).update(clock_start=sighting.seen_at)
        incident.clock_start = sighting.seen_at
        rule = policy.rule_for(incident)
        recompute_deadlines(incident, rule, now)
        _reassess_met(incident, rule, now)


def _reassess_met(incident: Incident, rule: rules.Rule, now: datetime) -> None:
    """After the clock moved earlier, initial reports already received may now be late."""
    rows = list(
        _rows(incident).filter(
            status=ExpectStatus.MET, kind__in=[ExpectKind.PHONE, ExpectKind.WRITTEN]
        )
    )
    met_by = IncidentReport.objects.select_related("unit").in_bulk(
        [row.met_by_id for row in rows if row.met_by_id is not None]
    )
    for row in rows:
        minutes = rule.phone_minutes if row.kind == ExpectKind.PHONE else rule.written_minutes
        if minutes is None or row.met_at is None:
            continue
        deadlines.reschedule(
            row,
            window_start=incident.clock_start,
            due_at=incident.clock_start + timedelta(minutes=minutes),
            cadence=None,
            now=now,
        )
        report = met_by.get(row.met_by_id) if row.met_by_id is not None else None
        if report is not None:
            _late_candidate(row, row.met_at, _report_evidence(report, row))
