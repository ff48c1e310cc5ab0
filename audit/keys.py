"""The chain's key, kept outside the database.

Taken from XINBAO_AUDIT_KEY when set, else from the file settings.AUDIT_KEY_FILE
(XINBAO_AUDIT_KEY_FILE, default VAR_DIR/audit_key), created on first use with mode 0600 —
the way xinbao/env.py keeps the secret key. Whoever holds the database alone cannot recompute
a hash; back the key up apart from the database.
"""

import os
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from xinbao import env

ENV_NAME = "XINBAO_AUDIT_KEY"


def chain_key() -> bytes:
    return _load(str(settings.AUDIT_KEY_FILE), os.environ.get(ENV_NAME, ""))


@lru_cache(maxsize=4)
def _load(path: str, from_env: str) -> bytes:
    return env.secret_key(ENV_NAME, Path(path)).encode()


def algorithm() -> str:
    """The algorithm of new entries and checkpoints (settings.AUDIT_HASH_ALGORITHM)."""
    return str(settings.AUDIT_HASH_ALGORITHM)
