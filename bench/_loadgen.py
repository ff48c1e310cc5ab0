"""HTTP load generator, run as its own process: `python -m bench._loadgen`.

It runs in a process of its own (never in the process that starts the server) so its GIL does
not serialise with the server's. Protocol, one JSON document per line:

    stdin  <- {"port": 8000, "mode": "submit" | "api" | "livez",
               "users": [[name, password] | [api token] | null, ...],
               "warmup": 3.0, "seconds": 30.0}
    stdout -> {"ready": true}                      after every client is connected (and logged in)
    stdin  <- go
    stdout -> {"ok": ..., "latencies_ms": [...], "errors": ..., "acknowledged_ids": [...], ...}

Modes: `submit` POSTs the "new item" form as a logged-in officer's browser does; `api` POSTs the
same item, created and sent for sign-off, to `/api/items` with the officer's personal API token
(`Authorization: Bearer`); `livez` GETs the trivial liveness view.

One thread per client; each client is one persistent HTTP/1.1 keep-alive connection
(http.client). Requests completing inside [go + warmup, go + warmup + seconds] count for
throughput and latency; every error, warm-up included, counts as an error.
"""

import http.client
import json
import re
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_DETAIL = re.compile(r"^/items/(\d+)/$")
KEEP_COOKIES = ("csrftoken", "sessionid")

# A realistic routine-information body (动态类信息), ~300 characters, varied per request.
_PLACES = ["城关街道", "开发区", "高新区", "东湖镇", "西山乡", "滨江新区", "北城街道", "南湖镇"]
_TOPICS = [
    "防汛",
    "安全生产",
    "营商环境",
    "乡村振兴",
    "基层治理",
    "民生实事",
    "生态环保",
    "疫情防控",
]
_BODY = (
    "{place}扎实推进{topic}工作（第{n}期）\n"
    "近日，{place}召开专题会议，传达学习上级关于{topic}工作的部署要求，研究制定本辖区落实方案。"
    "会议要求，各部门要提高政治站位，压紧压实责任，把{topic}工作摆在突出位置，确保各项措施落地见效。\n"
    "一是强化组织领导。成立由主要负责同志任组长的工作专班，建立周调度、月通报机制，"
    "明确时间表、路线图和责任人，做到任务到岗、责任到人。\n"
    "二是开展排查整治。组织{k}个工作组深入村（社区）、企业开展拉网式排查，"
    "累计排查点位{m}处，发现问题{q}个，已整改{r}个，其余问题限期整改到位。\n"
    "三是加强宣传引导。通过政务新媒体、村村响广播等渠道发布信息{s}条，"
    "营造全社会共同参与的良好氛围。下一步，{place}将持续跟踪问效，推动{topic}工作取得更大实效。"
)


