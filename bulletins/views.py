"""Bulletin screens: the publications desk, compiling an issue, signing it off, publishing it,
reading it, and its .docx/PDF. Views validate and render; `bulletins.actions` writes."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from bulletins import actions, export, queries
from bulletins.forms import AdoptForm, EntryForm, NewIssueForm, ReturnIssueForm
from bulletins.models import Issue, IssueEntry, IssueState, Publication
from bulletins.queries_editorial import Seat, instruction_seat
from org.forms_secrecy import SecrecyForm
from org.http import AuthedRequest
from org.models import upper_office
from org.roles import Capability
from submissions import rules as item_rules
from submissions import views as item_views
from submissions.models import ItemState
from submissions.queries import actor_of, facts_of, get_visible_item, visible_items
from submissions.rules import Action as ItemAction
from xinbao.core.downloads import download
from xinbao.core.inputs import parse_id, query_param

PAGE_SIZE = 25


def _is_htmx(request: AuthedRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


def _need(request: AuthedRequest, capability: Capability) -> None:
    if not request.user.can(capability):
        raise PermissionDenied


# --- the desk -------------------------------------------------------------------------------------


@require_safe
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not queries.reads_bulletins(user):
        raise PermissionDenied
    compiles = queries.compiles(user)
    published = queries.published_for(user)
    if compiles:
        # The section sees how many of each issue's readers have opened it.
        published = published.annotate(read_count=Count("receipts", distinct=True))
    page = Paginator(published, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page": page,
        "published": list(page.object_list),
        "compiles": compiles,
        "signs": user.can(Capability.SIGN_OFF_BULLETINS),
    }
    if user.can(Capability.READ_ADOPTED):
        # A leader starts here: the issues, and the latest information adopted anywhere.
        context["adopted"] = (
            visible_items(user)
            .filter(state=ItemState.ADOPTED)
            .select_related("unit")
            .order_by("-updated_at")[:20]
        )
    if compiles:
        rows = context["published"]
        readers = {p.pk: len(actions.readers_of(p)) for p in {i.publication for i in rows}}
        for issue in rows:
            issue.reader_count = readers[issue.publication_id]
        context.update(_desk())
    return render(request, "bulletins/home.html", context)


def _desk() -> dict[str, Any]:
    """The compiling desk: each publication with its latest and its unfinished issues."""
    latest = Issue.objects.filter(publication=OuterRef("pk"), state=IssueState.PUBLISHED).order_by(
        "-published_at", "-pk"
    )
    publications = list(
        Publication.objects.filter(compiled_here=True, is_active=True).annotate(
            latest_id=Subquery(latest.values("pk")[:1])
        )
    )
    latest_issues = Issue.objects.in_bulk([p.latest_id for p in publications if p.latest_id])
    open_issues = list(
        Issue.objects.exclude(state=IssueState.PUBLISHED)
        .select_related("publication", "compiled_by")
        .annotate(entry_count=Count("entries"))
        .order_by("issue_date", "pk")
    )
    for publication in publications:
        publication.latest = latest_issues.get(publication.latest_id)  # type: ignore[attr-defined]
        publication.open = [i for i in open_issues if i.publication_id == publication.pk]  # type: ignore[attr-defined]
    return {
        "publications": publications,
        "today": timezone.localdate(),
        "drafts": [i for i in open_issues if i.state == IssueState.DRAFT],
        "awaiting": [i for i in open_issues if i.state == IssueState.AWAITING_SIGNOFF],
        "ready": [i for i in open_issues if i.state == IssueState.SIGNED_OFF],
    }


@require_POST
def new_issue(request: AuthedRequest, publication_id: int) -> HttpResponse:
    _need(request, Capability.REVIEW)
    publication = get_object_or_404(Publication, pk=publication_id, compiled_here=True)
    form = NewIssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors["issue_date"]))
        return redirect("bulletins:home")
    day = form.cleaned_data["issue_date"]
    # A double click (or the back button) must not leave empty drafts behind; a second issue
    # of the same day is fine once the first has entries (special reports often come in twos).
    empty = (
        Issue.objects.filter(publication=publication, issue_date=day, state=IssueState.DRAFT)
        .filter(entries__isnull=True)
        .first()
    )
    if empty is not None:
        messages.info(request, _("An issue of this date is already being prepared; here it is."))
        return redirect("bulletins:issue", pk=empty.pk)
    try:
        issue = actions.do_create_issue(request.user, publication, day)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
        return redirect("bulletins:home")
    return redirect("bulletins:issue", pk=issue.pk)


# --- one issue ------------------------------------------------------------------------------------


def _history(issue: Issue) -> list[dict[str, Any]]:
    """Who did what to the issue, with the chief's reasons for sending it back."""
    steps: list[dict[str, Any]] = [
        {"at": issue.created_at, "who": issue.compiled_by, "what": _("Compilation started")}
    ]
    for returned in issue.returns.select_related("returned_by"):
        steps.append(
            {
                "at": returned.returned_at,
                "who": returned.returned_by,
                "what": _("Returned for changes"),
                "comment": returned.reason,
            }
        )
    if issue.signed_off_at:
        steps.append(
            {"at": issue.signed_off_at, "who": issue.signed_off_by, "what": _("Signed off")}
        )
    if issue.published_at:
        steps.append({"at": issue.published_at, "who": issue.published_by, "what": _("Published")})
    return sorted(steps, key=lambda s: s["at"])


