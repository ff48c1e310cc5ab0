"""WeCom (企业微信) group robot: POST a message to the robot's webhook URL.

A markdown message as a rule, its content at most 4096 UTF-8 bytes. An urgent alert to a robot
set to @ people by mobile number (or everyone) goes as a text message, at most 2048 bytes, with
`mentioned_list` / `mentioned_mobile_list` (markdown has no mobile mentions); @ by user id alone
stays markdown with `<@userid>` in the content. Success is `errcode == 0` in the JSON answer;
the robot answers HTTP 200 to most errors (see `rules.robot_verdict`).
"""

from typing import Any

from notify import rules
from notify.transports.base import (
    ChannelLike,
    Payload,
    absolute_link,
    body_lines,
    fitted,
    is_urgent,
    link_line,
    post_json,
    robot_answer,
    title_of,
)


def message(channel: ChannelLike, payload: Payload) -> dict[str, Any]:
    """The JSON body the robot gets."""
    urgent = is_urgent(payload)
    mobiles = rules.split_list(channel.at_mobiles) if urgent else []
    user_ids = rules.split_list(channel.at_user_ids) if urgent else []
    at_all = urgent and channel.at_all
    body = "\n".join(body_lines(payload))
    if mobiles or at_all:
        content = fitted(
            title_of(payload), body, absolute_link(payload["url"]), rules.WECOM_TEXT_MAX_BYTES
        )
        return {
            "msgtype": "text",
            "text": {
                "content": content,
                "mentioned_list": user_ids + (["@all"] if at_all else []),
                "mentioned_mobile_list": mobiles,
            },
        }
    tail = "\n\n".join(p for p in (link_line(payload), " ".join(f"<@{u}>" for u in user_ids)) if p)
    content = fitted(f"**{title_of(payload)}**", body, tail, rules.WECOM_MARKDOWN_MAX_BYTES, "\n\n")
    return {"msgtype": "markdown", "markdown": {"content": content}}


def send(channel: ChannelLike, payload: Payload, delivery_key: str) -> str:
    answer = post_json(channel.target, message(channel, payload), delivery_key)
    return robot_answer(answer, "wecom")
