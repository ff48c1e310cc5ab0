"""The demo city's notification channels: the chief's WeCom group robot and 市应急管理局's
webhook into its own duty system, both at loopback addresses nothing listens on (a demo must
not post to the internet). Nothing leaves xinbao unless the system administrator lists it, so
he first lists that one address and port on the egress allowlist, as an operator would. The
channels are added before the emergencies and the accountability story are played, so what
those send the chief is queued for his robot: the delivery log has rows. Nothing is sent while
the demo loads; the worker tries them once `make run` starts, and the log then shows each try
failing, as it would for a robot whose address is wrong."""

from notify.actions import ChannelSpec, do_add_channel, do_allow_egress, do_send_test
from notify.models import ChannelKind
from org.models import User

# username, for the unit?, kind, label, target
CHANNELS: tuple[tuple[str, bool, str, str, str], ...] = (
    (
        "kezhang",
        False,
        ChannelKind.WECOM,
        "信息科工作群机器人（演示地址）",
        "http://127.0.0.1:9/cgi-bin/webhook/send?key=xinbao-demo",
    ),
    (
        "yjj_ld",
        True,
        ChannelKind.WEBHOOK,
        "局值班系统（演示地址）",
        "http://127.0.0.1:9/duty/xinbao",
    ),
)


# Where the demo's channels point: listed by the system administrator before they are added.
ALLOWED = (("127.0.0.1:9", "演示用本机地址（无服务监听）"),)


def load_channels(users: dict[str, User]) -> str:
    for entry, note in ALLOWED:
        do_allow_egress(users["sysadmin"], entry, note)
    added = 0
    for username, for_unit, kind, label, target in CHANNELS:
        user = users[username]
        channel = do_add_channel(user, ChannelSpec(kind, label, target), for_unit=for_unit)
        do_send_test(user, channel.pk)  # queued, not sent: the worker sends
        added += 1
    return f"{added} channels, each with a test message queued"
