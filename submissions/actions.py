"""Every write to routine information goes through here, one transaction per call.

Each function locks the item, asks `rules` whether the actor may act, changes the state with
a conditional UPDATE (so two editors acting at once cannot both win) and records an
ItemEvent. Views never write models themselves.
"""

import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import record
from org.actions_secrecy import check_secrecy
from org.models import Unit, User
from org.roles import Capability
from org.secrecy import Secrecy
from submissions import announce, rules, uploads
from submissions.models import (
    Attachment,
    EventKind,
    InfoItem,
    ItemEvent,
    ItemRevision,
    ItemState,
    RevisionSource,
    Tag,
    Verification,
)
from submissions.queries import actor_of, facts_of
from submissions.rules import Action
from submissions.signals import item_signed_off, item_text_written
from xinbao.core.errors import ActionError as ActionError  # re-exported for callers
from xinbao.core.once import AlreadySaved as AlreadySaved  # re-exported for views
from xinbao.core.once import create_once
from xinbao.core.signals import derived_fields


@dataclass(frozen=True)
class ItemContent:
    title: str
    body: str
    kind: str
    tags: Sequence[str] = ()
    joint_units: Sequence[Unit] = ()
    occurred_on: date | None = None
    solicitation_id: int | None = None
    secrecy: str = Secrecy.PUBLIC  # 密级 (org/secrecy.py)


_TAG_SPLIT = re.compile(r"[,，、;；\s]+")


def parse_tags(raw: str) -> list[str]:
    seen: dict[str, None] = {}
    for part in _TAG_SPLIT.split(raw):
        name = part.strip()[:30]
        if name:
            seen.setdefault(name, None)
    return list(seen)


