"""A loopback stand-in for the WeCom and DingTalk robot services, enforcing what they document.

Written from the services' documentation, not from xinbao's code:

- WeCom (群机器人配置说明): POST /cgi-bin/webhook/send?key=KEY. A wrong key is errcode 93000
  (invalid webhook url); a msgtype other than text/markdown 40008; markdown.content over 4096
  UTF-8 bytes or text.content over 2048 bytes 40058; more than 20 messages in a minute 45009.
- DingTalk (自定义机器人接入): POST /robot/send?access_token=TOKEN. A wrong token is 300001; with
  signing (加签), `sign` must be base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")) or the
  answer is 310000 "sign not match"; with a custom keyword, the message must contain it or the
  answer is 310000 "keywords not in content"; more than 20 messages in a minute is 130101 and
  the robot is then refused for 10 minutes. The markdown text is held to 4096 bytes (the limit
  xinbao keeps for DingTalk; DingTalk publishes none we could find).

The service's clock is `now`, set by the test to the moment it hands the worker, so a minute
passes without anyone sleeping. Every request is kept with the answer it got.
"""

import base64
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

WECOM_PATH = "/cgi-bin/webhook/send"
DINGTALK_PATH = "/robot/send"
MINUTE = timedelta(minutes=1)


@dataclass
class Hit:
    service: str
    body: dict
    errcode: int
    errmsg: str
    at: datetime


@dataclass
class RobotService:
    now: datetime
    port: int = 0
    wecom_key: str = "wkey"
    dingtalk_token: str = "dtok"
    dingtalk_secret: str = ""
    dingtalk_keyword: str = ""
    busy: int = 0  # answer the next `busy` requests with HTTP 502
    hits: list[Hit] = field(default_factory=list)
    sent_at: dict[str, list[datetime]] = field(default_factory=dict)
    blocked_until: datetime | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wecom_url(self, key: str | None = None) -> str:
        return f"http://127.0.0.1:{self.port}{WECOM_PATH}?key={key or self.wecom_key}"

    def dingtalk_url(self, token: str | None = None) -> str:
        token = token or self.dingtalk_token
        return f"http://127.0.0.1:{self.port}{DINGTALK_PATH}?access_token={token}"

    def accepted(self) -> list[Hit]:
        return [h for h in self.hits if h.errcode == 0]

    def _over_rate(self, service: str) -> bool:
        recent = [t for t in self.sent_at.get(service, []) if t > self.now - MINUTE]
        recent.append(self.now)
        self.sent_at[service] = recent
        return len(recent) > 20

    def judge(self, service: str, query: dict[str, list[str]], body: dict) -> tuple[int, str]:
        if service == "wecom":
            return self._wecom(query, body)
        return self._dingtalk(query, body)

    def _wecom(self, query: dict[str, list[str]], body: dict) -> tuple[int, str]:
        if query.get("key") != [self.wecom_key]:
            return 93000, "invalid webhook url"
        kind = body.get("msgtype")
        if kind not in ("text", "markdown"):
            return 40008, "invalid message type"
        limit = 4096 if kind == "markdown" else 2048
        if len(body[kind]["content"].encode("utf-8")) > limit:
            return 40058, f"{kind}.content exceed max length {limit}"
        if self._over_rate("wecom"):
            return 45009, "api freq out of limit"
        return 0, "ok"

    def _dingtalk(self, query: dict[str, list[str]], body: dict) -> tuple[int, str]:
        if query.get("access_token") != [self.dingtalk_token]:
            return 300001, "token is not exist"
        if self.dingtalk_secret:
            timestamp = query.get("timestamp", [""])[0]
            expected = hmac.new(
                self.dingtalk_secret.encode(),
                f"{timestamp}\n{self.dingtalk_secret}".encode(),
                hashlib.sha256,
            ).digest()
            given = query.get("sign", [""])[0]
            if not given or base64.b64decode(given) != expected:
                return 310000, "sign not match"
        markdown = body.get("markdown", {})
        if self.dingtalk_keyword:
            content = markdown.get("title", "") + markdown.get("text", "")
            if self.dingtalk_keyword not in content:
                return 310000, "keywords not in content"
        if len(markdown.get("text", "").encode("utf-8")) > 4096:
            return 460101, "message too long"
        if self.blocked_until is not None and self.now < self.blocked_until:
            return 130101, "send too fast, exceed 20 times per minute"
        if self._over_rate("dingtalk"):
            self.blocked_until = self.now + timedelta(minutes=10)
            return 130101, "send too fast, exceed 20 times per minute"
        return 0, "ok"


def _handler(service: RobotService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            parts = urlsplit(self.path)
            name = "wecom" if parts.path == WECOM_PATH else "dingtalk"
            body = json.loads(raw.decode("utf-8"))
            with service.lock:
                if service.busy > 0:
                    service.busy -= 1
                    status, answer = 502, b"bad gateway"
                    service.hits.append(Hit(name, body, 502, "bad gateway", service.now))
                else:
                    errcode, errmsg = service.judge(name, parse_qs(parts.query), body)
                    service.hits.append(Hit(name, body, errcode, errmsg, service.now))
                    status = 200
                    answer = json.dumps({"errcode": errcode, "errmsg": errmsg}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format, *args):
            pass

    return Handler


def start(service: RobotService) -> ThreadingHTTPServer:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(service))
    httpd.daemon_threads = True
    service.port = httpd.server_address[1]
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    return httpd
