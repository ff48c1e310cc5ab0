"""Settings of the submission benchmark's ceiling server (issue 16): xinbao's own settings,
every one of them, with one change — the URLconf is bench._ceiling_urls, which serves the
"new item" page with its commit turned into a rollback. Bench-only: the product never loads it.
"""

from xinbao.settings import *  # noqa: F403

ROOT_URLCONF = "bench._ceiling_urls"
