import pytest

from tests.archive.corpus import make_corpus


@pytest.fixture
def corpus(officer_a, officer_b):
    return make_corpus([officer_a, officer_b])
