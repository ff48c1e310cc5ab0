import json
from argparse import ArgumentParser, Namespace
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from archive import rules
from archive.models import DocKind, SortOrder
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
        parser.add_argument(
            "query",
            nargs="?",
            default="",
            help='terms are ANDed; "quoted phrase"; -excluded (a leading minus works as typed)',
        )
        parser.add_argument("--json", action="store_true", help="machine-readable output")
        parser.add_argument("--as", dest="username", help="search as this user")
        parser.add_argument(
            "--sort",
            choices=SortOrder.values,
            default=SortOrder.RELEVANCE,
            help="relevance (default) or newest",
        )
        parser.add_argument("--limit", type=int, default=20, help="how many ids (max 1000)")
        parser.add_argument(
            "--kind", action="append", default=[], choices=DocKind.values, help="document type"
        )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        """A word with a leading minus (-火灾: exclude 火灾) is part of the query, not an option
        argparse does not know; an unknown --option is still an error."""
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def parse_args(args: Any = None, namespace: Any = None) -> Namespace:
            options, extra = parser.parse_known_args(args, namespace)
            unknown = [a for a in extra if a.startswith("--") or not a.startswith("-")]
            if unknown:
                parser.error(f"unrecognized arguments: {' '.join(unknown)}")
            options.query = " ".join([options.query, *extra]).strip()
            if not options.query:
                parser.error("the following arguments are required: query")
            return options  # type: ignore[no-any-return]  # argparse's Namespace

        parser.parse_args = parse_args  # type: ignore[method-assign,assignment]
        return parser

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
            out = {"total": result.total, "ids": keys}
            if result.messages:
                out["messages"] = result.messages
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        for message in result.messages:
            self.stderr.write(message)
        self.stdout.write(f"{result.total} match(es); showing {len(keys)}, {result.sort}")
        for hit in result.hits:
            when = timezone.localtime(hit.doc.date).strftime("%Y-%m-%d")
            self.stdout.write(f"{hit.doc.key:<16} {when}  {hit.doc.title[:60]}")
