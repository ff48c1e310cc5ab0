"""The durable outbox upward: messages written in the transaction of the action they carry
(receivers of emergencies' signals, connected in `FederationConfig.ready`), and the worker step
that sends them (`send_due`, the `take_step` shape: claim by conditional UPDATE, SKIP LOCKED
where the database has it, work, record the outcome)."""

import http.client
import json
import logging
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from audit.actions import record
from emergencies.actions_level import do_acknowledge_forwarding
from emergencies.models import Forwarding, Incident, IncidentReport
from federation import signing
from federation.models import (
    Direction,
    FederationPolicy,
    Link,
    MessageKind,
    OutboundMessage,
    OutboundStatus,
)
from notify.transports import connect
from org.models import Unit, hub_unit

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
INBOX_PATH = "/federation/inbox/"
MAX_ANSWER_BYTES = 64 * 1024
BATCH = 20


def upward_link() -> Link | None:
    return Link.objects.filter(direction=Direction.UP, is_active=True).order_by("pk").first()


# --- the message bodies ----------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _num(value: Decimal | int | None) -> str | int | None:
    return str(value) if isinstance(value, Decimal) else value


def report_body(report: IncidentReport) -> dict[str, Any]:
    """One link of the chain as it travels (docs/federation.md, `report`)."""
    return {
        "id": report.pk,
        "kind": report.kind,
        "sequence": report.sequence,
        "channel": report.channel,
        "unit": report.unit.name,
        "received_at": _iso(report.received_at),
        "summary": report.summary,
        "deaths": report.deaths,
        "serious_injuries": report.serious_injuries,
        "injuries": report.injuries,
        "missing": report.missing,
        "direct_loss_10k_yuan": _num(report.direct_loss),
        "cause": report.cause,
        "measures": report.measures,
        "trend": report.trend,
        "on_site": report.on_site,
        "contact": report.contact,
    }


def region_code(unit: Unit | None) -> str | None:
    """The GB/T 2260 code of the region a unit reports for: its own (a district's, a city's) or
    that of the nearest unit above it that has one (a department reports for its city)."""
    seen = 0
    while unit is not None and seen < 20:
        if unit.region_code:
            return unit.region_code
        unit, seen = unit.parent, seen + 1
    return None


def incident_body(incident: Incident) -> dict[str, Any]:
    """The incident's facts as they travel. `category_code` (GB/T 35561) and `region_code`
    (GB/T 2260, of the reporting unit) are optional fields of schema v 1: null when not known,
    ignored by a receiver that does not know them."""
    reporting = incident.responsible_units.order_by("pk").first()
    code = incident.category_code.code if incident.category_code is not None else None
    return {
        "id": incident.pk,
        "title": incident.title,
        "category": incident.category,
        "category_code": code,
        "region_code": region_code(reporting) or region_code(hub_unit()),
        "subtype": incident.subtype,
        "level": incident.level,
        "sensitive": incident.sensitive,
        "place": incident.place,
        "occurred_at": _iso(incident.occurred_at),
        "known_at": _iso(incident.known_at),
    }


def _enqueue(
    link: Link, kind: str, subject: str, payload: dict[str, Any], now: datetime
) -> OutboundMessage:
    key = uuid.uuid4().hex
    body = {"v": SCHEMA_VERSION, "kind": kind, "key": key, "sent_by": link.office_code}
    body |= payload
    return OutboundMessage.objects.create(
        link=link,
        kind=kind,
        key=key,
        subject=subject,
        body=body,
        next_attempt_at=now,
        created_at=now,
    )


def on_incident_forwarded(sender: object, forwarding: Forwarding, now: datetime, **kw: Any) -> bool:
    """The section forwarded an incident: with an upward link, the forwarding travels to the
    upper instance (and the forwarding deadline waits for its acknowledgement)."""
    link = upward_link()
    if link is None:
        return False
    incident = forwarding.incident
    received = IncidentReport.objects.filter(incident=incident, received_at__isnull=False)
    chain = [report_body(r) for r in received.select_related("unit").order_by("received_at")]
    latest = chain[-1] if chain else {}
    payload = {
        "forwarding": forwarding.pk,
        "incident": incident_body(incident),
        "text": forwarding.text,
        "figures": {
            k: latest.get(k)
            for k in ("deaths", "serious_injuries", "injuries", "missing", "direct_loss_10k_yuan")
        },
        "chain": chain,
    }
    _enqueue(link, MessageKind.INCIDENT_FORWARD, f"incident:{incident.pk}", payload, now)
    return True


