"""The 密级 levels, the rule comparing a level with the deployment's ceiling, and the ceiling
itself: seeded at 内部, edited only by the security administrator, every change audited.

Ground truth: the order of the levels is the law's (绝密 > 机密 > 秘密, state secrets; 内部 is not
one), written out here by hand."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from org.actions_secrecy import do_set_secrecy_ceiling
from org.models import SecrecyPolicy
from org.secrecy import may_store
from xinbao.core.errors import ActionError

pytestmark = pytest.mark.django_db
URL = reverse("org:secrecy")

# Lowest first, as the law ranks them (公开 and 内部资料 below every state secret).
LEVELS = ["public", "internal", "mimi", "jimi", "juemi"]


@pytest.mark.parametrize("ceiling", LEVELS)
@pytest.mark.parametrize("level", LEVELS)
def test_a_level_may_be_stored_up_to_the_ceiling_and_not_above(level, ceiling):
    assert may_store(level, ceiling) is (LEVELS.index(level) <= LEVELS.index(ceiling))


def test_an_unknown_level_is_never_storable():
    assert not may_store("cosmic", "juemi")
    assert not may_store("", "juemi")


def test_the_ceiling_is_seeded_at_internal():
    # The system as installed is not an approved 涉密信息系统: no state secret may go in.
    assert SecrecyPolicy.current().ceiling == "internal"


def test_the_security_administrator_raises_the_ceiling_and_it_is_audited(client_of, security_admin):
    response = client_of(security_admin).post(URL, {"ceiling": "mimi"})
    assert response.status_code == 302
    assert SecrecyPolicy.current().ceiling == "mimi"
    entry = AuditEntry.objects.filter(action="secrecy_ceiling_changed").get()
    assert entry.actor_id == security_admin.pk
    assert entry.data["before"] == {"ceiling": "internal"}
    assert entry.data["after"] == {"ceiling": "mimi"}


@pytest.mark.parametrize("who", ["chief", "system_admin", "audit_admin", "editor", "leader"])
def test_nobody_else_may_see_or_change_the_ceiling(client_of, personas, who):
    client = client_of(personas[who])
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"ceiling": "juemi"}).status_code == 403
    assert SecrecyPolicy.current().ceiling == "internal"
    assert not AuditEntry.objects.filter(action="secrecy_ceiling_changed").exists()


def test_the_action_refuses_anyone_but_the_security_administrator(chief):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        do_set_secrecy_ceiling(chief, "juemi")
    assert SecrecyPolicy.current().ceiling == "internal"


def test_an_unknown_level_is_refused_and_nothing_is_written(security_admin):
    with pytest.raises(ActionError):
        do_set_secrecy_ceiling(security_admin, "cosmic")
    assert SecrecyPolicy.current().ceiling == "internal"
    assert not AuditEntry.objects.filter(action="secrecy_ceiling_changed").exists()


def test_the_page_quotes_the_law_beside_the_ceiling(client_of, security_admin):
    page = client_of(security_admin).get(URL).content.decode()
    assert "保守国家秘密法" in page
    rule = "存储、处理国家秘密的计算机信息系统（以下简称涉密信息系统）按照涉密程度实行分级保护"
    assert rule in page
    assert "经检查合格后，方可投入使用" in page


def test_the_security_page_links_to_the_ceiling(client_of, security_admin):
    page = client_of(security_admin).get(reverse("org:security")).content.decode()
    assert URL in page
