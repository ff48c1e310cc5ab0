"""`make run`: the web server and the worker side by side, stopped together.

Production runs them as separate services (see README); this is the one-command version for a
single machine. A worker that dies is restarted after a short pause; if the web server exits,
everything stops.
"""

import os
import signal
import subprocess
import sys
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run gunicorn and the deadline worker together until interrupted."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))

    def handle(self, *args: Any, port: str, **options: Any) -> None:
        env = {**os.environ, "PORT": str(port)}
        base = settings.BASE_DIR
        bin_dir = os.path.dirname(sys.executable)
        web_cmd = [
            os.path.join(bin_dir, "gunicorn"),
            "-c",
            str(base / "xinbao/gunicorn_conf.py"),
            "xinbao.wsgi",
        ]
        worker_cmd = [sys.executable, str(base / "manage.py"), "run_worker"]
        web = subprocess.Popen(web_cmd, env=env, cwd=base)
        worker = subprocess.Popen(worker_cmd, env=env, cwd=base)
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                if web.poll() is not None:
                    self.stderr.write(f"web server exited with {web.returncode}")
                    break
                if worker.poll() is not None:
                    self.stderr.write(f"worker exited with {worker.returncode}; restarting")
                    time.sleep(2)
                    worker = subprocess.Popen(worker_cmd, env=env, cwd=base)
                time.sleep(0.5)
        finally:
            for proc in (worker, web):
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in (worker, web):
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