def on_report_received(sender: object, report: IncidentReport, now: datetime, **kw: Any) -> None:
    """A later report of an incident already forwarded travels up after it."""
    link = upward_link()
    if link is None:
        return
    if not Forwarding.objects.filter(incident_id=report.incident_id).exists():
        return
    if OutboundMessage.objects.filter(
        kind=MessageKind.INCIDENT_REPORT, body__report__id=report.pk
    ).exists():
        return
    payload = {"incident": {"id": report.incident_id}, "report": report_body(report)}
    _enqueue(link, MessageKind.INCIDENT_REPORT, f"incident:{report.incident_id}", payload, now)


def on_notice_issued(sender: object, notice: Any, **kw: Any) -> None:
    """The upper office issued a criticism notice: each lower office whose unit it names gets
    it, with the violations of that unit (and the lower office's own incident ids, where the
    incident came from it), to land in its ledger and eligibility."""
    from federation.models import RemoteIncident

    now = notice.issued_at or timezone.now()
    by_unit: dict[int, list[Any]] = {}
    for violation in notice.violations.select_related("unit"):
        by_unit.setdefault(violation.unit_id, []).append(violation)
    links = Link.objects.filter(direction=Direction.DOWN, is_active=True, unit_id__in=list(by_unit))
    for link in links:
        remote = dict(
            RemoteIncident.objects.filter(link=link).values_list("incident_id", "remote_id")
        )
        payload = {
            "notice": {
                "doc_number": notice.doc_number,
                "issued_on": notice.issued_on.isoformat(),
                "title": notice.title,
                "body": notice.body,
                "issuing_office": notice.issuing_office,
            },
            "violations": [
                {
                    "kind": v.kind,
                    "serious": v.serious,
                    "important": v.important,
                    "occurred_on": v.occurred_on.isoformat(),
                    "summary": v.summary or (v.incident.title if v.incident_id else ""),
                    "incident": remote.get(v.incident_id),
                }
                for v in by_unit[link.unit_id or 0]
            ],
        }
        _enqueue(link, MessageKind.NOTICE_ISSUED, f"notice:{notice.pk}", payload, now)


# --- sending ---------------------------------------------------------------------------------


class SendError(Exception):
    """No acknowledgement. `status` and `code` are the receiver's answer when there was one
    (`signing.is_permanent` tells a refusal to stop at from one to retry)."""

    def __init__(self, error: str, status: int = 0, code: object = None) -> None:
        super().__init__(error)
        self.status, self.code = status, code


def _claimable() -> QuerySet[OutboundMessage]:
    qs = OutboundMessage.objects.select_related("link")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return qs


PENDING = (OutboundStatus.QUEUED, OutboundStatus.FAILING, OutboundStatus.SENDING)


