"""The province's side in one process (both databases): a signed forward files an incident of
the link's unit through the emergencies actions; the same key again gets the first
acknowledgement; a follow-up appends; bad requests are refused and logged. Requests are signed
here by hand from docs/federation.md."""

import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from emergencies.models import IncidentReport, ReportState
from federation.models import InboundMessage, Refusal
from tests.federation.conftest import SECRET

pytestmark = pytest.mark.django_db


def _post(client: Client, message: dict[str, Any], secret: str = SECRET, **over: Any):
    body = json.dumps(message, ensure_ascii=False).encode("utf-8")
    ts = int(over.get("ts", timezone.now().timestamp()))
    nonce = over.get("nonce", uuid.uuid4().hex)
    digest = hashlib.sha256(body).hexdigest()
    text = f"xinbao-federation-v1\nPOST\n/federation/inbox/\n{ts}\n{nonce}\n{digest}"
    headers = {
        "X-Xinbao-Office": "city-c",
        "X-Xinbao-Timestamp": str(ts),
        "X-Xinbao-Nonce": nonce,
        "X-Xinbao-Signature": hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest(),
        "Idempotency-Key": message["key"],
    }
    return client.post("/federation/inbox/", body, content_type="application/json", headers=headers)


def _forward(remote_id: int = 7) -> dict[str, Any]:
    now = timezone.now()
    return {
        "v": 1,
        "kind": "incident.forward",
        "key": uuid.uuid4().hex,
        "sent_by": "city-c",
        "forwarding": 3,
        "incident": {
            "id": remote_id,
            "title": "丙市某厂爆炸",
            "category": "accident",
            "subtype": "爆炸",
            "level": "2",
            "sensitive": False,
            "place": "丙市某区",
            "occurred_at": (now.replace(microsecond=0)).isoformat(),
            "known_at": (now.replace(microsecond=0)).isoformat(),
        },
        "text": "丙市某厂发生爆炸，已造成2人死亡。",
        "figures": {"deaths": 2, "direct_loss_10k_yuan": "120.50"},
        "chain": [{"kind": "initial", "summary": "某厂爆炸", "measures": "疏散"}],
    }


def test_a_forward_is_filed_as_the_links_units_received_report(client: Client, link) -> None:
    message = _forward()
    answer = _post(client, message)
    assert answer.status_code == 200, answer.content
    ack = answer.json()
    assert ack["ack"] == message["key"]
    (report,) = IncidentReport.objects.select_related("incident")
    assert (report.unit_id, report.state, report.kind) == (
        link.unit_id,
        ReportState.RECEIVED,
        "initial",
    )
    assert report.incident.level == "2" and report.deaths == 2 and report.measures == "疏散"
    assert ack["filed_as"] == f"incident:{report.incident_id}"
    filed = AuditEntry.objects.get(action="federation_message_filed")
    assert filed.data["message"] == message["key"]


def test_the_same_key_again_gets_the_first_ack_and_files_nothing(client: Client, link) -> None:
    message = _forward()
    first = _post(client, message).json()
    again = _post(client, message)  # a fresh nonce: a retry, not a replay
    assert again.status_code == 200 and again.json() == first
    assert IncidentReport.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_a_follow_up_appends_to_the_incident(client: Client, link) -> None:
    _post(client, _forward(remote_id=9))
    follow = {
        "v": 1,
        "kind": "incident.report",
        "key": uuid.uuid4().hex,
        "sent_by": "city-c",
        "incident": {"id": 9},
        "report": {"kind": "followup", "summary": "续报：伤亡无变化。", "deaths": 2},
    }
    assert _post(client, follow).status_code == 200
    kinds = list(IncidentReport.objects.order_by("pk").values_list("kind", "sequence"))
    assert kinds == [("initial", 0), ("followup", 1)]


def test_a_follow_up_of_an_unknown_incident_is_refused_with_a_reason(client: Client, link) -> None:
    follow = {
        "v": 1,
        "kind": "incident.report",
        "key": uuid.uuid4().hex,
        "sent_by": "city-c",
        "incident": {"id": 404},
        "report": {"kind": "followup", "summary": "续报"},
    }
    answer = _post(client, follow)
    assert answer.status_code == 422 and answer.json()["code"] == "not_filed"
    assert not IncidentReport.objects.exists()


def test_replayed_wrongly_signed_and_stale_requests_are_refused_and_logged(
    client: Client, link
) -> None:
    message = _forward()
    nonce = uuid.uuid4().hex
    assert _post(client, message, nonce=nonce).status_code == 200
    assert _post(client, message, nonce=nonce).status_code == 409
    assert _post(client, _forward(), secret="x" * 40).status_code == 401
    assert _post(client, _forward(), ts=time.time() - 3600).status_code == 401
    reasons = list(Refusal.objects.order_by("pk").values_list("reason", flat=True))
    assert reasons == ["replay", "bad_signature", "stale"]
    assert IncidentReport.objects.count() == 1


def test_an_unsigned_request_is_refused_without_a_row(client: Client, link) -> None:
    answer = client.post("/federation/inbox/", b"{}", content_type="application/json")
    assert answer.status_code == 401 and answer.json()["error"]
    assert not Refusal.objects.exists()


def test_a_known_category_code_is_taken_an_unknown_one_ignored(client: Client, link) -> None:
    from emergencies.models import CategoryCode
    from federation.models import RemoteIncident

    known = CategoryCode.objects.filter(category="accident", is_active=True).first()
    assert known is not None
    message = _forward(remote_id=11)
    message["incident"] |= {"category_code": known.code, "region_code": "330100"}
    assert _post(client, message).status_code == 200
    unknown = _forward(remote_id=12)
    unknown["incident"] |= {"category_code": "99999", "region_code": "330100"}
    assert _post(client, unknown).status_code == 200  # filed all the same
    codes = {
        r.remote_id: (r.incident.category_code.code if r.incident.category_code else None)
        for r in RemoteIncident.objects.select_related("incident__category_code")
    }
    assert codes == {11: known.code, 12: None}
    assert not Refusal.objects.exists()
