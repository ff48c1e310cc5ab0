"""Small builders for tests. Items are driven through `submissions.actions`, so their events,
revisions and timestamps are the real ones."""

import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bulletins.actions import UpperIssue, do_adopt, do_forward_item
from bulletins.models import Adoption, AdoptionLevel, Publication
from org.models import Unit, UnitKind, UnitLevel, User, upper_office
from org.roles import Role
from submissions import actions
from submissions.models import InfoItem, ItemKind, ItemState
from submissions.rules import Action

_seq = itertools.count(1)

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
DOCX_BYTES = b"PK\x03\x04" + b"\x00" * 64
BODY = "某区今日召开安全生产工作会议，部署汛期隐患排查。\n会议要求各街道落实专人负责。"

# A refused sign-off puts an item in `returned` without it ever leaving the unit; an editor's
# return puts it there after it was submitted. Tests name the first one "refused".
REFUSED = "refused"

# The persona fixtures of conftest.py, by name.
PERSONAS = (
    "officer_a",
    "head_a",
    "officer_b",
    "head_b",
    "editor",
    "chief",
    "duty_officer",
    "leader",
    "system_admin",
    "security_admin",
    "audit_admin",
)
ADMINS = ("system_admin", "security_admin", "audit_admin")


def make_unit(name: str = "", *, kind: str = UnitKind.DEPARTMENT, **fields) -> Unit:
    n = next(_seq)
    return Unit.objects.create(
        code=fields.pop("code", f"unit-{n}"),
        name=name or f"单位{n}",
        level=fields.pop("level", UnitLevel.CITY),
        kind=kind,
        **fields,
    )


def make_user(
    role: str, unit: Unit | None = None, *, password: str | None = None, **fields
) -> User:
    n = next(_seq)
    user = User(
        username=fields.pop("username", f"{role}{n}"),
        full_name=fields.pop("full_name", f"{role} {n}"),
        role=role,
        unit=unit,
        **fields,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    return user


def make_publication(level: str = AdoptionLevel.CITY, **fields) -> Publication:
    n = next(_seq)
    return Publication.objects.create(
        code=fields.pop("code", f"pub-{n}"),
        name=fields.pop("name", f"刊物{n}"),
        level=level,
        issuer=fields.pop("issuer", ""),
        **fields,
    )


def pdf(name: str = "report.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def content(title: str = "某区部署汛期安全生产隐患排查", body: str = BODY, **fields):
    return actions.ItemContent(
        title=title, body=body, kind=fields.pop("kind", ItemKind.NEWS), **fields
    )


def make_item(
    officer: User,
    state: str = ItemState.DRAFT,
    *,
    head: User | None = None,
    editor: User | None = None,
    publication: Publication | None = None,
    joint_units: tuple[Unit, ...] = (),
    files=(),
    title: str = "某区部署汛期安全生产隐患排查",
) -> InfoItem:
    """An item of `officer`'s unit in `state` (or REFUSED), reached through the real actions."""
    submit = state != ItemState.DRAFT
    item = actions.do_create_item(
        officer, content(title=title, joint_units=joint_units), files, submit=submit
    )
    if state in (ItemState.DRAFT, ItemState.AWAITING_SIGNOFF):
        return item
    head = head or make_user(Role.UNIT_HEAD, officer.unit)
    if state == REFUSED:
        actions.do_transition(head, item.pk, Action.REFUSE, "请补充数据")
        return _fresh(item)
    actions.do_transition(head, item.pk, Action.SIGN_OFF)
    if state == ItemState.SUBMITTED:
        return _fresh(item)
    editor = editor or make_user(Role.EDITOR, make_unit(kind=UnitKind.SECTION))
    actions.do_transition(editor, item.pk, Action.START_REVIEW)
    if state == ItemState.RETURNED:
        actions.do_transition(editor, item.pk, Action.RETURN, "请核实数字")
    elif state == ItemState.ADOPTED:
        adopt(editor, item, publication or make_publication(), timezone.localdate())
    elif state == ItemState.FILED:
        actions.do_transition(editor, item.pk, Action.FILE)
    elif state != ItemState.UNDER_REVIEW:
        raise ValueError(f"make_item cannot reach {state!r}")
    return _fresh(item)


def _fresh(item: InfoItem) -> InfoItem:
    item.refresh_from_db()
    return item


def forward(editor: User, item: InfoItem) -> InfoItem:
    """The section sends the item up to the provincial office (上报), as the item page does."""
    province = upper_office() or make_unit(
        "省委办公厅", kind=UnitKind.PARTY_OFFICE, level=UnitLevel.PROVINCE, is_reporting=False
    )
    return do_forward_item(editor, item.pk, province).item


def adopt(editor: User, item: InfoItem, publication: Publication, day, note: str = "") -> Adoption:
    """`publication` adopts the item on `day` through the real action; a provincial or central
    one after the item is forwarded (if it is not yet), with its issue's number and date."""
    if publication.level == AdoptionLevel.CITY:
        return do_adopt(editor, item.pk, publication, day, note)
    if InfoItem.objects.get(pk=item.pk).forwarded_at is None:
        forward(editor, item)
    upper = UpperIssue(f"{day.year}年第{day.timetuple().tm_yday}期", day)
    return do_adopt(editor, item.pk, publication, day, note, upper=upper)