@require_safe
def issue_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    issue = queries.get_visible_issue(request.user, pk)
    if queries.leaves_receipt(user, issue):
        actions.do_mark_read(user, issue)
    entries = list(queries.entries_of(issue))
    compiles = queries.compiles(user)
    context: dict[str, Any] = {
        "issue": issue,
        "head": export.masthead(issue),
        "end": export.closing(issue),
        "entries": entries,
        "compiles": compiles,
        "signs": user.can(Capability.SIGN_OFF_BULLETINS),
        "pdf": export.pdf_available(),
        "preview": issue.state != IssueState.DRAFT or "preview" in request.GET,
        # Leaders write instructions on what they read; the section records paper ones.
        "can_instruct": issue.state == IssueState.PUBLISHED
        and instruction_seat(user) in (Seat.LEADER, Seat.SECTION),
    }
    if compiles:
        context["history"] = _history(issue)
        context["conflicts"] = queries.conflicts(issue)
        if issue.state == IssueState.DRAFT:
            q = query_param(request)
            context["q"] = q
            context["candidates"] = queries.candidates(issue, user, q)[: queries.CANDIDATE_LIMIT]
        if issue.state in (IssueState.AWAITING_SIGNOFF, IssueState.SIGNED_OFF):
            context["return_form"] = ReturnIssueForm()
        if issue.state != IssueState.PUBLISHED:
            context["secrecy_form"] = SecrecyForm(initial={"secrecy": issue.secrecy})
        if issue.state == IssueState.PUBLISHED:
            context["receipts"] = queries.receipts(issue)
    return render(request, "bulletins/issue.html", context)


def _compilable(request: AuthedRequest, pk: int) -> Issue:
    """An issue the user compiles. Others get a 404: drafts are not theirs to know about."""
    if not queries.compiles(request.user):
        raise Http404
    return get_object_or_404(Issue.objects.select_related("publication"), pk=pk)


# More ticks than an issue ever holds are not read.
MAX_TICKED = 200


@require_safe
def candidates(request: AuthedRequest, pk: int) -> HttpResponse:
    issue = _compilable(request, pk)
    q = query_param(request)
    # The boxes ticked before this search (the search box sends them along): kept, and ticked.
    ticked = {n for n in map(parse_id, request.GET.getlist("items")[:MAX_TICKED]) if n is not None}
    rows = queries.picker_rows(issue, request.user, q, ticked)
    context = {"issue": issue, "candidates": rows, "q": q, "ticked": ticked}
    return render(request, "bulletins/_candidates.html", context)


