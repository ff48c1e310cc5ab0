"""Two real instances on loopback: a city and its province, each with its own SQLite database,
its own web server (gunicorn) and its own worker. The province is the demo province exactly as
`make pair` sets it up (`seed_demo --level province`, then `demo_pair --side province`): its
office 省委办公厅 is the hub, 江城市's office (jc-swb) one of its reporting units, its people
the demo's. The city's actions run through its actions layer (`manage.py shell`); everything
between the two travels over HTTP as signed messages. What each side holds is read straight
from its database file."""

import hashlib
import hmac
import http.client
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from xinbao.demo.directory import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent.parent
SECRET = "pair-test-shared-secret-0123456789abcdef"
# The demo province's (xinbao/demo/data/province.toml): 江城市's office, the same code in both
# instances; the chief and an editor of its 信息处, and its own daily.
OFFICE_CODE = "jc-swb"
PROVINCE_CHIEF = "sheng_chuzhang"
PROVINCE_EDITOR, EDITOR_NAME = "sheng_bianji", "司马婧"
PROVINCE_DAILY = "sheng-mrhb"
# The two instances run on SQLite files of their own whatever the suite's database, so the
# PostgreSQL pass would only repeat the SQLite pass's run of this module.
pytestmark = [
    pytest.mark.wallclock,
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the pair runs on SQLite files whatever the suite's database",
    ),
]

CITY_SETUP = """
import json
from federation.actions import LinkSpec, do_create_link
from notify.models import EgressRule
from org.models import Unit, User

def person(name, role, unit):
    u = User(username=name, full_name=name, role=role, unit=unit)
    u.set_unusable_password()
    u.save()
    return u

prov = Unit.objects.create(code="t-prov", name="T省委办公厅", level="province",
                           kind="party_office", is_reporting=False)
hub = Unit.objects.create(code="t-city", name="T市委办公室", level="city", kind="party_office",
                          parent=prov, is_reporting=False)
fire = Unit.objects.create(code="t-fire", name="T市消防救援支队", level="city",
                           kind="department", parent=hub)
person("t-officer", "officer", fire)
person("t-head", "unit_head", fire)
person("t-chief", "chief", hub)
admin = person("t-admin", "system_admin", None)
EgressRule.objects.create(entry="127.0.0.1")
do_create_link(admin, LinkSpec(direction="up", name="T省委办公厅", base_url="URL",
                               office_code="OFFICE_CODE", secret="SECRET"))
print(json.dumps({"ok": True}))
"""

FORWARD = """
import json
from datetime import timedelta
from django.utils import timezone
from emergencies.actions import IncidentFacts, ReportContent, do_open_incident, do_sign_off_report
from emergencies.actions_level import do_forward
from org.models import Unit, User, upper_office

now = timezone.now()
officer, head, chief = (User.objects.get(username=n) for n in ("t-officer", "t-head", "t-chief"))
fire = Unit.objects.get(code="t-fire")
facts = IncidentFacts(title="T市某商场火灾", category="accident", subtype="火灾", level="2",
                      place="T市某区某商场", occurred_at=now - timedelta(minutes=20),
                      known_at=now - timedelta(minutes=15), units=[fire])
report = do_open_incident(officer, facts, ReportContent(
    summary="某商场三楼起火，消防已到场。", deaths=3, serious_injuries=12, measures="疏散群众"))
do_sign_off_report(head, report.pk)
fwd = do_forward(chief, report.incident_id, upper_office(),
                 "T市某商场发生火灾，已造成3人死亡、12人重伤，现场正在处置。")
print(json.dumps({"incident": report.incident_id, "forwarding": fwd.pk}))
"""

FOLLOW_UP = """
import json
from emergencies.actions import ReportContent, do_add_report, do_sign_off_report
from org.models import User

officer, head = (User.objects.get(username=n) for n in ("t-officer", "t-head"))
report = do_add_report(officer, {incident}, "followup",
                       ReportContent(summary="续报：明火已扑灭，死亡人数升至4人。", deaths=4))
do_sign_off_report(head, report.pk)
print(json.dumps({{"report": report.pk}}))
"""

