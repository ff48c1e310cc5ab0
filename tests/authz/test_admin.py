"""The Django admin (units, accounts, publications) belongs to the system administrator: every
page the admin site registers answers them and nobody else, and reported content is not in it."""

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse

from org.models import User
from tests.authz.conftest import client_for
from tests.authz.table import ADMIN_SITE, ROWS
from tests.authz.world import PERSONAS, Cast, World
from tests.factories import BODY

pytestmark = pytest.mark.django_db


def admin_pages() -> list[str]:
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    return pages


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_system_administrator_gets_into_the_admin(persona: str, cast: Cast):
    client = client_for(cast, persona)
    answers = {page: client.get(page) for page in admin_pages()}
    if persona in ADMIN_SITE:
        assert {page: r.status_code for page, r in answers.items()} == dict.fromkeys(answers, 200)
        return
    # Anonymous visitors may be sent to the site's login page or the admin's.
    logins: tuple[str, ...] = (reverse("admin:login"), reverse("login"))
    logins = logins if persona == "anonymous" else logins[:1]
    refused = {
        page: r.status_code == 302 and r["Location"].startswith(logins)
        for page, r in answers.items()
    }
    assert refused == dict.fromkeys(answers, True)


def test_reported_content_is_not_in_the_admin(cast: Cast):
    client = client_for(cast, "system_admin")
    registered = {model._meta.label for model in admin.site._registry}
    assert registered <= {
        "org.Unit",
        "org.User",
        "bulletins.Publication",
        "bulletins.IssueCounter",
        "bulletins.IssueTotal",  # the running number (总第X期) a paper series continues from
        "emergencies.CategoryCode",  # GB/T 35561 reference codes, no reported content
    }, registered
    assert client.get("/admin/submissions/infoitem/").status_code == 404


# --- no administrator reads reported content, by any path -----------------------------------------

ADMINS = ("system_admin", "security_admin", "audit_admin")
# The apps whose pages show reported content (items, incidents, bulletins, violations and
# notices, points, the archive and its analysis).
CONTENT_APPS = (
    "submissions",
    "emergencies",
    "bulletins",
    "accountability",
    "scoring",
    "archive",
    "insight",
)


def response_text(response) -> str:
    """What a page or a download says: a workbook's cells as text (an export is content too)."""
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        from io import BytesIO

        from openpyxl import load_workbook

        book = load_workbook(BytesIO(response.content), read_only=True)
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    return response.content.decode()


def content_markers(world: World) -> list[str]:
    """Words that appear only in reported content: titles, bodies, summaries, reasons."""
    items = [world.submitted, world.under_review, world.adopted, world.draft]
    markers = [i.title for i in items] + [BODY[:20]]
    markers += [world.incident.title, world.violation.summary, world.issued_notice.title]
    markers += [e.title for e in world.published_issue.entries.all()]
    return [m for m in markers if m]


def every_admin_url(world: World) -> list[str]:
    """Every page of the admin: the index, each app, and for every registered model its list,
    add form and, for every row, its change form, history and password page if any."""
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        urls.append(reverse("admin:app_list", args=[meta.app_label]))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        for pk in model_admin.get_queryset(RequestFactory().get("/")).values_list("pk", flat=True):
            for view in ("change", "history"):
                urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[pk]))
            if model is User:
                urls.append(reverse("admin:auth_user_password_change", args=[pk]))
    return sorted(set(urls))


@pytest.mark.parametrize("persona", ADMINS)
def test_no_admin_page_shows_reported_content(persona: str, cast: Cast):
    world = World(cast)
    markers = content_markers(world)
    client = client_for(cast, persona)
    shown: dict[str, list[str]] = {}
    walked = every_admin_url(world)
    for url in walked:
        response = client.get(url)
        body = response.content.decode()
        if found := [m for m in markers if m in body]:
            shown[url] = found
        if persona != "system_admin":
            assert response.status_code == 302, url
    assert shown == {}, persona
    assert len(walked) > 10
    registered = {model._meta.app_label for model in admin.site._registry}
    # bulletins: publications and their numbering; emergencies: the GB/T 35561 code table only
    # (test_reported_content_is_not_in_the_admin names every model allowed).
    assert not registered & (set(CONTENT_APPS) - {"bulletins", "emergencies"}), registered


@pytest.mark.parametrize("persona", ADMINS)
def test_no_content_page_answers_an_administrator_with_content(persona: str, cast: Cast):
    client = client_for(cast, persona)
    answered = {}
    for row in ROWS:
        if row.method != "GET" or row.name.split(":")[0] not in CONTENT_APPS:
            continue
        # Each page in a world of its own, as the matrix does (objects would clash).
        with transaction.atomic():
            world = World(cast)
            args = row.args(world)
            response = client.get(reverse(row.name, args=args), row.data(world))
            body = response_text(response)
            assert not [m for m in content_markers(world) if m in body], row.key
            transaction.set_rollback(True)
        answered[row.key] = response.status_code
        if args:  # a page about one piece of content
            assert response.status_code in (302, 403, 404), row.key
    assert len(answered) > 40  # the walk reached the content pages