@require_POST
def add_entries(request: AuthedRequest, pk: int) -> HttpResponse:
    issue = _compilable(request, pk)
    parsed = [parse_id(v) for v in request.POST.getlist("items")]
    ids = [n for n in parsed if n is not None]
    if len(ids) != len(parsed):
        raise PermissionDenied
    if not ids:
        messages.error(request, _("Tick the items to add first."))
        return redirect("bulletins:issue", pk=issue.pk)
    try:
        added = actions.do_add_entries(request.user, issue.pk, ids)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Added %(n)s item(s) to the issue.") % {"n": added})
    return redirect(reverse("bulletins:issue", args=[issue.pk]) + "#entries")


STEPS = ("submit", "return", "sign-off", "publish")


@require_POST
def issue_step(request: AuthedRequest, pk: int, step: str) -> HttpResponse:
    """Move the issue on: to the chief, back to the editor, signed off, published."""
    if step not in STEPS:
        raise Http404
    issue = _compilable(request, pk)
    user = request.user
    done = ""
    try:
        if step in ("submit", "sign-off") and queries.conflicts(issue):
            raise actions.ActionError(
                _("Some entries were meanwhile adopted by this publication. Remove them first.")
            )
        if step == "submit":
            actions.do_submit_issue(user, issue.pk)
            done = _("Sent to the section chief for sign-off.")
        elif step == "return":
            form = ReturnIssueForm(request.POST)
            if not form.is_valid():
                raise actions.ActionError(_("Please give a reason."))
            actions.do_return_issue(user, issue.pk, form.cleaned_data["reason"])
            done = _("Returned to the editor.")
        elif step == "sign-off":
            actions.do_sign_off_issue(user, issue.pk)
            done = _("Signed off. The issue can be published.")
        else:
            published = actions.do_publish(user, issue.pk)
            done = _("Published as %(label)s; its readers have been notified.") % {
                "label": export.masthead(published).number_line
            }
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("bulletins:issue", pk=issue.pk)


# --- entries --------------------------------------------------------------------------------------


def _entry(request: AuthedRequest, pk: int) -> IssueEntry:
    if not queries.compiles(request.user):
        raise Http404
    return get_object_or_404(
        IssueEntry.objects.select_related("issue", "issue__publication", "item", "item__unit"),
        pk=pk,
    )


def _entries_partial(request: AuthedRequest, issue: Issue, error: str = "") -> HttpResponse:
    context = {
        "issue": issue,
        "entries": list(queries.entries_of(issue)),
        "compiles": True,
        "error": error,
    }
    return render(request, "bulletins/_entries.html", context)


@require_safe
def entry(request: AuthedRequest, pk: int) -> HttpResponse:
    """One entry as it reads (the inline editor's “cancel”)."""
    e = _entry(request, pk)
    return render(
        request, "bulletins/_entry.html", {"entry": e, "issue": e.issue, "compiles": True}
    )


@require_http_methods(["GET", "POST"])
def edit_entry(request: AuthedRequest, pk: int) -> HttpResponse:
    e = _entry(request, pk)
    form = EntryForm(request.POST or None, instance=e)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            e = actions.do_edit_entry(
                request.user, e.pk, data["title"], data["body"], data["credit"]
            )
        except actions.ActionError as exc:
            form.add_error(None, str(exc))
        else:
            if _is_htmx(request):
                saved = _entry(request, e.pk)
                return render(
                    request,
                    "bulletins/_entry.html",
                    {"entry": saved, "issue": saved.issue, "compiles": True, "saved": True},
                )
            messages.success(request, _("Entry saved. The item's own text is unchanged."))
            return redirect(reverse("bulletins:issue", args=[e.issue_id]) + f"#entry-{e.pk}")
    template = "bulletins/_entry_form.html" if _is_htmx(request) else "bulletins/entry_edit.html"
    return render(request, template, {"entry": e, "issue": e.issue, "form": form})