NOTICE = """
import json
from django.utils import timezone
from accountability.actions import Decision, Entry, do_decide, do_enter_violation
from accountability.actions_notices import do_draft_notice, do_issue_notice
from emergencies.models import Incident
from org.models import Unit, User

chief = User.objects.get(username="PROVINCE_CHIEF")
city = Unit.objects.get(code="OFFICE_CODE")
incident = Incident.objects.get(title="T市某商场火灾")
today = timezone.localdate()
violation = do_enter_violation(chief, Entry(
    unit=city, kind="false", evidence="首报死亡人数与核实不符。", occurred_on=today,
    incident=incident, serious=True))
do_decide(chief, violation.pk, Decision(decision="confirm", serious=True))
notice = do_draft_notice(chief, [violation.pk])
notice = do_issue_notice(chief, notice.pk, today)
print(json.dumps({"notice": notice.doc_number, "year": today.year}))
"""

CITY_VERDICT = """
import json
from accountability.queries import eligibility
from org.models import Unit

from django.utils import timezone

fire = Unit.objects.get(code="t-fire")
verdict = eligibility(timezone.localdate().year, [fire.pk])[fire.pk]
print(json.dumps({"eligible": verdict.eligible, "provincial": verdict.upper}))
"""

ITEM_TITLE = "T市某区出现农民工集中讨薪苗头"

# The city registers the province's publication (as its system administrator would), and its
# section forwards a fire brigade's item upward from the item's page action.
FORWARD_ITEM = """
import json
from bulletins.actions import do_forward_item
from bulletins.models import Publication
from org.models import User, upper_office
from submissions.actions import ItemContent, do_create_item, do_transition
from submissions.rules import Action

Publication.objects.create(code="DAILY", name="省委办公厅每日汇报", level="province")
officer, head, chief = (User.objects.get(username=n) for n in ("t-officer", "t-head", "t-chief"))
item = do_create_item(officer, ItemContent(title="TITLE", kind="problem",
                      body="某区多名农民工反映工程款拖欠，区里已成立专班处置。"), submit=True)
do_transition(head, item.pk, Action.SIGN_OFF)
do_forward_item(chief, item.pk, upper_office())
print(json.dumps({"item": item.pk}))
""".replace("TITLE", ITEM_TITLE).replace("DAILY", PROVINCE_DAILY)

# The province publishes an issue of its own daily holding the item, and its leader instructs.
ADOPT_AND_INSTRUCT = """
import json
from django.utils import timezone
from bulletins import actions
from bulletins.models import Publication
from org.models import Unit, User
from submissions.models import InfoItem

chief = User.objects.get(username="PROVINCE_CHIEF")
leader = User(username="p-leader", full_name="王副省长", role="leader")
leader.set_unusable_password()
leader.save()
item = InfoItem.objects.get(title="TITLE")
daily = Publication.objects.get(code="DAILY", compiled_here=True)
today = timezone.localdate()
issue = actions.do_create_issue(chief, daily, today)
actions.do_add_entries(chief, issue.pk, [item.pk])
actions.do_submit_issue(chief, issue.pk)
actions.do_sign_off_issue(chief, issue.pk)
issue = actions.do_publish(chief, issue.pk)
actions.do_record_instruction(leader, item.pk, "请省人社厅督办，确保春节前结清。", today)
item.refresh_from_db()
print(json.dumps({"unit": item.unit.code, "state": item.state, "issue": issue.label}))
""".replace("TITLE", ITEM_TITLE).replace("DAILY", PROVINCE_DAILY)


def _free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Instance:
    def __init__(self, name: str, var: Path, port: int) -> None:
        self.name, self.var, self.port = name, var, port
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("XINBAO_", "DATABASE_URL", "DJANGO_", "GUNICORN_"))
        }
        env.update(
            XINBAO_VAR_DIR=str(var),
            PORT=str(port),
            XINBAO_WEB_WORKERS="1",
            XINBAO_WEB_THREADS="4",
            XINBAO_ACCESS_LOG="",
        )
        self.env = env
        self.web: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None

    @property
    def db(self) -> Path:
        return self.var / "xinbao.sqlite3"

    def shell(self, script: str) -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result

    def manage(self, *args: str) -> None:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr[-3000:]

    def start_web(self) -> None:
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.web = subprocess.Popen(
            [str(gunicorn), "-c", "xinbao/gunicorn_conf.py", "xinbao.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(600):
            assert self.web.poll() is None, f"{self.name}: gunicorn exited"
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"{self.name}: the web server did not start")

    def stop_web(self) -> None:
        if self.web is not None and self.web.poll() is None:
            self.web.terminate()
            self.web.wait(timeout=30)
        self.web = None

    def start_worker(self) -> None:
        self.worker = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--interval", "0.5"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        self.stop_web()
        if self.worker is not None and self.worker.poll() is None:
            self.worker.terminate()
            self.worker.wait(timeout=30)

    def rows(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        with closing(sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=10)) as conn:
            return conn.execute(sql, args).fetchall()


def wait_for(what: str, check: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for {what}")


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Instance, Instance]]:
    base = tmp_path_factory.mktemp("pair")
    city = Instance("city", base / "city", _free_port())
    province = Instance("province", base / "province", _free_port())
    city.var.mkdir()
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=city.env,
        capture_output=True,
        text=True,
    )
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    # One migration run for both: the province starts from a copy of the empty database.
    shutil.copytree(city.var, province.var)
    city.shell(
        CITY_SETUP.replace("URL", f"http://127.0.0.1:{province.port}")
        .replace("SECRET", SECRET)
        .replace("OFFICE_CODE", OFFICE_CODE)
    )
    # The province side as `make pair` makes it.
    secret_file = base / "pair-secret"
    secret_file.write_text(SECRET + "\n", encoding="utf-8")
    province.manage("seed_demo", "--level", "province")
    peer = f"http://127.0.0.1:{city.port}"
    province.manage(
        "demo_pair", "--side=province", f"--peer={peer}", f"--secret-file={secret_file}"
    )
    try:
        for instance in (province, city):
            instance.start_web()
            instance.start_worker()
        yield city, province
    finally:
        city.stop()
        province.stop()


