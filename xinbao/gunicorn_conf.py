"""gunicorn settings for `make run` and production. Override with GUNICORN_CMD_ARGS."""

import os

bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("XINBAO_WEB_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("XINBAO_WEB_THREADS", "8"))
timeout = 60
graceful_timeout = 20
accesslog = os.environ.get("XINBAO_ACCESS_LOG", "-") or None
forwarded_allow_ips = os.environ.get("XINBAO_FORWARDED_ALLOW_IPS", "127.0.0.1")