@require_POST
def move_entry(request: AuthedRequest, pk: int, direction: str) -> HttpResponse:
    if direction not in ("up", "down"):
        raise Http404
    e = _entry(request, pk)
    error = ""
    try:
        actions.do_move_entry(request.user, e.pk, -1 if direction == "up" else 1)
    except actions.ActionError as exc:
        error = str(exc)
    if _is_htmx(request):
        return _entries_partial(request, e.issue, error)
    if error:
        messages.error(request, error)
    return redirect(reverse("bulletins:issue", args=[e.issue_id]) + f"#entry-{e.pk}")


@require_POST
def remove_entry(request: AuthedRequest, pk: int) -> HttpResponse:
    e = _entry(request, pk)
    try:
        actions.do_remove_entry(request.user, e.pk)
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Removed “%(title)s”; the item is back in the list.") % {"title": e.title}
        )
    return redirect(reverse("bulletins:issue", args=[e.issue_id]) + "#entries")


# --- the document ---------------------------------------------------------------------------------


def _document(request: AuthedRequest, pk: int) -> tuple[Issue, bytes]:
    issue = queries.get_visible_issue(request.user, pk)
    if queries.leaves_receipt(request.user, issue):
        actions.do_mark_read(request.user, issue)
    return issue, export.build_docx(issue, queries.entries_of(issue))


def _fallback(issue: Issue) -> str:
    """The ASCII name for a client that cannot read the Chinese one."""
    if issue.number is None:
        return f"bulletin-{issue.publication.code}-{issue.issue_date:%Y%m%d}-draft"
    return f"bulletin-{issue.publication.code}-{issue.year}-{issue.number}"


@require_safe
def download_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    issue, data = _document(request, pk)
    stem = export.masthead(issue).file_stem
    return download(data, export.DOCX_TYPE, f"{stem}.docx", _fallback(issue))


@require_safe
def download_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    if not export.pdf_available():
        raise Http404
    issue, data = _document(request, pk)
    try:
        pdf = export.to_pdf(data)
    except export.ConversionError:
        messages.error(request, _("The PDF could not be made just now; the .docx still works."))
        return redirect("bulletins:issue", pk=issue.pk)
    stem = export.masthead(issue).file_stem
    return download(pdf, "application/pdf", f"{stem}.pdf", _fallback(issue))


# --- forwarding upward ----------------------------------------------------------------------------


@require_POST
def forward_item(request: AuthedRequest, pk: int) -> HttpResponse:
    """Mark an item as sent up to the provincial office (上报)."""
    item = get_visible_item(request.user, pk)
    _need(request, Capability.REVIEW)
    to_unit = upper_office()
    if to_unit is None:
        messages.error(request, _("There is no provincial office in the unit directory."))
    else:
        try:
            done = actions.do_forward_item(request.user, item.pk, to_unit)
        except actions.ActionError as exc:
            messages.error(request, str(exc))
        else:
            if done.travels:
                said = _(
                    "Sent to %(unit)s's system (级联): its receipt, adoption and instructions "
                    "there come back by themselves."
                )
            else:
                said = _(
                    "Marked as forwarded to %(unit)s. Record its adoption there when it comes."
                )
            messages.success(request, said % {"unit": to_unit.name})
    return redirect("submissions:detail", pk=item.pk)


@require_POST
def adopt_item(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record an adoption by hand, from the adoption form in the item page's action box."""
    user = request.user
    item = get_visible_item(user, pk)
    if not item_rules.allowed(actor_of(user), facts_of(item), ItemAction.ADOPT):
        messages.error(request, _("This action is not available for this item now."))
        return redirect("submissions:detail", pk=item.pk)
    form = AdoptForm(request.POST, prefix=ItemAction.ADOPT, item=item)
    if not form.is_valid():
        return item_views.detail_page(request, pk, {ItemAction.ADOPT: form})
    try:
        actions.do_adopt(
            user,
            item.pk,
            form.cleaned_data["publication"],
            form.cleaned_data["adopted_on"],
            form.cleaned_data["note"],
            upper=form.upper,
        )
    except actions.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Adoption recorded."))
    return redirect("submissions:detail", pk=item.pk)
