"""Signals accountability sends about its own records, for apps above it (federation) that
follow them without accountability importing those apps.

`notice_issued` is sent inside the transaction that issues a notice of this office
(`actions_notices.do_issue_notice`), with `notice`.
"""

from django.dispatch import Signal

notice_issued = Signal()