def normalise_body(body: str) -> str:
    """Paragraphs separated by one newline; trailing spaces and blank runs removed."""
    lines = [line.strip() for line in body.replace("\r\n", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


def _require(actor: User, item: InfoItem, action: Action, comment: str = "") -> None:
    facts = facts_of(item)
    if not rules.can_view(actor_of(actor), facts):
        raise ActionError(_("You do not have access to this item."))
    if not rules.allowed(actor_of(actor), facts, action):
        raise ActionError(
            _("This action is not available: the item is now “%(state)s”.")
            % {"state": item.get_state_display()}
        )
    if rules.TRANSITIONS[action].needs_comment and not comment.strip():
        raise ActionError(_("Please give a reason."))


def _lock(item_id: int) -> InfoItem:
    return InfoItem.objects.select_for_update().get(pk=item_id)


def _move(item: InfoItem, action: Action, actor: User, comment: str) -> str:
    """Apply the state change of `action` and record it; returns the new state."""
    old = item.state
    new = rules.next_state(old, action)
    now = timezone.now()
    changes: dict[str, object] = {"state": new, "updated_at": now}
    if new == ItemState.SUBMITTED and item.submitted_at is None:
        changes["submitted_at"] = now
    if action in (Action.START_REVIEW, Action.EDIT) and item.reviewer_id is None:
        changes["reviewer"] = actor
    claimed = InfoItem.objects.filter(pk=item.pk, state=old).update(**changes)
    if claimed != 1:
        raise ActionError(_("Someone else changed this item just now. Please reload the page."))
    for name, value in changes.items():
        setattr(item, name, value)
    return new


def _audit(item_id: int, kind: str, actor: User, old: str, new: str) -> None:
    """The audit row of an item step: which step, from which state to which. The comment
    stays in the item's history; it is content and never enters the log."""
    record(actor, f"item_{kind}", f"item:{item_id}", {"from": old, "to": new})


def _event(
    item: InfoItem, kind: str, actor: User, old: str, new: str, comment: str = ""
) -> ItemEvent:
    _audit(item.pk, kind, actor, old, new)
    event = ItemEvent.objects.create(
        item=item, kind=kind, actor=actor, from_state=old, to_state=new, comment=comment.strip()
    )
    announce.step(item, event)
    return event


def _derived_from_text(title: str, body: str) -> dict[str, object]:
    """What apps above derive from an item's text (insight: its duplicate signature), stored in
    the same write as the text."""
    return derived_fields(item_text_written, InfoItem, title=title, body=body)


def _add_revision(item: InfoItem, actor: User, source: str, title: str, body: str) -> None:
    """Append a revision. Callers hold the item's row lock, so the next number is ours."""
    item.revision_count += 1
    InfoItem.objects.filter(pk=item.pk).update(
        revision_count=item.revision_count, **_derived_from_text(title, body)
    )
    ItemRevision.objects.create(
        item=item,
        number=item.revision_count,
        source=source,
        title=title,
        body=body,
        author=actor,
    )


def tag_ids(names: Iterable[str]) -> list[int]:
    """Ids of the named tags, creating the new ones. Tags are shared vocabulary, never deleted,
    so this can run before the item's own transaction and keep that transaction short."""
    names = list(names)
    existing = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
    missing = [Tag(name=n) for n in names if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
    return [existing[n] for n in names]


def _set_tags(item: InfoItem, names: Iterable[str]) -> None:
    item.tags.set(tag_ids(names))


def _validate_content(content: ItemContent, actor: User) -> ItemContent:
    title = content.title.strip()
    body = normalise_body(content.body)
    if not title:
        raise ActionError(_("The title is required."))
    if not body:
        raise ActionError(_("The body is required."))
    joint = [u for u in content.joint_units if u.pk != actor.unit_id]
    return ItemContent(
        title,
        body,
        content.kind,
        content.tags,
        joint,
        content.occurred_on,
        content.solicitation_id,
        # Above the deployment's ceiling: refused with the rule quoted, nothing written.
        check_secrecy(content.secrecy),
    )


def do_create_item(
    actor: User,
    content: ItemContent,
    files: Sequence[UploadedFile] = (),
    submit: bool = False,
    token: UUID | None = None,
) -> InfoItem:
    """A new item, saved as a draft or sent straight to the unit head for sign-off.

    `token`: the creating form's (xinbao.core.once); posted again, it raises AlreadySaved with
    the item made the first time. This is the hottest write in the system, so it is written as a
    handful of INSERTs.
    """
    if actor.unit_id is None or not actor.can(Capability.WRITE_ITEMS):
        raise ActionError(_("Only a unit's information officer can write items."))
    content = _validate_content(content, actor)
    draft = rules.ItemFacts(
        state=ItemState.DRAFT,
        unit_id=actor.unit_id,
        joint_unit_ids=frozenset(u.pk for u in content.joint_units),
    )
    if submit and not rules.allowed(actor_of(actor), draft, Action.SUBMIT):
        raise ActionError(_("Only a unit's information officer can write items."))
    state = rules.next_state(ItemState.DRAFT, Action.SUBMIT) if submit else ItemState.DRAFT
    _check_uploads(files)
    tags = tag_ids(content.tags) if content.tags else []
    return create_once(
        InfoItem,
        "author",
        actor.pk,
        token,
        lambda: _insert_item(actor, content, files, state, tags, token),
    )


def _insert_item(
    actor: User,
    content: ItemContent,
    files: Sequence[UploadedFile],
    state: str,
    tags: list[int],
    token: UUID | None,
) -> InfoItem:
    submit = state != ItemState.DRAFT
    assert actor.unit_id is not None
    with transaction.atomic():
        item = InfoItem.objects.create(
            unit_id=actor.unit_id,
            author=actor,
            form_token=token,
            kind=content.kind,
            state=state,
            title=content.title,
            body=content.body,
            occurred_on=content.occurred_on,
            revision_count=1,
            solicitation_id=content.solicitation_id,
            secrecy=content.secrecy,
            **_derived_from_text(content.title, content.body),
        )
        # A new item has no links yet: insert them straight into the join tables.
        if content.joint_units:
            InfoItem.joint_units.through.objects.bulk_create(
                InfoItem.joint_units.through(infoitem_id=item.pk, unit_id=u.pk)
                for u in content.joint_units
            )
        if tags:
            InfoItem.tags.through.objects.bulk_create(
                InfoItem.tags.through(infoitem_id=item.pk, tag_id=t) for t in tags
            )
        ItemRevision.objects.create(
            item=item,
            number=1,
            source=RevisionSource.OFFICER,
            title=content.title,
            body=content.body,
            author=actor,
        )
        events = [
            ItemEvent(item=item, kind=EventKind.CREATED, actor=actor, to_state=ItemState.DRAFT)
        ]
        if submit:
            events.append(
                ItemEvent(
                    item=item,
                    kind=EventKind.SUBMITTED,
                    actor=actor,
                    from_state=ItemState.DRAFT,
                    to_state=state,
                )
            )
        ItemEvent.objects.bulk_create(events)
        for event in events:
            _audit(item.pk, event.kind, actor, event.from_state, event.to_state)
            announce.step(item, event)
        for upload in files:
            _store_attachment(item, actor, upload)
    return item


def do_revise(
    actor: User, item_id: int, content: ItemContent, files: Sequence[UploadedFile] = ()
) -> InfoItem:
    """The unit edits its own draft or returned item: a new officer revision."""
    content = _validate_content(content, actor)
    with transaction.atomic():
        item = _lock(item_id)
        _require(actor, item, Action.REVISE)
        _check_uploads(files)
        text_changed = (item.title, item.body) != (content.title, content.body)
        _audit_secrecy(actor, item, content.secrecy)
        InfoItem.objects.filter(pk=item.pk).update(
            title=content.title,
            body=content.body,
            kind=content.kind,
            occurred_on=content.occurred_on,
            solicitation_id=content.solicitation_id,
            secrecy=content.secrecy,
            updated_at=timezone.now(),
        )
        item.refresh_from_db()
        item.joint_units.set(content.joint_units)
        _set_tags(item, content.tags)
        if text_changed:
            _add_revision(item, actor, RevisionSource.OFFICER, content.title, content.body)
        _event(item, EventKind.REVISED, actor, item.state, item.state)
        for upload in files:
            _store_attachment(item, actor, upload)
    return item


def do_edit(
    actor: User,
    item_id: int,
    title: str,
    body: str,
    comment: str = "",
    secrecy: str | None = None,
) -> InfoItem:
    """An editor's edit: a new section revision. The officer's revisions stay as they were.
    `secrecy`, when given, re-marks the item (never above the deployment's ceiling)."""
    title, body = title.strip(), normalise_body(body)
    if not title or not body:
        raise ActionError(_("The title and the body are required."))
    if secrecy is not None:
        check_secrecy(secrecy)
    with transaction.atomic():
        item = _lock(item_id)
        _require(actor, item, Action.EDIT)
        secrecy = item.secrecy if secrecy is None else secrecy
        text_changed = (item.title, item.body) != (title, body)
        if not text_changed and item.secrecy == secrecy:
            raise ActionError(_("Nothing was changed."))
        _audit_secrecy(actor, item, secrecy)
        if not text_changed:
            InfoItem.objects.filter(pk=item.pk).update(secrecy=secrecy)
            item.secrecy = secrecy
            return item
        old = item.state
        _move(item, Action.EDIT, actor, comment)
        InfoItem.objects.filter(pk=item.pk).update(title=title, body=body, secrecy=secrecy)
        item.title, item.body, item.secrecy = title, body, secrecy
        _add_revision(item, actor, RevisionSource.EDITOR, title, body)
        _event(item, EventKind.EDITED, actor, old, item.state, comment)
    return item


def _audit_secrecy(actor: User, item: InfoItem, secrecy: str) -> None:
    """A changed 密级 leaves its own audit entry (the text's revisions do not show it)."""
    if item.secrecy != secrecy:
        record(actor, "item_secrecy_set", f"item:{item.pk}", {"from": item.secrecy, "to": secrecy})


_EVENT_FOR = {
    Action.SUBMIT: EventKind.SUBMITTED,
    Action.WITHDRAW: EventKind.WITHDRAWN,
    Action.SIGN_OFF: EventKind.SIGNED_OFF,
    Action.REFUSE: EventKind.SIGNOFF_REFUSED,
    Action.START_REVIEW: EventKind.REVIEW_STARTED,
    Action.RETURN: EventKind.RETURNED,
    Action.FILE: EventKind.FILED,
}
SIMPLE_ACTIONS = frozenset(_EVENT_FOR)


def do_transition(actor: User, item_id: int, action: Action, comment: str = "") -> InfoItem:
    """A state change that carries nothing but an optional comment."""
    if action not in SIMPLE_ACTIONS:
        raise ValueError(f"{action} has its own function")
    with transaction.atomic():
        item = _lock(item_id)
        _require(actor, item, action, comment)
        old = item.state
        _move(item, action, actor, comment)
        _event(item, _EVENT_FOR[action], actor, old, item.state, comment)
        if action == Action.SIGN_OFF:
            item_signed_off.send(sender=InfoItem, item=item, at=timezone.now())
    return item


def do_verify(actor: User, item_id: int, verdict: str, note: str) -> InfoItem:
    if verdict not in (Verification.VERIFIED, Verification.DISPUTED):
        raise ActionError(_("Choose verified or disputed."))
    if verdict == Verification.DISPUTED and not note.strip():
        raise ActionError(_("Say what is disputed."))
    with transaction.atomic():
        item = _lock(item_id)
        _require(actor, item, Action.VERIFY)
        InfoItem.objects.filter(pk=item.pk).update(
            verification=verdict, verification_note=note.strip(), updated_at=timezone.now()
        )
        item.verification, item.verification_note = verdict, note.strip()
        kind = EventKind.VERIFIED if verdict == Verification.VERIFIED else EventKind.DISPUTED
        _event(item, kind, actor, item.state, item.state, note)
    return item


def lock_for(actor: User, item_id: int, action: Action) -> InfoItem:
    """Lock the item and check that `actor` may take `action` on it now. For the apps above
    that record their own part of an item's step in the same transaction (bulletins'
    adoptions); call it inside `transaction.atomic()`."""
    item = _lock(item_id)
    _require(actor, item, action)
    return item


def mark_adopted(actor: User, item: InfoItem, comment: str) -> None:
    """The item's side of an adoption (采用): it becomes adopted — it may be already, when
    another publication took it first — and its history says by whom. Bulletins records the
    adoption itself in the same transaction; the caller holds the item's lock (`lock_for`)."""
    old = item.state
    if old != ItemState.ADOPTED:
        _move(item, Action.ADOPT, actor, comment)
    _event(item, EventKind.ADOPTED, actor, old, item.state, comment)


def do_attach(actor: User, item_id: int, files: Sequence[UploadedFile]) -> InfoItem:
    with transaction.atomic():
        item = _lock(item_id)
        _require(actor, item, Action.ATTACH)
        _check_uploads(files)
        for upload in files:
            _store_attachment(item, actor, upload)
    return item


def check_upload(upload: UploadedFile) -> uploads.Verdict:
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    verdict = uploads.check(
        upload.name or "", head, upload.size or 0, settings.ATTACHMENT_MAX_BYTES
    )
    if verdict.content_type == uploads.TEXT_TYPE:
        # The whole file, not a sample: it is read back as UTF-8 wherever it is shown. The
        # size check above bounds the read.
        whole = uploads.is_utf8(upload.chunks())
        upload.seek(0)
        if not whole:
            return uploads.Verdict(False, reason="encoding")
    return verdict


def _check_uploads(files: Sequence[UploadedFile]) -> None:
    """Refuse the whole batch before any file is written: a rolled-back transaction takes the
    rows back, but not bytes already on disk."""
    for upload in files:
        verdict = check_upload(upload)
        if not verdict.ok:
            raise ActionError(upload_error_message(upload.name or "", verdict.reason))


def _store_attachment(item: InfoItem, actor: User, upload: UploadedFile) -> Attachment:
    verdict = check_upload(upload)
    if not verdict.ok:
        raise ActionError(upload_error_message(upload.name or "", verdict.reason))
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        item=item,
        original_name=(upload.name or "")[:200],
        content_type=verdict.content_type,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save("upload", ContentFile(upload.read()), save=False)
    # The row must never point at bytes still in the page cache: flush the file first.
    fd = os.open(attachment.file.path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    attachment.save()
    _event(item, EventKind.ATTACHED, actor, item.state, item.state, attachment.original_name)
    return attachment


def upload_error_message(name: str, reason: str) -> str:
    if reason == "size":
        limit = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        return _("“%(name)s” is larger than %(limit)s MB.") % {"name": name, "limit": limit}
    if reason == "encoding":
        return _(
            "“%(name)s” is not UTF-8 text. Save it again with the encoding UTF-8 (in Notepad: "
            "Save As, Encoding: UTF-8) and attach it again."
        ) % {"name": name}
    if reason == "content":
        return _("“%(name)s” does not look like the type its name says.") % {"name": name}
    return _("“%(name)s”: only %(types)s files can be attached.") % {
        "name": name,
        "types": ", ".join(uploads.ALLOWED_EXTENSIONS),
    }


def do_export_items(
    actor: User, items: QuerySet[InfoItem], filters: dict[str, str], now: datetime | None = None
) -> bytes:
    """The items the actor's list shows under `filters`, as a workbook with each row's 密级;
    recorded as `items_exported` with the filters and the number of rows (what leaves the
    system is audited). `items` is already narrowed to what the actor may see."""
    from submissions import export  # the workbook writer, only for this act

    now = now or timezone.now()
    if items.count() > export.EXPORT_LIMIT:
        raise ActionError(
            _("More than %(n)s items match: narrow the filters to export them.")
            % {"n": export.EXPORT_LIMIT}
        )
    rows = list(items)
    record(actor, "items_exported", "", {"filters": filters, "rows": len(rows)})
    return export.workbook(rows, now)
