"""Start xinbao the way `make run` does, on a fresh var dir and a free loopback port."""

import http.client
import json
import os
import runpy
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from bench._common import PYTHON, ROOT, log

GUNICORN_CONF = ROOT / "xinbao" / "gunicorn_conf.py"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def app_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of `make run`, pointed at `var_dir`.

    Settings that would make the server differ from `make run` (another database, debug, an
    inherited worker count) are dropped; BENCH_WEB_WORKERS / BENCH_WEB_THREADS are the one
    deliberate way to try another gunicorn shape.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XINBAO_", "DATABASE_URL", "DJANGO_", "GUNICORN_"))
    }
    env["XINBAO_VAR_DIR"] = str(var_dir)
    if os.environ.get("BENCH_WEB_WORKERS"):
        env["XINBAO_WEB_WORKERS"] = os.environ["BENCH_WEB_WORKERS"]
    if os.environ.get("BENCH_WEB_THREADS"):
        env["XINBAO_WEB_THREADS"] = os.environ["BENCH_WEB_THREADS"]
    env.update(extra)
    return env


def manage(var_dir: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """`manage.py <args>` against `var_dir` (`env`: more environment, e.g. a DATABASE_URL)."""
    proc = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=app_env(var_dir, **(env or {})),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    return proc.stdout


def django_child(module: str, var_dir: Path, *args: str, **env: str) -> dict[str, Any]:
    """Run `python -m <module> <args>` inside Django against the database in `var_dir` (`env`:
    more environment); the child's result, one JSON object, is the last line of its stdout."""
    proc = subprocess.run(
        [PYTHON, "-m", module, *args],
        cwd=ROOT,
        env=app_env(var_dir, DJANGO_SETTINGS_MODULE="xinbao.settings", **env),
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args[:1])} failed ({proc.returncode})")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def prepare(var_dir: Path, env: dict[str, str] | None = None) -> None:
    """`make run`'s steps before gunicorn: migrate, seed_demo, collectstatic."""
    log("migrate")
    manage(var_dir, "migrate", "--noinput", env=env)
    log("seed_demo")
    manage(var_dir, "seed_demo", env=env)
    log("collectstatic")
    manage(var_dir, "collectstatic", "--noinput", "-v0", env=env)


def gunicorn_config(env: dict[str, str]) -> dict[str, object]:
    """Evaluate xinbao/gunicorn_conf.py under `env`, to report the shape the server really has."""
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(env)
        namespace = runpy.run_path(str(GUNICORN_CONF))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {k: v for k, v in namespace.items() if not k.startswith("_") and k != "os"}


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            kids.extend(int(x) for x in (task / "children").read_text().split())
    except OSError:
        pass
    return kids


def descendants(pid: int) -> list[int]:
    found: list[int] = []
    todo = _children(pid)
    while todo:
        child = todo.pop()
        found.append(child)
        todo.extend(_children(child))
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def cpu_seconds(pids: list[int]) -> float:
    """User+system CPU time of the processes (Linux /proc; 0 elsewhere)."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


class Server:
    """`PORT=<port> python manage.py serve`, the last step of `make run`: gunicorn with
    xinbao/gunicorn_conf.py plus the deadline worker. Access log off. A context manager."""

    def __init__(self, var_dir: Path, env: dict[str, str] | None = None) -> None:
        self.var_dir = var_dir
        self.extra_env = dict(env or {})  # e.g. a DATABASE_URL
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = var_dir / "serve.log"

    def __enter__(self) -> "Server":
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def env(self) -> dict[str, str]:
        return app_env(self.var_dir, PORT=str(self.port), XINBAO_ACCESS_LOG="", **self.extra_env)

    def start(self) -> None:
        log_file = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [PYTHON, "manage.py", "serve"],
            cwd=ROOT,
            env=self.env(),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so nothing can outlive stop()
        )
        log_file.close()
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        log(f"manage.py serve up on 127.0.0.1:{self.port} (pid {self.proc.pid}, {self.shape()})")

    def config(self) -> dict[str, object]:
        return gunicorn_config(self.env())

    def shape(self) -> str:
        conf = self.config()
        return (
            f"gunicorn {conf['worker_class']}, workers={conf['workers']},"
            f" threads={conf['threads']}, plus the deadline worker"
        )

    def _wait_healthy(self, timeout: float = 90.0) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"manage.py serve exited early; see {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz")
                response = conn.getresponse()
                body = response.read()
                conn.close()
                # Every web worker must be up, not just the first to answer, and the
                # deadline worker must be beating, as in a real `make run`.
                if (
                    response.status == 200
                    and b'"worker": "ok"' in body
                    and len(self.web_worker_pids()) >= self._expected_workers()
                ):
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"manage.py serve did not become healthy; see {self.log_path}")

    def _expected_workers(self) -> int:
        workers = self.config()["workers"]
        assert isinstance(workers, int)
        return workers

    def web_worker_pids(self) -> list[int]:
        """gunicorn workers: gunicorn processes whose parent is gunicorn (the master)."""
        if self.proc is None:
            return []
        masters = [p for p in _children(self.proc.pid) if "gunicorn" in _cmdline(p)]
        return [w for m in masters for w in _children(m)]

    def pids(self) -> list[int]:
        return [self.proc.pid, *descendants(self.proc.pid)] if self.proc else []

    def cpu_seconds(self) -> float:
        """CPU time of the whole serve tree: gunicorn master and workers, deadline worker."""
        return cpu_seconds(self.pids())

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # serve stops gunicorn and the worker gracefully
            try:
                proc.wait(timeout=45)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # its whole process group
                proc.wait()
        log("server stopped")