def _acked(city: Instance, incident: int) -> int:
    return len(
        city.rows(
            "SELECT 1 FROM federation_outboundmessage WHERE subject = ? AND status = 'acked'",
            f"incident:{incident}",
        )
    )


def _province_chain(province: Instance, title: str) -> list[tuple[Any, ...]]:
    return province.rows(
        "SELECT r.kind, r.sequence, r.state, r.summary, r.deaths, u.code, i.level, i.category"
        " FROM emergencies_incidentreport r JOIN emergencies_incident i ON r.incident_id = i.id"
        " JOIN org_unit u ON r.unit_id = u.id WHERE i.title = ? ORDER BY r.id",
        title,
    )


def post_signed(
    port: int, body: bytes, *, secret: str = SECRET, ts: int | None = None, nonce: str = ""
) -> tuple[tuple[int, dict[str, Any]], dict[str, str]]:
    """A request signed as the docs say, written here by hand (not through federation.signing)."""
    ts = int(time.time()) if ts is None else ts
    nonce = nonce or uuid.uuid4().hex
    key = json.loads(body)["key"]
    canonical = "\n".join(
        [
            "xinbao-federation-v1",
            "POST",
            "/federation/inbox/",
            str(ts),
            nonce,
            hashlib.sha256(body).hexdigest(),
        ]
    )
    headers = {
        "Content-Type": "application/json",
        "X-Xinbao-Office": OFFICE_CODE,
        "X-Xinbao-Timestamp": str(ts),
        "X-Xinbao-Nonce": nonce,
        "X-Xinbao-Signature": hmac.new(
            secret.encode(), canonical.encode(), hashlib.sha256
        ).hexdigest(),
        "Idempotency-Key": key,
    }
    return send(port, body, headers), headers


