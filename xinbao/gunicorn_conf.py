"""gunicorn settings for `make run` and production. Override with GUNICORN_CMD_ARGS."""

import os

bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("XINBAO_WEB_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("XINBAO_WEB_THREADS", "8"))
timeout = 60
graceful_timeout = 20
accesslog = os.environ.get("XINBAO_ACCESS_LOG", "-") or None
# The request line carries a search's whole query string: up to archive.rules.MAX_QUERY_LENGTH
# characters, percent-encoded (9 bytes a CJK character, 12 for one outside the BMP such as 𠀀),
# plus the filters. gunicorn's default (4094) answered a bare English "414" to a search of
# ~450 Chinese characters before the application could say the query is too long; 8190 is
# gunicorn's largest value and holds the longest search the form can send
# (tests/archive/test_archive_long_search.py).
limit_request_line = 8190
forwarded_allow_ips = os.environ.get("XINBAO_FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 25.1+ opens a control socket ($XDG_RUNTIME_DIR/gunicorn.ctl or ~/.gunicorn/) by
# default: one path shared by every instance the same user runs on the host, through which
# `gunicornc` can change the worker count, reload or stop the server. xinbao is managed by its
# service manager (systemd), not through that socket: it is off (等保: no unneeded service).
control_socket_disable = True
