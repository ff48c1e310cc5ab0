"""Every write of criticism notices: an own notice is drafted from confirmed violations,
edited while a draft, and takes its number (〔year〕N号) when it is issued, under a lock on the
year's counter; an upper-level notice is recorded with its own number. Each write is one
transaction with its audit row, and an issued notice goes to the units it names.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability import access, drafting, queries
from accountability.models import (
    CriticismNotice,
    Issuer,
    NoticeCounter,
    NoticePolicy,
    NoticeStatus,
    Violation,
    ViolationStatus,
)
from accountability.signals import notice_issued
from audit.actions import record
from notify.actions import Message, dispatch
from notify.models import Severity
from org.models import Unit, User
from xinbao.core.counters import take_next
from xinbao.core.errors import ActionError as ActionError  # re-exported for callers


def _need_issuer(actor: User) -> None:
    if not access.may_issue(actor):
        raise ActionError(_("Only the section chief handles criticism notices."))


def _city_violations(
    violation_ids: Sequence[int], notice: CriticismNotice | None
) -> list[Violation]:
    """Confirmed violations no other own notice names, locked, in the order a notice lists
    them."""
    ids = set(violation_ids)
    if not ids:
        raise ActionError(_("Choose the confirmed violations the notice names."))
    rows = list(
        Violation.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, status=ViolationStatus.CONFIRMED)
        .select_related("unit", "incident", "item")
        .order_by("unit__sort_order", "unit__code", "occurred_on", "pk")
    )
    if len(rows) != len(ids):
        raise ActionError(_("A notice names confirmed violations only."))
    elsewhere = CriticismNotice.violations.through.objects.filter(
        violation_id__in=ids, criticismnotice__issuer=Issuer.OWN
    )
    if notice is not None:
        elsewhere = elsewhere.exclude(criticismnotice_id=notice.pk)
    if elsewhere.exists():
        raise ActionError(
            _("Some of these violations are already in another of this office's notices.")
        )
    return rows


def _lock_notice(notice_id: int) -> CriticismNotice:
    try:
        return CriticismNotice.objects.select_for_update().get(pk=notice_id)
    except CriticismNotice.DoesNotExist:
        raise ActionError(_("No such notice.")) from None


def do_draft_notice(
    actor: User, violation_ids: Sequence[int], send_to_all: bool = False, today: date | None = None
) -> CriticismNotice:
    """A draft own notice naming the chosen confirmed violations, its text prefilled."""
    _need_issuer(actor)
    today = today or timezone.localdate()
    with transaction.atomic():
        violations = _city_violations(violation_ids, None)
        policy = NoticePolicy.current()
        notice = CriticismNotice.objects.create(
            issuer=Issuer.OWN,
            year=today.year,
            title=drafting.title(violations),
            body=drafting.body(violations),
            issuing_office=policy.office_name,
            recipients=policy.recipients,
            send_to_all=send_to_all,
            created_by=actor,
        )
        notice.violations.set(violations)
        notice.units.set({v.unit_id for v in violations})
        record(
            actor,
            "notice_drafted",
            f"notice:{notice.pk}",
            {"violations": sorted(v.pk for v in violations)},
        )
    return notice


@dataclass(frozen=True)
class NoticeText:
    title: str
    body: str
    issuing_office: str
    recipients: str
    send_to_all: bool
    violation_ids: Sequence[int]
    copy_to: str = ""


def _check_text(text: NoticeText) -> None:
    if not text.title.strip() or not text.body.strip():
        raise ActionError(_("The title and the text are required."))
    if not text.issuing_office.strip():
        raise ActionError(_("Name the issuing office."))


TEXT_FIELDS = ("title", "body", "issuing_office", "recipients", "copy_to", "send_to_all")


def _draft_facts(notice: CriticismNotice, violation_ids: Iterable[int]) -> dict[str, object]:
    return {
        **{name: getattr(notice, name) for name in TEXT_FIELDS},
        "violations": sorted(violation_ids),
    }


def do_edit_notice(actor: User, notice_id: int, text: NoticeText) -> CriticismNotice:
    """Edit a draft own notice: its text, its recipients and the violations it names. The
    before and after go into the audit log; an edit that changes nothing writes nothing."""
    _need_issuer(actor)
    _check_text(text)
    with transaction.atomic():
        notice = _lock_notice(notice_id)
        if notice.issuer != Issuer.OWN or notice.status != NoticeStatus.DRAFT:
            raise ActionError(_("Only a draft of this office's own notice can be edited."))
        violations = _city_violations(text.violation_ids, notice)
        before = _draft_facts(notice, notice.violations.values_list("pk", flat=True))
        notice.title = text.title.strip()
        notice.body = text.body.strip()
        notice.issuing_office = text.issuing_office.strip()
        notice.recipients = text.recipients.strip()
        notice.copy_to = text.copy_to.strip()
        notice.send_to_all = text.send_to_all
        after = _draft_facts(notice, [v.pk for v in violations])
        if after == before:
            return notice
        notice.save(update_fields=list(TEXT_FIELDS))
        notice.violations.set(violations)
        notice.units.set({v.unit_id for v in violations})
        # The notice's text stays out of the log: which fields changed, and the violations.
        changed = sorted(k for k in after if k != "violations" and after[k] != before[k])
        record(
            actor,
            "notice_edited",
            f"notice:{notice.pk}",
            {
                "fields": changed,
                "before": {"violations": before["violations"]},
                "after": {"violations": after["violations"]},
            },
        )
    return notice


def do_discard_notice(actor: User, notice_id: int) -> None:
    _need_issuer(actor)
    with transaction.atomic():
        notice = _lock_notice(notice_id)
        if notice.status != NoticeStatus.DRAFT:
            raise ActionError(_("An issued notice stays on record."))
        record(
            actor,
            "notice_discarded",
            f"notice:{notice.pk}",
            {"violations": sorted(notice.violations.values_list("pk", flat=True))},
        )
        notice.delete()


def next_number(year: int) -> int:
    """Take the next number of the year's own notices. Called inside the issuing transaction,
    so two notices issued at once get consecutive numbers."""
    return take_next(NoticeCounter, "last", year=year)


def do_issue_notice(
    actor: User, notice_id: int, issued_on: date, now: datetime | None = None
) -> CriticismNotice:
    """Number the draft (〔year〕N号 of the year it is issued in), date it and send it."""
    _need_issuer(actor)
    now = now or timezone.now()
    if issued_on > timezone.localdate(now):
        raise ActionError(_("The date cannot be in the future."))
    with transaction.atomic():
        notice = _lock_notice(notice_id)
        if notice.issuer != Issuer.OWN or notice.status != NoticeStatus.DRAFT:
            raise ActionError(_("Only a draft of this office's own notice can be issued."))
        ids = list(notice.violations.values_list("pk", flat=True))
        if not ids:
            raise ActionError(_("Choose the confirmed violations the notice names."))
        if notice.violations.exclude(status=ViolationStatus.CONFIRMED).exists():
            raise ActionError(_("A notice names confirmed violations only."))
        year = issued_on.year
        number = next_number(year)
        policy = NoticePolicy.current()
        changes = {
            "status": NoticeStatus.ISSUED,
            "year": year,
            "number": number,
            "doc_number": policy.doc_number(year, number),
            "issued_on": issued_on,
            "issued_by": actor,
            "issued_at": now,
        }
        done = CriticismNotice.objects.filter(pk=notice.pk, status=NoticeStatus.DRAFT).update(
            **changes
        )
        if not done:
            raise ActionError(_("Someone else issued this notice just now."))
        for name, value in changes.items():
            setattr(notice, name, value)
        _deliver(notice)
        record(
            actor,
            "notice_issued",
            f"notice:{notice.pk}",
            {"doc_number": notice.doc_number, "violations": sorted(ids)},
        )
        notice_issued.send(sender=CriticismNotice, notice=notice)
    return notice


@dataclass(frozen=True)
class ProvinceNotice:
    doc_number: str
    issued_on: date
    title: str
    body: str
    issuing_office: str
    units: Sequence[Unit]
    violation_ids: Sequence[int]
    send_to_all: bool = False


def do_record_province_notice(
    actor: User, entry: ProvinceNotice, now: datetime | None = None
) -> CriticismNotice:
    """A notice received from the office above, with its own number and date, linked to
    the confirmed violations of the units it names."""
    _need_issuer(actor)
    now = now or timezone.now()
    doc_number = entry.doc_number.strip()
    if not doc_number:
        raise ActionError(_("The document number is required."))
    _check_text(
        NoticeText(entry.title, entry.body, entry.issuing_office, "", entry.send_to_all, ())
    )
    if not entry.units:
        raise ActionError(_("Name the units the notice criticises."))
    if entry.issued_on > timezone.localdate(now):
        raise ActionError(_("The date cannot be in the future."))
    unit_ids = {u.pk for u in entry.units}
    with transaction.atomic():
        if CriticismNotice.objects.filter(issuer=Issuer.UPPER, doc_number=doc_number).exists():
            raise ActionError(_("An upper-level notice with this number is already recorded."))
        violations = list(
            Violation.objects.filter(pk__in=set(entry.violation_ids)).select_related("unit")
        )
        if len(violations) != len(set(entry.violation_ids)) or any(
            v.status != ViolationStatus.CONFIRMED or v.unit_id not in unit_ids for v in violations
        ):
            raise ActionError(
                _("The notice can name only confirmed violations of the units it names.")
            )
        notice = CriticismNotice.objects.create(
            issuer=Issuer.UPPER,
            status=NoticeStatus.ISSUED,
            year=entry.issued_on.year,
            doc_number=doc_number,
            title=entry.title.strip(),
            body=entry.body.strip(),
            issuing_office=entry.issuing_office.strip(),
            issued_on=entry.issued_on,
            send_to_all=entry.send_to_all,
            created_by=actor,
            issued_by=actor,
            issued_at=now,
        )
        notice.units.set(entry.units)
        notice.violations.set(violations)
        _deliver(notice)
        record(
            actor,
            "province_notice_recorded",
            f"notice:{notice.pk}",
            {
                "doc_number": doc_number,
                "units": sorted(u.code for u in entry.units),
                "violations": sorted(v.pk for v in violations),
            },
        )
    return notice


def _deliver(notice: CriticismNotice) -> None:
    """The notice to the inboxes (and channels) of the units it names, and of every reporting
    unit when it is sent to all."""
    if notice.send_to_all:
        units = list(Unit.objects.filter(is_reporting=True, is_active=True))
        units += list(notice.units.exclude(pk__in=[u.pk for u in units]))
    else:
        units = list(notice.units.all())
    dispatch(
        Message(
            title=_("[Criticism notice] %(number)s %(title)s")
            % {"number": notice.doc_number, "title": notice.title},
            body=notice.body[:300],
            url=f"/accountability/notices/{notice.pk}/",
            severity=Severity.WARNING,
            key=f"notice:{notice.pk}",
        ),
        queries.unit_people([u.pk for u in units]),
        units,
    )
