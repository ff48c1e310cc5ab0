"""Signals emergencies sends about its own records, for apps that follow them without
emergencies importing those apps.

`candidates_superseded` is sent inside the transaction that supersedes open missed-report
candidates with a queryset update (which sends no post_save): `candidate_ids` lists them.
"""

from django.dispatch import Signal

candidates_superseded = Signal()
