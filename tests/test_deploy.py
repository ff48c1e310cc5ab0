"""The production configuration (等保 level 3): Django's deployment checks pass with the settings a
server runs with, and gunicorn, started as `manage.py serve` starts it, opens no control socket.

Both run in a child process with a production environment, as the server would."""

import os
import secrets
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import time_machine
from django.conf import settings
from django.db import models

from org.models import OfficeHours
from tests.clock import PINNED

BASE = Path(settings.BASE_DIR)


def production_env(var_dir: Path) -> dict[str, str]:
    """The environment of a production server: HTTPS, DEBUG off, a real secret key, nothing of
    the test run's own settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XINBAO_", "DJANGO_", "GUNICORN_")) and k != "DATABASE_URL"
    }
    env.update(
        XINBAO_HTTPS="1",
        XINBAO_DEBUG="0",
        XINBAO_SECRET_KEY=secrets.token_urlsafe(50),
        XINBAO_VAR_DIR=str(var_dir),
        XINBAO_ALLOWED_HOSTS="xinbao.example.gov.cn",
    )
    return env


def test_check_deploy_is_clean_in_production_settings(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=BASE,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout, done.stdout + done.stderr


def test_what_is_silenced_is_explained_in_the_settings():
    source = (BASE / "xinbao" / "settings.py").read_text()
    for check in settings.SILENCED_SYSTEM_CHECKS:
        line = next(n for n, text in enumerate(source.splitlines()) if check in text)
        comment = source.splitlines()[line - 1].strip()
        assert comment.startswith("#"), f"{check} is silenced without a reason above it"


def effective_gunicorn_config(var_dir: Path) -> dict[str, str]:
    """gunicorn's own account of its settings for the command line `manage.py serve` runs."""
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            str(BASE / "xinbao/gunicorn_conf.py"),
            "--print-config",
            "xinbao.wsgi",
        ],
        cwd=BASE,
        env=production_env(var_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    config = {}
    for line in done.stdout.splitlines():
        name, sep, value = line.partition("=")
        if sep:
            config[name.strip()] = value.strip()
    return config


def test_gunicorn_opens_no_control_socket(tmp_path: Path):
    config = effective_gunicorn_config(tmp_path)
    assert config["limit_request_line"] == "8190"  # xinbao's own file was read
    assert config["control_socket_disable"] == "True"


def test_the_checks_pass_at_the_moment_an_office_hour_default_names():
    """Django warns about a fixed time default lying within ten seconds of the moment its check
    runs (fields.W161): `check --deploy` run at 17:30:00 UTC failed on the afternoon's end."""
    fields = [f for f in OfficeHours._meta.get_fields() if isinstance(f, models.TimeField)]
    assert fields
    for field in fields:
        default = field.get_default()
        moment = datetime.combine(PINNED.date(), default, tzinfo=UTC)
        with time_machine.travel(moment, tick=False):
            assert field.check() == [], field.name
