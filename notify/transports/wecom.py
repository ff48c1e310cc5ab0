"""WeCom (企业微信) group robot: POST a markdown message to the robot's webhook URL.

Success is `errcode == 0` in the JSON answer; the robot answers HTTP 200 to most errors.
"""

from notify.transports.base import ChannelLike, Payload, markdown, post_json, robot_answer


def send(channel: ChannelLike, payload: Payload, delivery_key: str) -> str:
    body = {"msgtype": "markdown", "markdown": {"content": markdown(payload)}}
    return robot_answer(post_json(channel.target, body, delivery_key))
