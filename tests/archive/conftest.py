import pytest

from tests.archive.corpus import make_corpus


@pytest.fixture
def corpus(officer_a, officer_b):
    return make_corpus([officer_a, officer_b])


@pytest.fixture(autouse=True)
def _fresh_tantivy_index(request: pytest.FixtureRequest, tmp_path_factory) -> None:
    """With `XINBAO_SEARCH_INDEX=tantivy` every test gets its own index directory: the
    database rolls back after a test, an index on disk would not (a new directory is filled
    from the document table at its first sync)."""
    from django.conf import settings

    if settings.SEARCH_INDEX != "tantivy":
        return
    overrides = request.getfixturevalue("settings")
    overrides.SEARCH_INDEX_DIR = tmp_path_factory.mktemp("search-index")
