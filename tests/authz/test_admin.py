"""The Django admin (units, accounts, publications) belongs to the system administrator: every
page the admin site registers answers them and nobody else, and reported content is not in it."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.authz.conftest import client_for
from tests.authz.table import ADMIN_SITE
from tests.authz.world import PERSONAS, Cast

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
    }, registered
    assert client.get("/admin/submissions/infoitem/").status_code == 404
