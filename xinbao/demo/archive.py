"""The demo city's information database: the index caught up with everything the demo loaded,
and a few saved searches the way the section and a leader keep them — the editor's fire watch
subscribed, so a new report on a fire reaches her inbox."""

from archive import actions, index
from archive.models import SavedSearch, SortOrder
from archive.search import Filters
from org.models import User

SAVED = (
    # username, name, query, filters, order, subscribed
    ("bianji1", "火灾动态", "火灾", Filters(), SortOrder.NEWEST, True),
    ("bianji1", "防汛（不含演练）", "防汛 -演练", Filters(), SortOrder.RELEVANCE, False),
    ("kezhang", "突发事件报告", "", Filters(kinds=("incident", "report")), SortOrder.NEWEST, False),
    ("lingdao", "乡村振兴", "乡村振兴", Filters(), SortOrder.RELEVANCE, True),
)


def load_archive(users: dict[str, User]) -> str:
    drained = index.drain()
    made = 0
    for username, name, query, filters, order, subscribed in SAVED:
        user = users.get(username)
        if user is None or SavedSearch.objects.filter(owner=user, name=name).exists():
            continue
        actions.do_save_search(user, name, query, filters, order, subscribed)
        made += 1
    return f"{drained} changes indexed, {made} saved searches"