def send(port: int, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/federation/inbox/", body=body, headers=headers)
    response = conn.getresponse()
    data = json.loads(response.read().decode("utf-8"))
    conn.close()
    return response.status, data


TITLE = "T市某商场火灾"
VIEWPORT = {"width": 1280, "height": 900}


def test_a_forwarded_fire_reaches_the_province_with_its_chain_and_the_ack_meets_the_deadline(
    pair: tuple[Instance, Instance],
) -> None:
    city, province = pair
    done = city.shell(FORWARD)
    incident, forwarding = done["incident"], done["forwarding"]
    wait_for("the province's acknowledgement", lambda: _acked(city, incident) == 1)

    chain = _province_chain(province, TITLE)
    assert len(chain) == 1
    kind, _seq, state, summary, deaths, unit, level, category = chain[0]
    assert (kind, state, unit, level, category) == (
        "initial",
        "received",
        OFFICE_CODE,
        "2",
        "accident",
    )
    assert summary.startswith("T市某商场发生火灾") and deaths == 3
    # The message carried the city's chain as it stood.
    (body,) = city.rows(
        "SELECT body FROM federation_outboundmessage WHERE kind = 'incident.forward'"
    )[0]
    assert [r["summary"] for r in json.loads(body)["chain"]] == ["某商场三楼起火，消防已到场。"]
    # The province's own deadlines now run for the city's unit on this incident.
    owed = province.rows(
        "SELECT e.kind, e.status FROM emergencies_expectedreport e JOIN org_unit u"
        " ON e.unit_id = u.id WHERE u.code = ? AND e.kind = 'written'",
        OFFICE_CODE,
    )
    assert owed == [("written", "met")]
    # The forwarding deadline was met at the acknowledgement, after the button was pressed.
    (fwd_at, acked_at) = city.rows(
        "SELECT forwarded_at, acknowledged_at FROM emergencies_forwarding WHERE id = ?", forwarding
    )[0]
    assert acked_at is not None and acked_at >= fwd_at
    met = city.rows(
        "SELECT status, met_at FROM emergencies_expectedreport WHERE kind = 'forward'"
        " AND subject_id = ?",
        incident,
    )
    assert met == [("met", acked_at)]
    audit = province.rows(
        "SELECT count(*) FROM audit_auditentry WHERE action = 'federation_message_filed'"
    )
    assert audit == [(1,)]


@pytest.mark.browser
def test_the_provinces_editor_opens_the_forwarded_fire_and_reads_the_citys_chain(
    pair: tuple[Instance, Instance], browser: Any
) -> None:
    """In Chromium, on the province's own instance: the board shows the fire the city
    forwarded; its page lists the city's reports as the forwarding carried them."""
    from playwright.sync_api import expect

    _city, province = pair
    # Pages (unlike the inbox) need the collected static files, as `make pair` collects them.
    province.manage("collectstatic", "--noinput", "-v0")
    province.stop_web()
    province.start_web()
    context = browser.new_context(
        locale="zh-CN", base_url=f"http://127.0.0.1:{province.port}", viewport=VIEWPORT
    )
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill(PROVINCE_EDITOR)
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.locator("header .who-name")).to_have_text(EDITOR_NAME)
        page.goto("/emergencies/")
        page.get_by_role("link", name=TITLE).first.click()
        expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
        chain = page.locator("#forwarded-chain")
        expect(chain.get_by_role("heading")).to_have_text("中共江城市委办公室上报的报告链")
        (report,) = chain.locator("li.fed-report").all()
        expect(report).to_contain_text("书面首报")
        expect(report).to_contain_text("T市消防救援支队")
        expect(report).to_contain_text("某商场三楼起火，消防已到场。")
        expect(report).to_contain_text("死亡：3")
        expect(report).to_contain_text("重伤：12")
        expect(report).to_contain_text("疏散群众")
    finally:
        context.close()


def test_a_follow_up_sent_while_the_province_is_down_arrives_once_after_it_returns(
    pair: tuple[Instance, Instance],
) -> None:
    city, province = pair
    (incident,) = city.rows("SELECT id FROM emergencies_incident WHERE title = ?", TITLE)[0]
    province.stop_web()
    city.shell(FOLLOW_UP.format(incident=incident))

    def failing() -> bool:
        rows = city.rows(
            "SELECT status, attempts, last_error FROM federation_outboundmessage"
            " WHERE kind = 'incident.report'"
        )
        return bool(rows) and rows[0][0] == "failing" and rows[0][1] >= 2 and bool(rows[0][2])

    wait_for("retries while the province is down", failing)
    assert len(_province_chain(province, TITLE)) == 1
    province.start_web()
    wait_for("the follow-up's acknowledgement", lambda: _acked(city, incident) == 2, 60)
    chain = _province_chain(province, TITLE)
    assert [(r[0], r[1], r[4]) for r in chain] == [("initial", 0, 3), ("followup", 1, 4)]

    # The answer lost on the way back: the city sends the same message again (a fresh nonce,
    # the same idempotency key). The province answers with its first acknowledgement and files
    # nothing more.
    (key, ack) = city.rows(
        "SELECT key, ack FROM federation_outboundmessage WHERE kind = 'incident.report'"
    )[0]
    with closing(sqlite3.connect(city.db, timeout=10)) as conn:
        conn.execute(
            "UPDATE federation_outboundmessage SET status = 'queued', ack = NULL WHERE key = ?",
            (key,),
        )
        conn.commit()
    wait_for("the repeat's acknowledgement", lambda: _acked(city, incident) == 2)
    (again,) = city.rows("SELECT ack FROM federation_outboundmessage WHERE key = ?", key)[0]
    assert json.loads(again) == json.loads(ack)
    assert len(_province_chain(province, TITLE)) == 2
    assert province.rows("SELECT count(*) FROM federation_inboundmessage WHERE key = ?", key) == [
        (1,)
    ]


