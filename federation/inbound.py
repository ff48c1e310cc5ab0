"""The receiving side: verify a signed request, then file the message through the same actions a
person's report goes through (so the same rules, deadlines and audit apply), exactly once per
idempotency key. The view (`federation.views.inbox`) only turns outcomes into HTTP answers."""

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accountability.actions import do_record_upper_violation
from accountability.actions_notices import ProvinceNotice, do_record_province_notice
from audit.actions import record
from emergencies.actions import (
    IncidentFacts,
    ReportContent,
    category_code_for,
    do_add_report,
    do_open_incident,
    do_sign_off_report,
)
from emergencies.models import Category, Incident, Level, ReportKind
from federation import items, signing
from federation.models import (
    ARRIVES_ON,
    FederationPolicy,
    InboundMessage,
    Link,
    MessageKind,
    Nonce,
    Refusal,
    RefusalReason,
    RemoteIncident,
)
from org.models import Unit, hub_unit
from xinbao.core.errors import ActionError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Outcome:
    status: int
    data: dict[str, Any]


def refuse(
    reason: RefusalReason, status: int, now: datetime, office: str, addr: str, detail: str = ""
) -> Outcome:
    """Answer a refusal and log it. A request without the federation's headers is not worth a
    row (anyone can send one, and would fill the table): it goes to the process log only."""
    if reason == RefusalReason.MALFORMED and not office:
        log.warning("federation: unsigned request from %s refused", addr)
    else:
        Refusal.objects.create(
            at=now,
            reason=reason,
            office_code=office[:60],
            remote_addr=addr[:60],
            detail=detail[:300],
        )
    message = {
        RefusalReason.MALFORMED: _("The request is not signed as federation requests must be."),
        RefusalReason.UNKNOWN_LINK: _("No active link for this office."),
        RefusalReason.STALE: _("The request's timestamp is outside the replay window."),
        RefusalReason.BAD_SIGNATURE: _("The signature does not match."),
        RefusalReason.REPLAY: _("This request was already received (replay)."),
        RefusalReason.BAD_BODY: _("The message cannot be read."),
        RefusalReason.NOT_FILED: _("The message could not be filed."),
    }[reason]
    return Outcome(status, {"error": str(message), "code": str(reason), "detail": detail})


def _accepted_secrets(link: Link, now: datetime) -> list[str]:
    accepted = [link.secret]
    if link.previous_secret and link.previous_valid_until and link.previous_valid_until > now:
        accepted.append(link.previous_secret)
    return accepted


def receive(
    method: str,
    path: str,
    headers: Any,
    body: bytes,
    now: datetime,
    remote_addr: str,
) -> Outcome:
    """Verify and file one request. Messages upward arrive on this instance's DOWN links,
    messages downward on its UP link (`ARRIVES_ON`)."""
    signed = signing.parse_headers(headers)
    office = str(headers.get(signing.OFFICE_HEADER, ""))
    if signed is None or len(body) > MAX_BODY_BYTES:
        return refuse(RefusalReason.MALFORMED, 401, now, office, remote_addr)
    link = Link.objects.filter(office_code=signed.office, is_active=True).order_by("pk").first()
    if link is None:
        return refuse(RefusalReason.UNKNOWN_LINK, 401, now, office, remote_addr)
    policy = FederationPolicy.current()
    window = policy.replay_window_seconds
    verdict = signing.verify(
        signed, _accepted_secrets(link, now), method, path, body, int(now.timestamp()), window
    )
    if verdict is signing.Verdict.STALE:
        detail = f"timestamp {signed.timestamp}, now {int(now.timestamp())}"
        return refuse(RefusalReason.STALE, 401, now, office, remote_addr, detail)
    if verdict is not signing.Verdict.OK:
        return refuse(RefusalReason.BAD_SIGNATURE, 401, now, office, remote_addr)
    try:
        with transaction.atomic():
            Nonce.objects.filter(link=link, expires_at__lt=now).delete()
            expires = datetime.fromtimestamp(signed.timestamp, tz=now.tzinfo) + timedelta(
                seconds=window
            )
            Nonce.objects.create(link=link, nonce=signed.nonce, expires_at=expires)
    except IntegrityError:
        return refuse(RefusalReason.REPLAY, 409, now, office, remote_addr, signed.nonce)
    try:
        message = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return refuse(RefusalReason.BAD_BODY, 400, now, office, remote_addr, "not JSON")
    if (
        not isinstance(message, dict)
        or message.get("v") != SCHEMA_VERSION
        or message.get("key") != signed.key
        or message.get("kind") not in MessageKind.values
        or ARRIVES_ON[message["kind"]] != link.direction
    ):
        return refuse(RefusalReason.BAD_BODY, 400, now, office, remote_addr, "schema")
    seen = InboundMessage.objects.filter(link=link, key=signed.key).first()
    if seen is not None:
        return Outcome(200, seen.ack)
    try:
        with transaction.atomic():
            target = file_message(link, message, now)
            ack = {
                "v": SCHEMA_VERSION,
                "ack": signed.key,
                "received_at": now.isoformat(),
                "filed_as": target,
            }
            InboundMessage.objects.create(
                link=link,
                key=signed.key,
                kind=message["kind"],
                body=message,
                target=target,
                received_at=now,
                ack=ack,
            )
    except IntegrityError:
        # The same message, sent twice at once: the other request filed it.
        seen = InboundMessage.objects.filter(link=link, key=signed.key).first()
        if seen is not None:
            return Outcome(200, seen.ack)
        raise
    except (ActionError, KeyError, TypeError, ValueError) as exc:
        return refuse(RefusalReason.NOT_FILED, 422, now, office, remote_addr, str(exc))
    return Outcome(200, ack)