def due_ids(now: datetime, limit: int = BATCH) -> list[int]:
    return list(
        OutboundMessage.objects.filter(
            status__in=PENDING, next_attempt_at__lte=now, link__is_active=True
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def claim(pk: int, now: datetime, lease: timedelta) -> OutboundMessage | None:
    """Take the message for one attempt, or None if another worker has it, it is done, or an
    earlier message on its subject is not yet acknowledged. A SENDING row whose lease lapsed
    (its worker died mid-send) is taken again: the receiver's idempotency makes that safe."""
    with transaction.atomic():
        msg = _claimable().filter(pk=pk, status__in=PENDING).first()
        if msg is None or msg.next_attempt_at > now:
            return None
        earlier = OutboundMessage.objects.filter(
            link_id=msg.link_id, subject=msg.subject, pk__lt=msg.pk
        ).exclude(status=OutboundStatus.ACKED)
        if earlier.exists():
            return None
        claimed = OutboundMessage.objects.filter(
            pk=msg.pk, status=msg.status, attempts=msg.attempts
        ).update(
            status=OutboundStatus.SENDING,
            attempts=msg.attempts + 1,
            sent_at=now,
            next_attempt_at=now + lease,
        )
        if claimed != 1:
            return None
    msg.attempts += 1
    return msg


def post(link: Link, msg: OutboundMessage, now: datetime, timeout: float) -> dict[str, Any]:
    """Send one signed message; the receiver's acknowledgement, or SendError."""
    url = link.base_url.rstrip("/") + INBOX_PATH
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SendError(_("The link's address is not an http(s) URL."))
    body = json.dumps(msg.body, ensure_ascii=False, sort_keys=True).encode("utf-8")
    headers = signing.signed_headers(
        link.secret,
        link.office_code,
        "POST",
        parts.path,
        int(now.timestamp()),
        body,
        msg.key,
    )
    headers["Content-Type"] = "application/json; charset=utf-8"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        conn = connect.pinned_connection(parts.scheme, parts.hostname, port, timeout)
    except connect.EgressRefused as exc:
        raise SendError(exc.detail) from None
    try:
        conn.request("POST", parts.path, body=body, headers=headers)
        response = conn.getresponse()
        status, answer = response.status, response.read(MAX_ANSWER_BYTES)
    except TimeoutError:
        raise SendError(f"no answer within {timeout:g} s") from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise SendError(f"connection failed: {exc}") from None
    finally:
        conn.close()
    try:
        data = json.loads(answer.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        data = None
    if status != 200 or not isinstance(data, dict) or data.get("ack") != msg.key:
        if isinstance(data, dict):
            said, code = str(data.get("error") or ""), data.get("code")
            if data.get("detail"):
                said += f"（{str(data['detail'])[:300]}）"
        else:
            said, code = answer[:200].decode("utf-8", "replace"), None
        raise SendError(f"HTTP {status}: {said}", status=status, code=code)
    return data


def _ack_time(ack: dict[str, Any], sent: datetime, now: datetime) -> datetime:
    """The moment the upper instance says it received the message, kept between the send and
    our own reading of the answer (a skewed clock there moves it no further)."""
    stated = parse_datetime(str(ack.get("received_at") or ""))
    if stated is None or stated.tzinfo is None:
        return now
    return min(max(stated, sent), now)


def acknowledged(msg: OutboundMessage, ack: dict[str, Any], sent: datetime, now: datetime) -> None:
    at = _ack_time(ack, sent, now)
    with transaction.atomic():
        done = OutboundMessage.objects.filter(pk=msg.pk, status=OutboundStatus.SENDING).update(
            status=OutboundStatus.ACKED, acked_at=at, ack=ack, last_error=""
        )
        if not done:
            return
        if msg.kind == MessageKind.INCIDENT_FORWARD:
            evidence = _("Acknowledged by the upper office's system at %(at)s (message %(key)s).")
            evidence %= {
                "at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S"),
                "key": msg.key,
            }
            do_acknowledge_forwarding(int(msg.body["forwarding"]), at, evidence)


def failed(msg: OutboundMessage, error: str, now: datetime, policy: FederationPolicy) -> None:
    wait = signing.backoff_seconds(
        msg.attempts, policy.retry_base_seconds, policy.retry_max_seconds
    )
    OutboundMessage.objects.filter(pk=msg.pk, status=OutboundStatus.SENDING).update(
        status=OutboundStatus.FAILING,
        last_error=error[:500],
        next_attempt_at=now + timedelta(seconds=wait),
    )


def refused(msg: OutboundMessage, error: SendError, now: datetime) -> None:
    """The receiver read the message and will not file it: no more attempts. The messages after
    it on its subject wait behind it, as behind a failing one, until the section sends it again
    (`actions.do_resend`); a refused forwarding leaves the forwarding deadline open."""
    with transaction.atomic():
        done = OutboundMessage.objects.filter(pk=msg.pk, status=OutboundStatus.SENDING).update(
            status=OutboundStatus.REFUSED,
            last_error=str(error)[:500],
            refusal_code=str(error.code)[:20],
            refused_at=now,
        )
        if done:
            record(
                None,
                "federation_message_refused",
                f"outbound:{msg.pk}",
                {
                    "message": msg.key,
                    "kind": msg.kind,
                    "subject": msg.subject,
                    "code": str(error.code),
                    "error": str(error)[:500],
                },
            )


def send_one(pk: int, now: datetime, policy: FederationPolicy) -> int:
    lease = timedelta(seconds=policy.timeout_seconds * 2 + 5)
    msg = claim(pk, now, lease)
    if msg is None:
        return 0
    try:
        ack = post(msg.link, msg, now, float(policy.timeout_seconds))
    except SendError as exc:
        if signing.is_permanent(exc.status, exc.code):
            refused(msg, exc, max(now, timezone.now()))
        else:
            failed(msg, str(exc), max(now, timezone.now()), policy)
        return 1
    # The answer came after the send: never earlier than the `now` the step was given.
    acknowledged(msg, ack, now, max(now, timezone.now()))
    return 1


def send_due(now: datetime | None = None) -> int:
    """The worker's step: send what is due; how many attempts were made."""
    now = now or timezone.now()
    ids = due_ids(now)
    if not ids:
        return 0
    policy = FederationPolicy.current()
    done = 0
    for pk in ids:
        try:
            done += send_one(pk, now, policy)
        except Exception:
            log.exception("federation message %s failed", pk)
    return done
