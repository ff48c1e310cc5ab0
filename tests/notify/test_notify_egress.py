"""The egress allowlist: nothing leaves xinbao except to what the system administrator lists.

Real loopback servers (an HTTP recorder, a minimal SMTP server) stand for the places a user
might point a channel at; each test checks what they actually received.
"""

import ipaddress
import shutil
import socket
import socketserver
import ssl
import subprocess
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from audit.models import AuditEntry
from notify import egress
from notify.actions import ActionError, ChannelSpec, Message, dispatch, do_add_channel
from notify.models import Channel, ChannelKind, Delivery, DeliveryStatus, EgressRule, Severity
from notify.transports import TransportError
from notify.transports.base import post_json
from notify.worker import process_deliveries

pytestmark = pytest.mark.django_db


def message(key="flip:1"):
    return Message(
        title="【超时】甲区委办公室 书面首报已超时 12 分钟",
        body="应报时间：10:30",
        url="/emergencies/12/",
        severity=Severity.URGENT,
        key=key,
    )


def deliver(owner, channel_of, url, kind=ChannelKind.WEBHOOK):
    """A channel to `url` (entered past the form, as an old row would be), one message sent to
    it, and the worker's try: the delivery as the log shows it."""
    channel_of(owner, kind, url)
    dispatch(message(), [owner])
    process_deliveries()
    return Delivery.objects.get()


def assert_refused(delivery):
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 1
    assert "白名单" in delivery.last_error  # the Chinese reason, on the delivery log
    # Failed for good: a day later the worker has nothing to try.
    assert process_deliveries(timezone.now() + timedelta(days=1)) == 0


# --- (a) an unlisted loopback server receives nothing; (b) listed, it receives ---------------


def test_an_unlisted_loopback_webhook_is_refused_and_receives_nothing(
    officer_a, channel_of, server
):
    delivery = deliver(officer_a, channel_of, server.url())
    assert_refused(delivery)
    assert "127.0.0.1" in delivery.last_error
    assert server.requests == []


@pytest.mark.parametrize("entry", ["127.0.0.1", "127.0.0.1:{port}", "127.0.0.0/8"])
def test_a_listed_loopback_server_receives_the_delivery(
    officer_a, channel_of, server, allow, entry
):
    allow(entry.format(port=server.port))
    delivery = deliver(officer_a, channel_of, server.url())
    assert delivery.status == DeliveryStatus.SENT
    assert [r.key for r in server.to("/hook")] == ["flip:1"]


def test_an_address_listed_on_another_port_does_not_open_this_one(
    officer_a, channel_of, server, allow
):
    allow(f"127.0.0.1:{server.port + 1 if server.port < 65535 else 1}")
    assert_refused(deliver(officer_a, channel_of, server.url()))
    assert server.requests == []


def test_every_transport_that_posts_is_held_by_the_list(officer_a, channel_of, server):
    for kind, path in [(ChannelKind.WECOM, "/w"), (ChannelKind.DINGTALK, "/d")]:
        channel_of(officer_a, kind, server.url(path), label=kind)
    channel_of(officer_a, ChannelKind.SMS, "13800000000", sms_url=server.url("/sms"), label="s")
    dispatch(message(), [officer_a])
    assert process_deliveries() == 3
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.FAILED}
    assert server.requests == []


# --- (c) a name resolving to a private address ------------------------------------------------


def test_a_listed_name_that_resolves_to_loopback_is_refused(officer_a, channel_of, server, allow):
    # `localhost` is listed by name; what it resolves to (127.0.0.1) is not.
    allow(f"localhost:{server.port}")
    delivery = deliver(officer_a, channel_of, f"http://localhost:{server.port}/hook")
    assert_refused(delivery)
    assert "localhost" in delivery.last_error
    assert server.requests == []


def test_a_name_is_checked_once_and_the_checked_address_is_dialled(
    officer_a, channel_of, server, allow, monkeypatch
):
    """DNS rebinding: the name first answers the listed address, then an unlisted one. The
    request goes to the checked address, with the name in the Host header."""
    allow(f"127.0.0.1:{server.port}")
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1"] + ["127.0.0.2"] * 10)

    def rebinding_dns(host, port, *args, **kwargs):
        if host == "hooks.rebind.test":
            return real(next(answers), port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_dns)
    delivery = deliver(officer_a, channel_of, f"http://hooks.rebind.test:{server.port}/hook")
    assert delivery.status == DeliveryStatus.SENT
    [request] = server.to("/hook")
    assert request.headers["Host"] == f"hooks.rebind.test:{server.port}"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a certificate")