# --- filing ----------------------------------------------------------------------------------


def _when(raw: object) -> datetime:
    value = parse_datetime(str(raw or ""))
    if value is None or value.tzinfo is None:
        raise ValueError(f"not a time with an offset: {raw!r}")
    return value


def _count(raw: object) -> int | None:
    if raw is None or raw == "":
        return None
    if not isinstance(raw, int) or isinstance(raw, bool) or not 0 <= raw <= 2_147_483_647:
        raise ValueError(f"not a count: {raw!r}")
    return raw


def _loss(raw: object) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise ValueError(f"not an amount: {raw!r}") from None
    if not value.is_finite() or value < 0 or value >= Decimal("1e10"):
        raise ValueError(f"not an amount: {raw!r}")
    return value.quantize(Decimal("0.01"))


def _text(raw: object, limit: int) -> str:
    return str(raw or "")[:limit]


def _content(summary: str, figures: dict[str, Any], report: dict[str, Any]) -> ReportContent:
    return ReportContent(
        summary=summary[:5000],
        deaths=_count(figures.get("deaths")),
        serious_injuries=_count(figures.get("serious_injuries")),
        injuries=_count(figures.get("injuries")),
        missing=_count(figures.get("missing")),
        direct_loss=_loss(figures.get("direct_loss_10k_yuan")),
        cause=_text(report.get("cause"), 2000),
        measures=_text(report.get("measures"), 3000),
        trend=_text(report.get("trend"), 2000),
        on_site=_text(report.get("on_site"), 200),
        contact=_text(report.get("contact"), 100),
    )


def _actors(link: Link) -> tuple[Any, Any]:
    if link.unit is None or link.filer is None or link.signer is None:
        raise ActionError(_("This link has no unit to file reports for."))
    return link.filer, link.signer


def file_message(link: Link, message: dict[str, Any], now: datetime) -> str:
    kind = message["kind"]
    if kind in items.FILERS:
        return items.FILERS[kind](link, message, now)
    if kind == MessageKind.INCIDENT_FORWARD:
        return _file_forward(link, message, now)
    if kind == MessageKind.NOTICE_ISSUED:
        return _file_notice(link, message, now)
    return _file_report(link, message, now)


def _file_forward(link: Link, message: dict[str, Any], now: datetime) -> str:
    filer, signer = _actors(link)
    remote = message["incident"]
    remote_id = int(remote["id"])
    known = RemoteIncident.objects.filter(link=link, remote_id=remote_id).first()
    if known is not None:
        # Forwarded again (the section forwarded a second text): it adds to the chain.
        report = do_add_report(
            filer,
            known.incident_id,
            ReportKind.FOLLOWUP,
            _content(str(message["text"]), message.get("figures") or {}, {}),
            now=now,
        )
        do_sign_off_report(signer, report.pk, now)
        _audit(filer, link, message, f"incident:{known.incident_id}")
        return f"incident:{known.incident_id}"
    category = str(remote["category"])
    level = str(remote.get("level") or "")
    if category not in Category.values:
        raise ActionError(_("Unknown category: %(c)s") % {"c": category})
    if level and level not in Level.values:
        raise ActionError(_("Unknown level: %(l)s") % {"l": level})
    latest = (message.get("chain") or [{}])[-1]
    facts = IncidentFacts(
        title=_text(remote["title"], 120),
        category=category,
        place=_text(remote["place"], 200),
        occurred_at=_when(remote["occurred_at"]),
        known_at=_when(remote["known_at"]),
        units=[link.unit] if link.unit is not None else [],
        level=level,
        subtype=_text(remote.get("subtype"), 40),
        sensitive=bool(remote.get("sensitive")),
        category_code=_known_code(category, remote.get("category_code")),
    )
    content = _content(str(message["text"]), message.get("figures") or {}, latest)
    report = do_open_incident(filer, facts, content, now=now)
    do_sign_off_report(signer, report.pk, now)
    RemoteIncident.objects.create(link=link, remote_id=remote_id, incident_id=report.incident_id)
    _audit(filer, link, message, f"incident:{report.incident_id}")
    return f"incident:{report.incident_id}"


