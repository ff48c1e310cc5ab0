"""Pure rules of the notification engine: retry schedule, message text, who manages which
channels. No database, no network."""

import re
from dataclasses import dataclass
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


# --- Group robots (WeCom 企业微信, DingTalk 钉钉) ------------------------------------------
# What the services publish (WeCom 群机器人配置说明,
# developer.work.weixin.qq.com/document/path/91770; DingTalk 自定义机器人接入,
# open.dingtalk.com/document/robots/custom-robot-access):
# - WeCom: markdown.content at most 4096 bytes, text.content at most 2048 bytes (UTF-8); longer
#   is errcode 40058. 20 messages a minute per robot; over it, errcode 45009.
# - DingTalk: 20 messages a minute per robot; over it, errcode 130101 "send too fast, exceed 20
#   times per minute" and the robot is throttled for 10 minutes. Neither 自定义机器人接入 nor
#   消息类型及数据格式 (open.dingtalk.com/document/development/robot-message-type) states a
#   size limit for text.content or markdown.text — they say only that the body is UTF-8 and the
#   rate is 20 a minute (searched again for issue 14, in the official pages and the copies
#   of them on cnblogs/CSDN/Tencent Cloud: no byte or character figure for custom robots). So
#   DINGTALK_MAX_BYTES is our choice, not DingTalk's: WeCom's 4096 bytes, which keeps a
#   message one screen long and is safe whatever DingTalk enforces above it.
WECOM_MARKDOWN_MAX_BYTES = 4096
WECOM_TEXT_MAX_BYTES = 2048
DINGTALK_MAX_BYTES = 4096
DINGTALK_TITLE_MAX_CHARS = 60
DEFAULT_ROBOT_RATE_PER_MINUTE = 20
MAX_ROBOT_RATE_PER_MINUTE = 20
RATE_WINDOW = timedelta(minutes=1)
ROBOT_KINDS = ("wecom", "dingtalk")
ELLIPSIS = "…"


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def truncate_bytes(text: str, limit: int) -> str:
    """`text` in at most `limit` UTF-8 bytes: cut on a character boundary, ending in "…"."""
    if utf8_len(text) <= limit:
        return text
    room = limit - utf8_len(ELLIPSIS)
    if room <= 0:
        return ""
    # Dropping the bytes of a partly kept character: "ignore" never splits a character.
    kept = text.encode("utf-8")[:room].decode("utf-8", "ignore")
    return kept + ELLIPSIS


def robot_rate(value: int | None) -> int:
    """The sends a minute a robot is given: the channel's own number within 1…20."""
    if not value:
        return DEFAULT_ROBOT_RATE_PER_MINUTE
    return max(1, min(int(value), MAX_ROBOT_RATE_PER_MINUTE))


_LIST_SPLIT = re.compile(r"[\s,，;；、]+")


def split_list(text: str) -> list[str]:
    """Phone numbers or user ids typed one per line or separated by commas, in order, once."""
    seen: dict[str, None] = {}
    for part in _LIST_SPLIT.split(text or ""):
        if part:
            seen.setdefault(part, None)
    return list(seen)


@dataclass(frozen=True)
class RobotVerdict:
    """What an errcode means: `permanent` (retrying cannot help: fail now and tell the
    channel's keeper) or transient with an optional `wait` the service asks for."""

    permanent: bool
    wait: timedelta | None = None


# WeCom errcodes (open.work.weixin.qq.com/devtool/query?e=…): 93000 invalid webhook url (a
# wrong or deleted key), 40008 invalid message type, 40058 a parameter out of range (content
# too long), 45009 api freq out of limit, -1 system busy.
WECOM_PERMANENT = frozenset({93000, 40008, 40058})
WECOM_RATE_LIMITED = 45009
# DingTalk: 300001 token is not exist (a wrong access_token), 310000 a security setting refused
# the message (sign not match, keywords not in content, ip … not in whitelist), 130101 send too
# fast (throttled for 10 minutes), -1 system busy.
DINGTALK_PERMANENT = frozenset({300001, 310000})
DINGTALK_RATE_LIMITED = 130101
WECOM_RATE_WAIT = timedelta(minutes=1)
DINGTALK_RATE_WAIT = timedelta(minutes=10)


def robot_verdict(kind: str, errcode: int) -> RobotVerdict:
    if kind == "wecom":
        if errcode in WECOM_PERMANENT:
            return RobotVerdict(permanent=True)
        if errcode == WECOM_RATE_LIMITED:
            return RobotVerdict(permanent=False, wait=WECOM_RATE_WAIT)
    elif kind == "dingtalk":
        if errcode in DINGTALK_PERMANENT:
            return RobotVerdict(permanent=True)
        if errcode == DINGTALK_RATE_LIMITED:
            return RobotVerdict(permanent=False, wait=DINGTALK_RATE_WAIT)
    # -1 (system busy) and codes nobody documents: try again later.
    return RobotVerdict(permanent=False)


ROUTINE_PRIORITY = 0
URGENT_PRIORITY = 1


def priority_of(severity: str) -> int:
    """Urgent alerts jump the queue of a robot that is at its rate."""
    return URGENT_PRIORITY if severity == "urgent" else ROUTINE_PRIORITY