def item_fields(n: int) -> dict[str, str]:
    place = _PLACES[n % len(_PLACES)]
    topic = _TOPICS[(n // len(_PLACES)) % len(_TOPICS)]
    body = _BODY.format(
        place=place,
        topic=topic,
        n=n,
        k=3 + n % 7,
        m=40 + n % 97,
        q=5 + n % 13,
        r=3 + n % 5,
        s=10 + n % 31,
    )
    return {
        "title": f"{place}扎实推进{topic}工作（第{n}期）",
        "kind": "news",
        "occurred_on": "",
        "body": body,
        "tags": f"{topic}，{place}",
    }


def multipart(
    fields: dict[str, str], empty_file: str, file: tuple[str, bytes] | None = None
) -> tuple[bytes, str]:
    """Encode like a browser: the form is multipart, an unchosen file is an empty part;
    `file` (name, content) is a chosen one in that part."""
    boundary = f"----xinbaobench{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    filename, content = file or ("", b"")
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{empty_file}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Client:
    """One browser-like client on one keep-alive connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}
        self.keep_cookies: tuple[str, ...] = KEEP_COOKIES
        self.bearer = ""  # a personal API token, for the `api` mode

    def reconnect(self) -> None:
        self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)

    def request(
        self, method: str, path: str, body: bytes | None = None, content_type: str | None = None
    ) -> tuple[int, str, bytes]:
        headers = {"Host": f"127.0.0.1:{self.port}", "Accept-Language": "zh-CN,zh;q=0.9"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        if self.bearer:
            headers["Authorization"] = f"Bearer {self.bearer}"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for raw in response.msg.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(raw)
            for name, morsel in jar.items():
                if name not in self.keep_cookies:
                    continue  # e.g. the messages cookie: a browser would show and drop it
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.will_close:
            self.reconnect()
        return response.status, response.getheader("Location", ""), data

    def login(self, username: str, password: str) -> None:
        status, _, page = self.request("GET", "/accounts/login/")
        match = _TOKEN.search(page.decode("utf-8", "replace"))
        if status != 200 or not match:
            raise RuntimeError(f"login page: HTTP {status}")
        form = {"username": username, "password": password, "csrfmiddlewaretoken": match[1]}
        status, location, _ = self.request(
            "POST",
            "/accounts/login/",
            urlencode(form).encode(),
            "application/x-www-form-urlencoded",
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login as {username}: HTTP {status} -> {location!r}")


@dataclass
class Tally:
    ok: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    acknowledged_ids: list[int] = field(default_factory=list)
    requests: int = 0

    def error(self, text: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(text)


def drive(
    client: Client,
    mode: str,
    serial: int,
    window: tuple[float, float],
    tally: Tally,
    lock: threading.Lock,
) -> None:
    start, end = window
    n = serial * 1_000_000
    # A fresh connection: the one used to log in may have idled past the server's keep-alive
    # timeout while the other clients were logging in.
    client.reconnect()
    while True:
        now = time.monotonic()
        if now >= end:
            return
        n += 1
        ack: int | None = None
        error = ""
        t0 = time.perf_counter()
        try:
            if mode == "livez":
                status, location, data = client.request("GET", "/livez")
                if status != 200 or data != b"ok":
                    error = f"HTTP {status}"
            elif mode == "api":
                fields = item_fields(n)
                payload = {
                    "title": fields["title"],
                    "kind": fields["kind"],
                    "body": fields["body"],
                    "tags": fields["tags"].split("，"),
                    "submit": True,
                }
                status, location, data = client.request(
                    "POST", "/api/items", json.dumps(payload).encode(), "application/json"
                )
                if status == 201:
                    ack = int(json.loads(data)["id"])
                else:
                    error = f"HTTP {status}: {data[:200]!r}"
            else:
                fields = item_fields(n)
                fields["submit"] = "1"
                fields["csrfmiddlewaretoken"] = client.cookies.get("csrftoken", "")
                body, ctype = multipart(fields, "attachments")
                status, location, data = client.request("POST", "/items/new/", body, ctype)
                match = _DETAIL.match(location)
                if status == 302 and match:
                    ack = int(match[1])
                else:
                    error = f"HTTP {status} -> {location!r}: {data[:200]!r}"
        except (OSError, http.client.HTTPException, ValueError, KeyError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            client.reconnect()
        elapsed_ms = (time.perf_counter() - t0) * 1000.0
        done = time.monotonic()
        with lock:
            tally.requests += 1
            if ack is not None:
                tally.acknowledged_ids.append(ack)
            if error:
                tally.error(error)
            elif start <= done <= end:
                tally.ok += 1
                tally.latencies_ms.append(elapsed_ms)


@dataclass
class LoadResult:
    ok: int
    seconds: float
    latencies_ms: list[float]  # sorted
    errors: int
    error_samples: list[str]
    acknowledged_ids: list[int]
    requests: int
    client_cpu_s: float  # CPU time the load generator processes used

    @property
    def rps(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0


def run_load(
    port: int,
    mode: str,
    users: list[tuple[str, ...] | None],
    warmup: float,
    seconds: float,
    processes: int,
    on_go: Callable[[list[int]], None] | None = None,
) -> LoadResult:
    """Spread `users` (one client each) over `processes` load-generator processes and run them.

    `on_go(pids)` is called right after the go signal with the load generators' process ids,
    e.g. to start counting CPU time.
    """
    import resource
    import subprocess

    processes = max(1, min(processes, len(users)))
    shares = [users[i::processes] for i in range(processes)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bench._loadgen"],
            cwd=Path(__file__).resolve().parent.parent,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in shares
    ]
    try:
        offset = 0
        for proc, share in zip(procs, shares, strict=True):
            assert proc.stdin is not None
            config = {
                "port": port,
                "mode": mode,
                "users": share,
                "warmup": warmup,
                "seconds": seconds,
                "offset": offset,
            }
            offset += len(share)
            proc.stdin.write(json.dumps(config) + "\n")
            proc.stdin.flush()
        for proc in procs:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            if not line or not json.loads(line).get("ready"):
                raise RuntimeError("a load generator failed to get ready (see stderr above)")
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        if on_go is not None:
            on_go([p.pid for p in procs])
        outs = []
        for proc in procs:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError("a load generator died (see stderr above)")
            outs.append(json.loads(line))
            proc.wait(timeout=60)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return LoadResult(
        ok=sum(o["ok"] for o in outs),
        seconds=max(o["seconds"] for o in outs),
        latencies_ms=sorted(x for o in outs for x in o["latencies_ms"]),
        errors=sum(o["errors"] for o in outs),
        error_samples=[s for o in outs for s in o["error_samples"]][:5],
        acknowledged_ids=[i for o in outs for i in o["acknowledged_ids"]],
        requests=sum(o["requests"] for o in outs),
        client_cpu_s=(after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
    )


def main() -> None:
    config: dict[str, Any] = json.loads(sys.stdin.readline())
    port, mode = int(config["port"]), str(config["mode"])
    users: list[list[str] | None] = config["users"]
    clients = [Client(port) for _ in users]
    for client, user in zip(clients, users, strict=True):
        if user is not None and mode == "api":
            client.bearer = user[0]
            client.conn.connect()
        elif user is not None:
            client.login(user[0], user[1])
        else:
            client.conn.connect()
    print(json.dumps({"ready": True}), flush=True)
    if sys.stdin.readline().strip() != "go":
        return
    go = time.monotonic()
    window = (go + float(config["warmup"]), go + float(config["warmup"]) + float(config["seconds"]))
    tally = Tally()
    lock = threading.Lock()
    threads = [
        threading.Thread(
            target=drive,
            args=(client, mode, int(config.get("offset", 0)) + i, window, tally, lock),
            daemon=True,
        )
        for i, client in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.conn.close()
    out = {
        "ok": tally.ok,
        "seconds": window[1] - window[0],
        "latencies_ms": tally.latencies_ms,
        "errors": tally.errors,
        "error_samples": tally.error_samples,
        "acknowledged_ids": tally.acknowledged_ids,
        "requests": tally.requests,
    }
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
