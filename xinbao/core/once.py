"""Idempotent creation: a form that creates a document is saved at most once.

Every create form carries a hidden per-form token (`OnceForm`), a fresh UUID each time the form
is rendered. The row the form creates stores it, unique per creator (a database constraint on
(creator, form_token)). Posting the same token again — a double click, the browser resending
after a timeout, a user retrying after the server was killed mid-request — creates nothing:
`create_once` finds the row already made and raises `AlreadySaved` with it, and the view leads
the user there. Two posts racing with one token both try to INSERT; the unique constraint lets
one in and the other's IntegrityError is answered the same way.

A post without a token (a form rendered before tokens existed, a script) still creates: the
token is a guard against repeats, not an authorisation, and refusing such a post would throw away
what the user typed for no safety gain (CSRF and permissions are checked as before). A token
that is not a UUID is refused with a message, as tampering or corruption.
"""

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.db import IntegrityError, models
from django.utils.translation import gettext_lazy as _

from xinbao.core.inputs import Form

TOKEN_FIELD = "form_token"

M = TypeVar("M", bound=models.Model)


class AlreadySaved(Exception):
    """The form was posted before and its row exists: `obj`. Nothing new was written."""

    def __init__(self, obj: models.Model) -> None:
        super().__init__(f"already saved as {obj._meta.label}:{obj.pk}")
        self.obj = obj


ALREADY_SAVED = _(
    "This was already saved: your earlier submission went through, so nothing was saved twice."
)


def token_field() -> "models.UUIDField[uuid.UUID | None, uuid.UUID | None]":
    """The model field that keeps the token of the form that created the row."""
    return models.UUIDField(null=True, blank=True, editable=False)


def token_constraint(owner: str, name: str) -> models.UniqueConstraint:
    """One row per (creator, token); rows without a token (NULL) are never equal."""
    return models.UniqueConstraint(fields=[owner, TOKEN_FIELD], name=name)


class OnceForm(Form):
    """A create form: a hidden token, new each time the form is rendered unbound; a bound form
    shown again (invalid input) keeps the posted token, since nothing was saved."""

    form_token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial[TOKEN_FIELD] = uuid.uuid4().hex

    def clean_form_token(self) -> uuid.UUID | None:
        raw = (self.cleaned_data.get(TOKEN_FIELD) or "").strip()
        if not raw:
            return None
        try:
            return uuid.UUID(raw)
        except ValueError:
            # Hidden: the message goes to the top of the form, where the user sees it.
            self.add_error(None, _("This form is damaged. Please reload the page and try again."))
            return None

    @property
    def token(self) -> uuid.UUID | None:
        value: uuid.UUID | None = self.cleaned_data.get(TOKEN_FIELD)
        return value


def create_once(
    model: type[M], owner: str, owner_id: int, token: uuid.UUID | None, create: Callable[[], M]
) -> M:
    """`create()` (which writes the row with `token`, in its own transaction), unless the row of
    (owner, token) exists: then `AlreadySaved` with that row, nothing written.

    `create` must run its writes in `transaction.atomic()`, so a losing racer's IntegrityError
    rolls back everything it wrote (a savepoint when the caller is itself in a transaction).
    """
    if token is None:
        return create()
    lookup = {f"{owner}_id": owner_id, TOKEN_FIELD: token}
    existing = model._default_manager.filter(**lookup).first()
    if existing is not None:
        raise AlreadySaved(existing)
    try:
        return create()
    except IntegrityError:
        existing = model._default_manager.filter(**lookup).first()
        if existing is None:
            raise  # another constraint: not ours to answer
        raise AlreadySaved(existing) from None
