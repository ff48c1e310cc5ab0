"""Signals emergencies sends about its own records, for apps that follow them without
emergencies importing those apps.

`candidates_superseded` is sent inside the transaction that supersedes open missed-report
candidates with a queryset update (which sends no post_save): `candidate_ids` lists them.

`incident_text_written` is sent inside the transaction that opens an incident, just before its
row is written, with `title`, `place` and `summary` (the first report's). A receiver returns a
dict of Incident fields it derives from them, or None; they are stored in the same INSERT (see
`xinbao.core.signals`). The insight app returns the incident's duplicate signature, `minhash`.
"""

from django.dispatch import Signal

candidates_superseded = Signal()
incident_text_written = Signal()

# Sent inside the writer's transaction, for federation (which emergencies cannot import):

# `report_received`: a report of the chain reached the office (`report`), by phone or at its
# sign-off. A forwarded incident's later reports travel upward from here.
report_received = Signal()

# `incident_forwarded`: the section forwarded the incident (`forwarding`, at `now`). A receiver
# returns True when the forwarding travels to the upper office's own system and the upper office
# will acknowledge it: the forwarding deadline then stays open until that acknowledgement
# (`actions_upward.do_acknowledge_forwarding`), not until the button was pressed.
incident_forwarded = Signal()