def test_a_replayed_a_wrongly_signed_and_a_stale_request_are_refused_and_logged(
    pair: tuple[Instance, Instance],
) -> None:
    city, province = pair
    (incident,) = city.rows("SELECT id FROM emergencies_incident WHERE title = ?", TITLE)[0]
    before = len(_province_chain(province, TITLE))
    message = {
        "v": 1,
        "kind": "incident.report",
        "key": uuid.uuid4().hex,
        "sent_by": OFFICE_CODE,
        "incident": {"id": incident},
        "report": {"kind": "followup", "summary": "续报：现场清理完毕。", "deaths": 4},
    }
    body = json.dumps(message, ensure_ascii=False).encode("utf-8")
    (status, data), headers = post_signed(province.port, body)
    assert status == 200 and data["ack"] == message["key"]

    status, data = send(province.port, body, headers)  # the very same request again
    assert status == 409 and data["code"] == "replay" and data["error"]

    (status, data), _h = post_signed(province.port, body, secret="not-the-shared-secret-" * 2)
    assert status == 401 and data["code"] == "bad_signature"

    (status, data), _h = post_signed(province.port, body, ts=int(time.time()) - 3600)
    assert status == 401 and data["code"] == "stale"

    assert len(_province_chain(province, TITLE)) == before + 1
    reasons = [r for (r,) in province.rows("SELECT reason FROM federation_refusal ORDER BY id")]
    assert reasons[-3:] == ["replay", "bad_signature", "stale"]


def test_the_provinces_notice_naming_the_city_lands_in_the_city_units_ledger_and_eligibility(
    pair: tuple[Instance, Instance],
) -> None:
    city, province = pair
    assert city.shell(CITY_VERDICT) == {"eligible": True, "provincial": 0}
    issued = province.shell(
        NOTICE.replace("PROVINCE_CHIEF", PROVINCE_CHIEF).replace("OFFICE_CODE", OFFICE_CODE)
    )

    def arrived() -> bool:
        return bool(
            city.rows("SELECT 1 FROM federation_inboundmessage WHERE kind = 'notice.issued'")
        )

    try:
        wait_for("the province's notice in the city", arrived)
    except AssertionError:
        sent = province.rows("SELECT status, attempts, last_error FROM federation_outboundmessage")
        raise AssertionError(f"province outbox: {sent}") from None
    notices = city.rows(
        "SELECT issuer, doc_number FROM accountability_criticismnotice WHERE issuer = 'province'"
    )
    assert notices == [("province", issued["notice"])]
    # The violation lands on the unit responsible for the incident in the city, not the office.
    violations = city.rows(
        "SELECT u.code, v.kind, v.status, v.serious FROM accountability_violation v"
        " JOIN org_unit u ON v.unit_id = u.id WHERE v.status = 'confirmed'"
    )
    assert violations == [("t-fire", "false", "confirmed", 1)]
    after = city.shell(CITY_VERDICT)
    assert after == {"eligible": False, "provincial": 1}

    def penalised() -> bool:
        rows = city.rows(
            "SELECT e.points FROM scoring_scoreentry e JOIN org_unit u ON e.unit_id = u.id"
            " WHERE u.code = 't-fire' AND e.source_kind = 'violation'"
        )
        return bool(rows) and float(rows[0][0]) < 0

    wait_for("the penalty in the city's ledger", penalised)
    traced = city.rows(
        "SELECT count(*) FROM audit_auditentry WHERE action = 'federation_message_filed'"
    )
    assert traced == [(1,)]


def _points(city: Instance, unit: str) -> float:
    (total,) = city.rows(
        "SELECT coalesce(sum(e.points), 0) FROM scoring_scoreentry e JOIN org_unit u"
        " ON e.unit_id = u.id WHERE u.code = ?",
        unit,
    )[0]
    return float(total)


