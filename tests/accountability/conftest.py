"""The section, units A and B, and the city's Party office under the provincial office (the
emergencies tests' `province`, `hub` and `secretary_general`)."""

import pytest
from django.utils import translation

from tests.emergencies.conftest import hub, province, secretary_general

__all__ = ["hub", "province", "secretary_general"]


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in the source language, whatever the catalogue holds; pages are
    asked for in English (Accept-Language) where a test reads their words."""
    with translation.override("en"):
        yield


@pytest.fixture
def people(officer_a, head_a, officer_b, head_b, editor, chief, secretary_general):
    """Everyone due process involves, by the name tests use for them."""
    return {
        "officer_a": officer_a,
        "head_a": head_a,
        "officer_b": officer_b,
        "head_b": head_b,
        "editor": editor,
        "chief": chief,
        "secgen": secretary_general,
    }
