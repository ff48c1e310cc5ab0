"""A group robot's own settings in the UI: rate, DingTalk keyword, @-mentions; audited."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from notify.models import Channel, ChannelKind

pytestmark = pytest.mark.django_db


def unit_robot(unit, kind=ChannelKind.DINGTALK):
    return Channel.objects.create(
        kind=kind, label="值班群机器人", target="http://127.0.0.1:9/robot/send", unit=unit
    )


def test_a_new_robot_takes_20_a_minute(officer_a, client_of, listed_server):
    client_of(officer_a).post(
        reverse("notify:channels"),
        {
            "owner": "me",
            "me-kind": "dingtalk",
            "me-label": "钉钉群",
            "me-target": listed_server.url("/robot/send?access_token=t"),
            "me-keyword": "信报",
            "me-at_mobiles": "13800000001，13800000002",
        },
    )
    channel = Channel.objects.get()
    assert channel.rate_per_minute == 20
    assert channel.keyword == "信报"
    assert channel.at_mobiles == "13800000001, 13800000002"


def test_the_unit_head_changes_the_robot_and_it_is_audited(unit_a, head_a, client_of):
    channel = unit_robot(unit_a)
    url = reverse("notify:channel_robot", args=[channel.pk])
    client = client_of(head_a)
    assert channel.label in client.get(url).content.decode()
    response = client.post(
        url, {"rate_per_minute": "10", "keyword": "值班", "at_user_ids": "zhangsan", "at_all": "on"}
    )
    assert response.status_code == 302
    channel.refresh_from_db()
    assert (channel.rate_per_minute, channel.keyword, channel.at_user_ids, channel.at_all) == (
        10,
        "值班",
        "zhangsan",
        True,
    )
    entry = AuditEntry.objects.get(action="notify_robot_changed")
    assert entry.data["before"]["rate_per_minute"] == 20
    assert entry.data["after"]["rate_per_minute"] == 10


@pytest.mark.parametrize(
    "data",
    [
        {"rate_per_minute": "21"},  # above what the services take
        {"rate_per_minute": "0"},
        {"at_mobiles": "call me"},
        {"at_user_ids": "<script>"},
    ],
)
def test_bad_robot_settings_are_refused_and_nothing_is_written(unit_a, head_a, client_of, data):
    channel = unit_robot(unit_a)
    response = client_of(head_a).post(reverse("notify:channel_robot", args=[channel.pk]), data)
    assert response.status_code == 200
    assert "has-error" in response.content.decode()
    channel.refresh_from_db()
    assert channel.rate_per_minute == 20 and not channel.at_mobiles and not channel.at_user_ids
    assert not AuditEntry.objects.filter(action="notify_robot_changed").exists()


def test_an_officer_cannot_change_the_units_robot(unit_a, officer_a, client_of):
    channel = unit_robot(unit_a)
    url = reverse("notify:channel_robot", args=[channel.pk])
    assert client_of(officer_a).post(url, {"rate_per_minute": "5"}).status_code == 404


def test_an_email_channel_has_no_robot_settings(unit_a, head_a, client_of):
    channel = Channel.objects.create(
        kind=ChannelKind.EMAIL, label="邮箱", target="a@b.cn", unit=unit_a
    )
    url = reverse("notify:channel_robot", args=[channel.pk])
    assert client_of(head_a).get(url).status_code == 404
