"""A publication's settings as the section keeps them: its 编印单位, the mark at the top left,
the closing block's 报/送/发 lines and 印数. One transaction, one audit record with the before
and after."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from audit.actions import save_change
from bulletins.models import Publication
from org.models import User
from org.roles import Capability
from xinbao.core.errors import ActionError

SETTINGS_FIELDS = ("issuer", "internal_mark", "report_to", "send_to", "issue_to", "copies")


def do_set_publication_settings(
    actor: User, publication_id: int, values: dict[str, Any]
) -> Publication:
    """The editors and the chief keep what the publication prints around its entries; the
    next .docx and page show it (issues already out print the lists as they are now)."""
    if not actor.can(Capability.REVIEW):
        raise ActionError(_("Your role cannot do this."))
    after: dict[str, Any] = {}
    for name in SETTINGS_FIELDS:
        value = values.get(name)
        after[name] = value.strip() if isinstance(value, str) else value
    if after["copies"] is not None and after["copies"] < 1:
        raise ActionError(_("The number of copies is at least 1, or left blank."))
    with transaction.atomic():
        try:
            publication = Publication.objects.select_for_update().get(
                pk=publication_id, compiled_here=True
            )
        except Publication.DoesNotExist:
            raise ActionError(_("This publication is not compiled in xinbao.")) from None
        save_change(
            actor,
            "publication_settings_changed",
            publication,
            after,
            f"publication:{publication.pk} {publication.name}",
        )
    return publication
