"""Signals submissions sends about its own records, for apps above it that derive data from them
without submissions importing those apps.

`item_text_written` is sent inside the transaction that stores an item's text (its creation and
every new revision), just before the row is written, with `title` and `body`. A receiver returns
a dict of InfoItem fields it derives from the text, or None; they are stored in the same INSERT
or UPDATE as the text (see `xinbao.core.signals`). The insight app returns the item's duplicate
signature, `minhash`.
"""

from django.dispatch import Signal

item_text_written = Signal()

# Sent inside the transaction that signs an item off (it leaves its unit for the section), with
# `item` and `at`. Bulletins listens: an item that answers a solicitation meets the unit's
# deadline for it.
item_signed_off = Signal()
