"""Builders for the bulletin tests: an issue taken as far along its way as a test needs."""

from datetime import date

from bulletins import actions
from bulletins.models import Issue, Publication
from org.models import User
from submissions.models import InfoItem


def draft(editor: User, publication: Publication, items: list[InfoItem], on: date) -> Issue:
    issue = actions.do_create_issue(editor, publication, on)
    if items:
        actions.do_add_entries(editor, issue.pk, [i.pk for i in items])
    return issue


def signed_off(
    editor: User, chief: User, publication: Publication, items: list[InfoItem], on: date
) -> Issue:
    issue = draft(editor, publication, items, on)
    actions.do_submit_issue(editor, issue.pk)
    return actions.do_sign_off_issue(chief, issue.pk)


def published(
    editor: User, chief: User, publication: Publication, items: list[InfoItem], on: date
) -> Issue:
    issue = signed_off(editor, chief, publication, items, on)
    return actions.do_publish(editor, issue.pk)