def test_a_forwarded_item_adopted_and_instructed_in_the_province_earns_the_city_unit_points(
    pair: tuple[Instance, Instance],
) -> None:
    city, province = pair
    # What the city's point table says a forwarded item earns: its configured rows, read here.
    ((adoption, multiplier),) = city.rows(
        "SELECT points, forwarded_multiplier FROM scoring_scorerule WHERE kind = 'adoption'"
        " AND level = 'province' AND publication_id IS NULL AND active"
    )
    ((instruction,),) = city.rows(
        "SELECT points FROM scoring_scorerule WHERE kind = 'instruction' AND level = 'province'"
        " AND active"
    )
    expected = float(adoption) * float(multiplier) + float(instruction)
    before = _points(city, "t-fire")
    item = city.shell(FORWARD_ITEM)["item"]

    def forwarded() -> bool:
        return bool(
            city.rows(
                "SELECT 1 FROM federation_outboundmessage WHERE subject = ? AND status = 'acked'",
                f"item:{item}",
            )
        )

    wait_for("the province's acknowledgement of the item", forwarded)
    filed = province.shell(ADOPT_AND_INSTRUCT.replace("PROVINCE_CHIEF", PROVINCE_CHIEF))
    # Filed there as the city office's item, through its own screening and bulletin.
    assert (filed["unit"], filed["state"]) == (OFFICE_CODE, "adopted")

    def recorded() -> bool:
        kinds = city.rows(
            "SELECT kind FROM federation_inboundmessage WHERE kind LIKE 'item.%' ORDER BY id"
        )
        return kinds == [("item.adopted",), ("item.instructed",)]

    try:
        wait_for("the province's adoption and instruction in the city", recorded)
    except AssertionError:
        sent = province.rows("SELECT kind, status, last_error FROM federation_outboundmessage")
        raise AssertionError(f"province outbox: {sent}") from None
    adoptions = city.rows(
        "SELECT a.level, p.code, a.upper_issue_number FROM submissions_adoption a"
        " JOIN bulletins_publication p ON a.publication_id = p.id WHERE a.item_id = ?",
        item,
    )
    assert adoptions == [("province", PROVINCE_DAILY, filed["issue"])]
    instructions = city.rows(
        "SELECT level, leader_name FROM bulletins_instruction WHERE item_id = ?", item
    )
    assert instructions == [("province", "王副省长")]
    wait_for(
        "the province's adoption and instruction in the city's ledger",
        lambda: abs(_points(city, "t-fire") - before - expected) < 0.005,
    )


BLAST = "T市某化工厂爆炸"

FORWARD_BLAST = FORWARD.replace("T市某商场火灾", BLAST).replace("T市某商场", "T市某化工厂")

RESEND = """
import json
from federation.actions import do_resend
from federation.models import OutboundMessage
from org.models import User

chief = User.objects.get(username="t-chief")
refused = OutboundMessage.objects.get(status="refused")
do_resend(chief, refused.pk)
print(json.dumps({"resent": refused.pk}))
"""


def test_a_refused_forwarding_is_not_retried_and_goes_again_when_the_chief_resends_it(
    pair: tuple[Instance, Instance],
) -> None:
    city, province = pair
    # The province's link has lost the unit it files the city's reports as: its inbox reads the
    # forwarding and refuses to file it (422 not_filed).
    (unit_id,) = province.rows("SELECT unit_id FROM federation_link")[0]
    with closing(sqlite3.connect(province.db, timeout=10)) as conn:
        conn.execute("UPDATE federation_link SET unit_id = NULL")
        conn.commit()
    incident = city.shell(FORWARD_BLAST)["incident"]
    city.shell(FOLLOW_UP.format(incident=incident))

    def messages() -> list[tuple[Any, ...]]:
        return city.rows(
            "SELECT kind, status, attempts, refusal_code, last_error"
            " FROM federation_outboundmessage WHERE subject = ? ORDER BY id",
            f"incident:{incident}",
        )

    wait_for("the refusal", lambda: messages()[0][1] == "refused")
    time.sleep(2)  # several worker passes: none sends the refused message or the one behind it
    (forward, follow) = messages()
    assert forward[1:4] == ("refused", 1, "not_filed") and "无法登记" in forward[4]
    assert follow[1:3] == ("queued", 0)
    opened = city.rows(
        "SELECT status FROM emergencies_expectedreport WHERE kind = 'forward' AND subject_id = ?",
        incident,
    )
    assert opened == [("open",)]  # the province did not get it: the deadline runs on
    assert _province_chain(province, BLAST) == []

    with closing(sqlite3.connect(province.db, timeout=10)) as conn:  # fixed at the province
        conn.execute("UPDATE federation_link SET unit_id = ?", (unit_id,))
        conn.commit()
    city.shell(RESEND)
    wait_for("both acknowledgements", lambda: _acked(city, incident) == 2)
    assert [(r[0], r[1]) for r in _province_chain(province, BLAST)] == [
        ("initial", 0),
        ("followup", 1),
    ]
    actions = city.rows(
        "SELECT action FROM audit_auditentry WHERE action LIKE 'federation_message_re%' ORDER BY id"
    )
    assert actions == [("federation_message_refused",), ("federation_message_resent",)]