def test_https_dials_the_checked_address_with_sni_and_certificate_for_the_name(
    tmp_path, allow, monkeypatch
):
    """A robot behind TLS: the socket goes to the checked address, while SNI, the certificate
    check and the Host header are for the name. The same server by bare address fails the
    certificate check: nothing was verified against the address."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=robot.tls.test"),
            *("-addext", "subjectAltName=DNS:robot.tls.test"),
        ],
        check=True,
        capture_output=True,
    )
    seen: dict[str, object] = {"sni": []}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            seen["host"] = self.headers["Host"]
            seen["body"] = self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format, *args):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    tls.sni_callback = lambda sock, name, context: seen["sni"].append(name)
    httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    port = httpd.server_address[1]
    real_dns, real_context = socket.getaddrinfo, ssl.create_default_context

    def dns(host, *args, **kwargs):
        return real_dns("127.0.0.1" if host == "robot.tls.test" else host, *args, **kwargs)

    def trusting(*args, **kwargs):  # this test's certificate as the only extra root
        context = real_context(*args, **kwargs)
        context.load_verify_locations(cert)
        return context

    monkeypatch.setattr(socket, "getaddrinfo", dns)
    monkeypatch.setattr(ssl, "create_default_context", trusting)
    allow(f"127.0.0.1:{port}")
    try:
        answer = post_json(f"https://robot.tls.test:{port}/send", {"a": 1}, "k")
        assert answer.status == 200
        assert (seen["host"], seen["body"]) == (f"robot.tls.test:{port}", b'{"a": 1}')
        assert seen["sni"] == ["robot.tls.test"]
        with pytest.raises(TransportError, match="CERTIFICATE_VERIFY_FAILED"):
            post_json(f"https://127.0.0.1:{port}/send", {"a": 1}, "k")
    finally:
        httpd.shutdown()
        httpd.server_close()


# --- (d) other spellings of 127.0.0.1 ----------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    ["[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "2130706433", "0177.0.0.1", "0x7f.0.0.1", "127.1"],
)
def test_other_spellings_of_loopback_are_refused(officer_a, channel_of, server, allow, host):
    allow("192.0.2.0/24")  # something is listed, just not this
    delivery = deliver(officer_a, channel_of, f"http://{host}:{server.port}/hook")
    assert_refused(delivery)
    assert server.requests == []


def test_an_ipv4_mapped_address_is_judged_as_the_address_it_carries():
    """A simple table, independent of the parser: every special IPv4 address, mapped into IPv6,
    is refused exactly as the IPv4 address is; a listed one is allowed in both forms."""
    listed = [egress.parse_entry("10.9.0.0/16")]
    for v4 in ["127.0.0.1", "10.1.2.3", "169.254.169.254", "0.0.0.0", "224.0.0.1", "10.9.8.7"]:
        plain = ipaddress.ip_address(v4)
        mapped = ipaddress.ip_address(f"::ffff:{v4}")
        assert egress.judge("h", 80, mapped, listed) == egress.judge("h", 80, plain, listed)
    assert egress.judge("h", 80, ipaddress.ip_address("::ffff:10.9.8.7"), listed) == "ok"
    assert egress.judge("h", 80, ipaddress.ip_address("::ffff:127.0.0.1"), listed) == "special"


@pytest.mark.parametrize(
    ("entries", "name", "port", "address", "verdict"),
    [
        ([], "robot.example.cn", 443, "116.62.1.9", "unlisted"),
        (["robot.example.cn"], "robot.example.cn", 443, "116.62.1.9", "ok"),
        (["Robot.Example.CN."], "robot.example.cn", 443, "116.62.1.9", "ok"),
        (["robot.example.cn:8443"], "robot.example.cn", 443, "116.62.1.9", "unlisted"),
        (["robot.example.cn"], "other.example.cn", 443, "116.62.1.9", "unlisted"),
        (["robot.example.cn"], "robot.example.cn", 443, "10.0.0.5", "special"),
        (["robot.example.cn"], "robot.example.cn", 443, "fe80::1", "special"),
        (["robot.example.cn"], "robot.example.cn", 443, "::", "special"),
        (["robot.example.cn"], "robot.example.cn", 443, "ff02::1", "special"),
        (["robot.example.cn"], "robot.example.cn", 443, "239.1.2.3", "special"),
        (["robot.example.cn"], "robot.example.cn", 443, "100.64.0.1", "special"),
        (["10.0.0.0/8"], "sms.intranet", 8080, "10.0.0.5", "ok"),
        (["10.0.0.5:8080"], "sms.intranet", 8080, "10.0.0.5", "ok"),
        (["10.0.0.5:8080"], "sms.intranet", 80, "10.0.0.5", "special"),
        (["fd00::/8"], "v6.intranet", 80, "fd12::1", "ok"),
        (["[fd12::1]:80"], "v6.intranet", 80, "fd12::1", "ok"),
        (["116.62.0.0/16"], "anything", 80, "116.62.200.1", "ok"),
        (["116.62.0.0/16"], "anything", 80, "120.0.0.1", "unlisted"),
    ],
)
def test_the_verdict_table(entries, name, port, address, verdict):
    parsed = [egress.parse_entry(e) for e in entries]
    assert egress.judge(name, port, ipaddress.ip_address(address), parsed) == verdict


# --- the mail server ---------------------------------------------------------------------------


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's backend to hand over one message."""

    def handle(self):
        server = self.server
        self.wfile.write(b"220 test ESMTP\r\n")
        in_data = False
        while line := self.rfile.readline():
            if in_data:
                if line == b".\r\n":
                    in_data = False
                    server.messages.append(b"".join(server.current))
                    self.wfile.write(b"250 queued\r\n")
                else:
                    server.current.append(line)
                continue
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 test\r\n")
            elif verb == b"DATA":
                in_data, server.current = True, []
                self.wfile.write(b"354 go on\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def mail_server(settings):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.daemon_threads = True
    server.messages, server.connections = [], 0
    real_verify = server.verify_request

    def counting(request, address):
        server.connections += 1
        return real_verify(request, address)

    server.verify_request = counting
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.server_address[1]
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield server
    server.shutdown()
    server.server_close()


def test_an_unlisted_mail_server_is_not_contacted(officer_a, channel_of, mail_server):
    delivery = deliver(officer_a, channel_of, "duty@example.gov.cn", kind=ChannelKind.EMAIL)
    assert_refused(delivery)
    assert mail_server.connections == 0


def test_a_listed_mail_server_gets_the_mail(officer_a, channel_of, mail_server, allow):
    allow(f"127.0.0.1:{mail_server.server_address[1]}")
    delivery = deliver(officer_a, channel_of, "duty@example.gov.cn", kind=ChannelKind.EMAIL)
    assert delivery.status == DeliveryStatus.SENT
    [mail] = mail_server.messages
    assert b"duty@example.gov.cn" in mail


# --- (e) the channel form ----------------------------------------------------------------------


def channel_form(target, kind="webhook", **fields):
    data = {"owner": "me", "me-kind": kind, "me-label": "值班群", "me-target": target}
    data.update({f"me-{k}": v for k, v in fields.items()})
    return data


def test_a_webhook_to_an_unlisted_host_is_a_form_error(officer_a, client_of, server):
    response = client_of(officer_a).post(reverse("notify:channels"), channel_form(server.url()))
    assert response.status_code == 200
    assert "对外连接白名单" in response.content.decode()
    assert not Channel.objects.exists()
    assert not AuditEntry.objects.filter(action="notify_channel_added").exists()


def test_an_sms_gateway_on_an_unlisted_host_is_a_form_error(officer_a, client_of, server):
    data = channel_form("13800000000", kind="sms", sms_url=server.url("/sms"))
    response = client_of(officer_a).post(reverse("notify:channels"), data)
    assert response.status_code == 200
    assert "对外连接白名单" in response.content.decode()
    assert not Channel.objects.exists()


def test_a_host_that_does_not_resolve_is_a_form_error(officer_a, client_of):
    data = channel_form("http://no-such-host.invalid/hook")
    response = client_of(officer_a).post(reverse("notify:channels"), data)
    assert "无法解析" in response.content.decode()
    assert not Channel.objects.exists()


def test_once_listed_the_same_webhook_is_saved(officer_a, client_of, server, allow):
    allow(f"127.0.0.1:{server.port}")
    response = client_of(officer_a).post(reverse("notify:channels"), channel_form(server.url()))
    assert response.status_code == 302
    assert Channel.objects.get().target == server.url()


def test_the_action_refuses_too(officer_a, server):
    with pytest.raises(ActionError, match="白名单"):
        do_add_channel(officer_a, ChannelSpec(ChannelKind.WEBHOOK, "接口", server.url()))
    assert not Channel.objects.exists()


# --- (f) the administrator's page and its audit rows -------------------------------------------


def test_the_system_administrator_lists_and_removes_an_entry_each_audited(system_admin, client_of):
    client = client_of(system_admin)
    page = client.get(reverse("notify:egress")).content.decode()
    assert "对外连接白名单" in page
    response = client.post(reverse("notify:egress"), {"entry": " 127.0.0.1:8080 ", "note": "测试"})
    assert response.status_code == 302
    rule = EgressRule.objects.get()
    assert (rule.entry, rule.note, rule.created_by) == ("127.0.0.1:8080", "测试", system_admin)
    added = AuditEntry.objects.get(action="egress_allowed")
    assert (added.actor, added.target, added.data) == (
        system_admin,
        f"egress:{rule.pk}",
        {"entry": "127.0.0.1:8080"},
    )

    response = client.post(reverse("notify:egress_remove"), {"rule": rule.pk})
    assert response.status_code == 302
    assert not EgressRule.objects.exists()
    removed = AuditEntry.objects.get(action="egress_removed")
    assert (removed.actor, removed.target, removed.data) == (
        system_admin,
        f"egress:{rule.pk}",
        {"entry": "127.0.0.1:8080"},
    )


def test_the_menu_leads_the_system_administrator_there(system_admin, chief, client_of):
    url = reverse("notify:egress")
    assert f'href="{url}"' in client_of(system_admin).get(reverse("org:units")).content.decode()
    assert f'href="{url}"' not in client_of(chief).get(reverse("notify:inbox")).content.decode()


@pytest.mark.parametrize("entry", ["http://x.cn/", "10.0.0.0/8:80", "2130706433", "a b", "x:0"])
def test_a_malformed_entry_is_a_form_error_and_nothing_is_written(system_admin, client_of, entry):
    response = client_of(system_admin).post(reverse("notify:egress"), {"entry": entry})
    assert response.status_code == 200
    assert "请输入主机名" in response.content.decode()
    assert not EgressRule.objects.exists()
    assert not AuditEntry.objects.filter(action="egress_allowed").exists()


def test_one_destination_is_listed_once_whatever_its_spelling(system_admin, client_of):
    client = client_of(system_admin)
    client.post(reverse("notify:egress"), {"entry": "::ffff:10.0.0.1"})
    response = client.post(reverse("notify:egress"), {"entry": "10.0.0.1"})
    assert "已在白名单中" in response.content.decode()
    assert list(EgressRule.objects.values_list("entry", flat=True)) == ["10.0.0.1"]


@pytest.mark.parametrize(
    "persona",
    ["officer_a", "head_a", "editor", "chief", "leader", "security_admin", "audit_admin"],
)
def test_no_one_else_may_see_or_change_the_list(persona, request, client_of):
    client = client_of(request.getfixturevalue(persona))
    EgressRule.objects.create(entry="10.0.0.1")
    assert client.get(reverse("notify:egress")).status_code == 403
    assert client.post(reverse("notify:egress"), {"entry": "10.0.0.2"}).status_code == 403
    rule = EgressRule.objects.get()
    assert client.post(reverse("notify:egress_remove"), {"rule": rule.pk}).status_code == 403
    assert list(EgressRule.objects.values_list("entry", flat=True)) == ["10.0.0.1"]
    assert not AuditEntry.objects.filter(action__startswith="egress_").exists()


def test_nothing_is_listed_at_first():
    assert not EgressRule.objects.exists()


ADDRESS_LIKE = r"\[?[0-9a-fA-F:.%]{1,40}\]?(:[0-9²]{1,6})?(/\d{1,3})?"


@given(st.text(max_size=80) | st.from_regex(ADDRESS_LIKE))
@hypothesis_settings(max_examples=300, derandomize=True)
def test_any_typed_entry_is_parsed_or_refused_and_listed_once(text):
    """Whatever the administrator types is either refused (the form says how to write it) or
    stored in one canonical spelling that reads back as the same entry."""
    try:
        entry = egress.parse_entry(text)
    except egress.EntryError:
        return
    assert egress.parse_entry(entry.text) == entry
    assert len(entry.text) <= EgressRule._meta.get_field("entry").max_length
