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
