"""Duplicate signatures, taken when an item's or an incident's text is stored: submissions and
emergencies send a signal before they write (they may not import insight), and the receivers
here return the signature to store in the same write."""

from typing import Any

from emergencies.models import Incident
from emergencies.signals import incident_text_written
from insight import rules
from submissions.models import InfoItem
from submissions.signals import item_text_written


def sign_item(sender: type, *, title: str, body: str, **kwargs: Any) -> dict[str, object]:
    return {"minhash": rules.signature(rules.item_text(title, body))}


def sign_incident(
    sender: type, *, title: str, place: str, summary: str, **kwargs: Any
) -> dict[str, object]:
    return {"minhash": rules.signature(rules.incident_text(title, place, summary))}


def connect() -> None:
    item_text_written.connect(sign_item, sender=InfoItem, dispatch_uid="insight_sign_item")
    incident_text_written.connect(
        sign_incident, sender=Incident, dispatch_uid="insight_sign_incident"
    )
