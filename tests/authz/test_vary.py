"""Every page says that it varies with htmx's `HX-Request` header, so that no cache hands the
fragment a view gives htmx to a navigation (Back, Forward, a reload) that asks for the page at
the same address; and what htmx is given is never stored."""

import pytest
from django.urls import reverse

from tests.authz.conftest import client_for
from tests.authz.test_headers import GET_ROWS
from tests.authz.test_matrix import send
from tests.authz.world import PERSONAS, Cast, World

pytestmark = pytest.mark.django_db


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


@pytest.mark.parametrize("key", [row.key for row in GET_ROWS])
def test_every_page_varies_with_hx_request_and_no_fragment_is_stored(key: str, cast: Cast):
    row = next(r for r in GET_ROWS if r.key == key)
    world = World(cast)
    url = reverse(row.name, args=row.args(world))
    persona = next(p for p in PERSONAS if row.may(p))
    client = client_for(cast, persona)
    if row.setup:
        row.setup(world, persona)
        if persona != "anonymous":
            client.force_login(world.people[persona])
    for htmx in (False, True):
        response = send(client, "GET", url, row.data(world), htmx)
        who = f"{persona} GET {url} (htmx: {htmx})"
        assert "hx-request" in vary(response), who
        if htmx:
            assert "no-store" in response["Cache-Control"], who
