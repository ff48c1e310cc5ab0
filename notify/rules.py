"""Pure rules of the notification engine: retry schedule, message text, who manages which
channels. No database, no network."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from org.roles import Capability, has_capability

# Retries: 30 s, 1, 2, 4, 8, 16 min, then every 30 min until the attempt limit.
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(minutes=30)
DEFAULT_MAX_ATTEMPTS = 8

SMS_MAX_CHARS = 300
DEFAULT_SMS_TEMPLATE = "【信报】{title}\n{body}"
SMS_PLACEHOLDERS = ("title", "body", "url", "severity")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(SMS_PLACEHOLDERS) + r")\}")

# How many channels one person or one unit may keep: enough for every real use, few enough
# that a slip of the hand cannot turn one alert into a flood.
MAX_CHANNELS_PER_OWNER = 10


def backoff(attempts: int) -> timedelta:
    """The wait before the next try after `attempts` failed ones (1 → 30 s, 2 → 1 min …)."""
    if attempts < 1:
        return timedelta(0)
    # Cap the exponent first: 2**60 seconds would overflow timedelta.
    backoff: timedelta = FIRST_RETRY * 2 ** min(attempts - 1, 16)
    return min(backoff, MAX_RETRY)


def render_template(template: str, values: dict[str, str]) -> str:
    """Fill {title} {body} {url} {severity}; any other brace is left as typed.

    A plain substitution rather than `str.format`: a template is user input, and format
    strings can reach attributes ({title.__class__}) and fail on a stray brace.
    """
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), template)


def sms_text(template: str, values: dict[str, str]) -> str:
    text = render_template(template or DEFAULT_SMS_TEMPLATE, values).strip()
    if len(text) > SMS_MAX_CHARS:
        text = text[: SMS_MAX_CHARS - 1] + "…"
    return text


def is_http_url(value: str) -> bool:
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def mask_target(kind: str, target: str) -> str:
    """URLs of robots carry their access key in the query: show scheme, host and path only."""
    if kind in ("webhook", "wecom", "dingtalk"):
        try:
            parts = urlsplit(target)
        except ValueError:
            return "…"
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
        tail = "?…" if parts.query else ""
        return f"{parts.scheme}://{host}{port}{parts.path}{tail}"
    return target


def can_manage_unit_channels(role: str, own_unit_id: int | None, unit_id: int | None) -> bool:
    """A unit's head manages the unit's channels (e.g. its WeCom group), and only theirs."""
    return (
        has_capability(role, Capability.MANAGE_UNIT_CHANNELS)
        and own_unit_id is not None
        and own_unit_id == unit_id
    )


def can_read_delivery_log(role: str) -> bool:
    """The information section watches every delivery to see which channels are broken."""
    return has_capability(role, Capability.READ_DELIVERY_LOG)


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
