"""Every refusal in one JSON shape with a Chinese message; no input gets a 500 (hypothesis, a
bounded number of examples); a refused write leaves nothing behind."""

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEntry
from emergencies.models import Incident, Sighting
from submissions.models import InfoItem

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("XINBAO_API_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("CI", "") not in ("", "0", "false"),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def assert_shape(response):
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert set(body) == {"error"}
    assert isinstance(body["error"]["code"], str)
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


def test_an_unknown_address_is_404_in_the_shape(api_as, officer_a):
    machine = api_as(officer_a)
    for path in ("/nope", "/items/abc", "/items/1/nope/more", "/", "/items/"):
        response = machine.get(path)
        assert response.status_code == 404, path
        assert_shape(response)
    assert machine.get("/nope").json()["error"]["message"] == "接口没有这个地址。"
    for huge in (2**31, 2**63, 10**30):
        assert machine.get(f"/items/{huge}").status_code == 404
        assert machine.get(f"/incidents/{huge}").status_code == 404


def test_an_unknown_address_is_404_for_nobody_signed_in_too(client):
    response = client.post("/api/nope", "{}", content_type="application/json")
    assert response.status_code == 404
    assert_shape(response)


def test_a_method_the_address_does_not_take_is_405_in_the_shape(api_as, officer_a):
    response = api_as(officer_a).call("DELETE", "/items")
    assert response.status_code == 405
    assert_shape(response)
    assert response.json()["error"]["message"] == "该地址不接受 DELETE 请求。"
    assert sorted(response["Allow"].replace(" ", "").split(",")) == ["GET", "POST"]


def test_nobody_signed_in_is_401_in_the_shape(client):
    response = client.get("/api/items")
    assert response.status_code == 401
    assert_shape(response)
    # A write without a session or token: 401 too, not a CSRF refusal.
    response = client.post("/api/items", "{}", content_type="application/json")
    assert response.status_code == 401


def test_validation_errors_name_the_fields_in_chinese(api_as, officer_a):
    response = api_as(officer_a).post(
        "/items", {"title": "x" * 121, "kind": "rumour", "occurred_on": "1800-01-01"}
    )
    assert response.status_code == 422
    assert_shape(response)
    error = response.json()["error"]
    assert error["message"] == "请求无效。"
    by_field = {tuple(d["loc"][-1:]): d["msg"] for d in error["detail"]}
    assert by_field[("title",)] == "太长：最多 120 个字符。"
    assert by_field[("body",)] == "这个字段是必填项。"
    assert by_field[("kind",)].startswith("请从以下取值中选择")
    assert by_field[("occurred_on",)].startswith("请输入")  # a date in the sane range


def test_a_body_that_is_not_json_is_422(api_as, officer_a):
    response = api_as(officer_a).call("POST", "/items", "{not json")
    assert response.status_code in (400, 422)
    assert_shape(response)


# --- hypothesis: hostile payloads ----------------------------------------------------------

HOSTILE_TEXT = st.sampled_from(
    ["", " ", "\x00", "a\x0bb", "\ufffe", "𠀀𪚥", "<script>", "' OR 1=1 --", "x" * 6000]
) | st.text(max_size=50)
NUMBERS = st.sampled_from([-1, 0, 2**31, 2**63, 1e308, "1", "一"]) | st.integers()
MOMENTS = st.sampled_from(
    ["0001-01-01T00:00", "9999-12-31T23:59:59+14:00", "2024-02-30T10:00", "now", "", 0]
) | st.datetimes().map(lambda d: d.isoformat())
JSON = st.recursive(
    st.none() | st.booleans() | NUMBERS | HOSTILE_TEXT,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def fields(**strategies):
    """Objects with some of these fields (each maybe left out) and perhaps a stray one."""
    return st.fixed_dictionaries({}, optional=strategies)


ITEM = fields(
    title=HOSTILE_TEXT,
    body=HOSTILE_TEXT,
    kind=st.sampled_from(["news", "problem", "", "NEWS"]) | HOSTILE_TEXT,
    tags=st.lists(HOSTILE_TEXT, max_size=25) | JSON,
    joint_unit_ids=st.lists(NUMBERS, max_size=3) | JSON,
    occurred_on=MOMENTS,
    secrecy=st.sampled_from(["public", "internal", "juemi", ""]) | JSON,
    submit=JSON,
)
INCIDENT = fields(
    title=HOSTILE_TEXT,
    category=st.sampled_from(["accident", "social", "x"]),
    level=st.sampled_from(["", "1", "4", "5"]),
    place=HOSTILE_TEXT,
    occurred_at=MOMENTS,
    known_at=MOMENTS,
    unit_id=NUMBERS,
    call=JSON | fields(caller=HOSTILE_TEXT, called_at=MOMENTS),
    report=JSON
    | fields(
        summary=HOSTILE_TEXT,
        deaths=NUMBERS,
        direct_loss=st.sampled_from(["1e400", "NaN", "-1", "12345678901.5", "0.001"]) | NUMBERS,
    ),
)
SIGHTING = fields(
    source_kind=st.sampled_from(["hotline", "media", "tv"]),
    source=HOSTILE_TEXT,
    seen_at=MOMENTS,
    text=HOSTILE_TEXT,
    unit_id=NUMBERS,
    incident_id=NUMBERS,
    category=HOSTILE_TEXT,
)


def counts():
    return (
        InfoItem.objects.count(),
        Incident.objects.count(),
        Sighting.objects.count(),
        AuditEntry.objects.count(),
    )


def check(machine, path, payload):
    before = counts()
    response = machine.call("POST", path, json.dumps(payload) if payload is not None else "")
    assert response.status_code < 500, (path, payload, response.content[:300])
    if response.status_code >= 400:
        assert_shape(response)
        if response.status_code != 429:
            assert counts() == before, (path, payload)


@FUZZ
@given(payload=ITEM | JSON)
def test_no_item_payload_gets_a_500(api_as, officer_a, system_admin, payload):
    check(api_as(officer_a), "/items", payload)


@FUZZ
@given(payload=INCIDENT | JSON)
def test_no_incident_payload_gets_a_500(api_as, duty_officer, payload):
    check(api_as(duty_officer), "/incidents", payload)


@FUZZ
@given(payload=SIGHTING | JSON)
def test_no_sighting_payload_gets_a_500(api_as, duty_officer, payload):
    check(api_as(duty_officer), "/sightings", payload)


@FUZZ
@given(
    query=fields(
        state=HOSTILE_TEXT,
        unit=NUMBERS,
        updated_from=MOMENTS,
        updated_to=MOMENTS,
        q=HOSTILE_TEXT,
        page=NUMBERS,
        per_page=NUMBERS,
    )
)
def test_no_list_filter_gets_a_500(api_as, editor, query):
    response = api_as(editor).get("/items", **{k: str(v) for k, v in query.items()})
    assert response.status_code < 500, (query, response.content[:300])
    if response.status_code >= 400:
        assert_shape(response)
