"""A real HTTP server on loopback that records what the transports send, and channel builders.

Nothing leaves xinbao unless the system administrator lists it (`notify.egress`), so `server`
is a server that is *not* listed, and `listed_server` is the same kind of server after the
step an operator takes: its address and port entered on the outbound-addresses page.

The server answers each path from a script of (status, body) pairs, then with the default
answer, a robot's success: 200 {"errcode": 0, "errmsg": "ok"}.
"""

import json
import socket
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from notify.actions import do_allow_egress
from org.roles import Role
from tests.factories import make_user
from tests.notify.notify_helpers import make_channel

OK = (200, {"errcode": 0, "errmsg": "ok"})


@dataclass
class Received:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self):
        return json.loads(self.body.decode("utf-8"))

    @property
    def key(self) -> str:
        return self.headers.get("X-Xinbao-Delivery", "")


@dataclass
class Recorder:
    host: str = "127.0.0.1"
    port: int = 0
    requests: list[Received] = field(default_factory=list)
    scripts: dict[str, list[tuple[int, object]]] = field(default_factory=lambda: defaultdict(list))
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "/hook") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def answer(self, path: str, *answers: tuple[int, object]) -> None:
        """Script the next answers for `path`; after them the server answers OK."""
        self.scripts[path].extend(answers)

    def to(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def _next(self, path: str) -> tuple[int, object]:
        with self.lock:
            script = self.scripts.get(path)
            return script.pop(0) if script else OK


def _handler(recorder: Recorder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            parts = urlsplit(self.path)
            status, answer = recorder._next(parts.path)
            if recorder.delay:
                threading.Event().wait(recorder.delay)
            with recorder.lock:
                recorder.requests.append(
                    Received(parts.path, parse_qs(parts.query), dict(self.headers.items()), body)
                )
            data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", recorder.url("/elsewhere"))
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):  # keep the test output quiet
            pass

    return Handler


@pytest.fixture
def server():
    recorder = Recorder()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(recorder))
    httpd.daemon_threads = True
    recorder.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield recorder
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def allow(db):
    """List an entry on the egress allowlist, as the system administrator does in the UI."""
    admin = make_user(Role.SYSTEM_ADMIN, None, username="egress_admin")

    def allow_entry(entry: str) -> None:
        do_allow_egress(admin, entry)

    return allow_entry


@pytest.fixture
def listed_server(server, allow):
    """A loopback server whose address and port the system administrator has listed."""
    allow(f"127.0.0.1:{server.port}")
    return server


@pytest.fixture
def refused_url(allow):
    """A listed loopback URL where nothing listens: the connection is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    allow(f"127.0.0.1:{port}")
    return f"http://127.0.0.1:{port}/nobody"


@pytest.fixture
def channel_of():
    return make_channel
