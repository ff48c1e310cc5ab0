"""GB/T 2260 region codes on units: six digits, refused in Chinese otherwise, edited by the
system administrator (audited) and shown in the network's directory."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from org.models import Unit, validate_region_code


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("330106", True),
        ("990102", True),
        ("110000", True),
        ("33010", False),  # five digits
        ("3301066", False),  # seven
        ("33O106", False),  # a letter O
        ("３３０１０６", False),  # full-width digits
        ("33 106", False),
        ("000000", False),
        ("", False),
    ],
)
def test_a_region_code_is_six_digits(value, valid):
    if valid:
        validate_region_code(value)
        return
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as refused:
            validate_region_code(value)
        assert "行政区划代码为6位数字" in refused.value.messages[0]  # a lazy message: read here


def _admin_form(client, url: str) -> dict:
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    return {k: ("on" if v is True else v) for k, v in data.items() if v is not False}


@pytest.mark.django_db
def test_the_system_administrator_sets_a_region_code_audited(client_of, system_admin, unit_a):
    client = client_of(system_admin)
    url = reverse("admin:org_unit_change", args=[unit_a.pk])
    data = _admin_form(client, url)
    refused = client.post(url, {**data, "region_code": "99010"})
    assert refused.status_code == 200
    assert "行政区划代码为6位数字" in refused.content.decode()
    assert Unit.objects.get(pk=unit_a.pk).region_code == ""
    assert not AuditEntry.objects.filter(action="unit_changed").exists()

    assert client.post(url, {**data, "region_code": "990102"}).status_code == 302
    assert Unit.objects.get(pk=unit_a.pk).region_code == "990102"
    entry = AuditEntry.objects.get(action="unit_changed")
    assert (entry.data["before"], entry.data["after"]) == (
        {"region_code": ""},
        {"region_code": "990102"},
    )


@pytest.mark.django_db
def test_the_directory_shows_the_region_code(client_of, chief, unit_a, unit_b):
    Unit.objects.filter(pk=unit_a.pk).update(region_code="990102")
    page = client_of(chief).get(reverse("org:units")).content.decode()
    assert "行政区划代码 990102" in page
    assert page.count("行政区划代码 ") == 1  # unit B is no region: nothing shown for it
