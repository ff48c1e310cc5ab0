import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from archive import rules
from archive.models import SortOrder
from archive.search import Filters, search
from archive.visibility import Grants
from org.models import User


class Command(BaseCommand):
    help = (
        'Search the archive. Prints a table, or with --json {"total": N, "ids": [...]} in '
        "rank order (ids are document keys such as item:12). Without --as the search sees "
        "every document (the operator's view); --as USERNAME applies that user's visibility."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("query", help='terms are ANDed; "quoted phrase"; -excluded')
        parser.add_argument("--json", action="store_true", help="machine-readable output")
        parser.add_argument("--as", dest="username", help="search as this user")
        parser.add_argument(
            "--sort",
            choices=SortOrder.values,
            default=SortOrder.RELEVANCE,
            help="relevance (default) or newest",
        )
        parser.add_argument("--limit", type=int, default=20, help="how many ids (max 1000)")
        parser.add_argument("--kind", action="append", default=[], help="item, incident, ...")

    def handle(self, *args: Any, **options: Any) -> None:
        who: User | Grants = Grants.everything()
        if options["username"]:
            try:
                who = User.objects.get(username=options["username"])
            except User.DoesNotExist:
                raise CommandError(f"no user {options['username']!r}") from None
        limit = min(max(options["limit"], 1), 1000)
        try:
            result = search(
                who,
                options["query"],
                Filters(kinds=tuple(options["kind"])),
                sort=options["sort"],
                per_page=limit,
            )
        except rules.QueryError as exc:
            raise CommandError(exc.message % exc.params) from None
        keys = [h.doc.key for h in result.hits]
        if options["json"]:
            self.stdout.write(json.dumps({"total": result.total, "ids": keys}, ensure_ascii=False))
            return
        self.stdout.write(f"{result.total} match(es); showing {len(keys)}, {result.sort}")
        for hit in result.hits:
            when = timezone.localtime(hit.doc.date).strftime("%Y-%m-%d")
            self.stdout.write(f"{hit.doc.key:<16} {when}  {hit.doc.title[:60]}")