def _known_code(category: str, raw: object) -> str:
    """The sender's GB/T 35561 code when this instance's own code table has it (active, of the
    incident's class); otherwise none — an unknown code is not the message's fault."""
    if not isinstance(raw, str) or not raw:
        return ""
    try:
        return raw if category_code_for(category, raw) is not None else ""
    except ActionError:
        return ""


UPPER_KIND: dict[str, str] = {
    ReportKind.INITIAL: ReportKind.FOLLOWUP,  # another unit's first report: new to the province
    ReportKind.FOLLOWUP: ReportKind.FOLLOWUP,
    ReportKind.FINAL: ReportKind.FINAL,
    ReportKind.SUPPLEMENTARY: ReportKind.SUPPLEMENTARY,
}


def _file_report(link: Link, message: dict[str, Any], now: datetime) -> str:
    filer, signer = _actors(link)
    remote_id = int(message["incident"]["id"])
    known = RemoteIncident.objects.filter(link=link, remote_id=remote_id).first()
    if known is None:
        raise ActionError(_("This incident was never forwarded here."))
    report = message["report"]
    kind = UPPER_KIND.get(str(report.get("kind")))
    if kind is None:
        raise ActionError(_("Unknown report kind."))
    content = _content(str(report.get("summary") or ""), report, report)
    filed = do_add_report(filer, known.incident_id, kind, content, now=now)
    do_sign_off_report(signer, filed.pk, now)
    _audit(filer, link, message, f"incident:{known.incident_id}")
    return f"incident:{known.incident_id}"


def _file_notice(link: Link, message: dict[str, Any], now: datetime) -> str:
    """The upper office's criticism notice: each violation it names is recorded as confirmed
    against the units responsible for the incident it is about (the lower office itself when
    the incident did not come from here), then the notice as an upper-level notice naming them —
    so the ledger and the eligibility rule take it like one typed in by the chief."""
    recorder = link.signer
    office = hub_unit()
    if recorder is None or office is None:
        raise ActionError(_("This link has no account to record notices with."))
    notice = message["notice"]
    violations = []
    units: dict[int, Unit] = {}
    evidence = _("Named in the upper office's notice %(doc)s (federation message %(key)s).") % {
        "doc": _text(notice["doc_number"], 60),
        "key": message["key"],
    }
    for entry in message["violations"]:
        incident = None
        if entry.get("incident") is not None:
            incident = Incident.objects.filter(pk=int(entry["incident"])).first()
        named = list(incident.responsible_units.all()) if incident is not None else [office]
        for unit in named:
            units[unit.pk] = unit
            violations.append(
                do_record_upper_violation(
                    recorder,
                    unit,
                    str(entry["kind"]),
                    date.fromisoformat(str(entry["occurred_on"])),
                    evidence,
                    incident=incident,
                    summary=_text(entry.get("summary"), 200),
                    serious=bool(entry.get("serious")),
                    important=bool(entry.get("important", True)),
                    now=now,
                )
            )
    recorded = do_record_province_notice(
        recorder,
        ProvinceNotice(
            doc_number=_text(notice["doc_number"], 60),
            issued_on=date.fromisoformat(str(notice["issued_on"])),
            title=_text(notice["title"], 200),
            body=str(notice["body"]),
            issuing_office=_text(notice["issuing_office"], 100),
            units=list(units.values()),
            violation_ids=[v.pk for v in violations],
        ),
        now=now,
    )
    _audit(recorder, link, message, f"notice:{recorded.pk}")
    return f"notice:{recorded.pk}"


def _audit(actor: Any, link: Link, message: dict[str, Any], target: str) -> None:
    record(
        actor,
        "federation_message_filed",
        target,
        {"message": message["key"], "kind": message["kind"], "office": link.office_code},
    )
