"""Signals bulletins sends about its own records, for federation (which bulletins cannot import).
Each is sent inside the transaction of the action that writes the record, so a receiver's rows
(an outbox message) commit or roll back with it.

`item_forwarded`: the section forwarded an item upward (上报), with `item` and `now`. A forwarded
item travels to the upper office's own system when this office has a link to it.

`adoption_recorded`: an adoption (`adoption`) was recorded, by hand or by publishing an issue.
`instruction_recorded`: a leader's instruction (`instruction`) was recorded. An item that came up
from a lower office's system has them sent down to it.
"""

from django.dispatch import Signal

item_forwarded = Signal()
adoption_recorded = Signal()
instruction_recorded = Signal()
