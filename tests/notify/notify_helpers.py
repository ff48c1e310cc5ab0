"""Builders for the notify tests."""

from notify.models import Channel, ChannelKind


def make_channel(owner, kind=ChannelKind.WEBHOOK, target="", **fields) -> Channel:
    """A channel of a person (User) or a unit (Unit), created directly: tests of the engine do
    not go through the channel form."""
    owner_field = "unit" if owner.__class__.__name__ == "Unit" else "user"
    return Channel.objects.create(
        kind=kind,
        label=fields.pop("label", f"{kind} channel"),
        target=target or "ops@example.org",
        **{owner_field: owner},
        **fields,
    )
