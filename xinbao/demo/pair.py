"""`make pair`: one side of the demo pair of instances — the demo city, and its province.

    manage.py demo_pair --side city --peer http://127.0.0.1:8001 --secret-file var/pair-secret
    manage.py demo_pair --side province --peer http://127.0.0.1:8000 --secret-file var/pair-secret

The city side needs the demo city (`seed_demo`) and adds its link up to the province. The
province side needs the demo province (`seed_demo --level province`: 省委办公厅 under 中共中央
办公厅, 江城市 among its reporting units, its people) and adds the link down to the city. Both
sides share the secret in `--secret-file` (made on first use). Re-running changes nothing.
"""

import secrets
from argparse import ArgumentParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from federation.actions import LinkSpec, do_create_link
from federation.models import Direction, Link
from notify.actions import do_allow_egress
from notify.models import EgressRule
from org.models import Unit, User
from org.roles import Role
from xinbao.demo.directory import ROOT_CODE
from xinbao.demo.province import CITY_IN_BOTH, province_present


def _secret(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32) + "\n", encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _allow(admin: User, peer: str) -> None:
    host = urlsplit(peer).hostname or ""
    if host and not EgressRule.objects.filter(entry=host).exists():
        do_allow_egress(admin, host, "demo pair")


class Command(BaseCommand):
    help = "Set up one side of the demo pair (a city and its province) with its link."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--side", choices=["city", "province"], required=True)
        parser.add_argument("--peer", required=True, help="the other instance's base URL")
        parser.add_argument("--secret-file", required=True)

    def handle(self, *args: Any, side: str, peer: str, secret_file: str, **options: Any) -> None:
        secret = _secret(Path(secret_file))
        with transaction.atomic():
            if side == "city":
                self._city(peer, secret)
            else:
                self._province(peer, secret)

    def _city(self, peer: str, secret: str) -> None:
        admin = User.objects.filter(role=Role.SYSTEM_ADMIN, is_active=True).order_by("pk").first()
        if admin is None or not Unit.objects.filter(code=ROOT_CODE).exists():
            raise CommandError("Load the demo city first: manage.py seed_demo")
        _allow(admin, peer)
        if not Link.objects.filter(direction=Direction.UP).exists():
            do_create_link(
                admin,
                LinkSpec(
                    direction=Direction.UP,
                    name="省委办公厅",
                    base_url=peer,
                    office_code=ROOT_CODE,
                    secret=secret,
                ),
            )
        self.stdout.write(f"city: linked up to {peer} as {ROOT_CODE}")

    def _province(self, peer: str, secret: str) -> None:
        # The demo province (seed_demo --level province) holds the office, its people and 江城市
        # as a reporting unit; only the link down to the city is added here.
        city = Unit.objects.filter(code=CITY_IN_BOTH).first()
        admin = (
            User.objects.filter(role=Role.SYSTEM_ADMIN, is_active=True, is_service=False)
            .order_by("pk")
            .first()
        )
        if not province_present() or city is None or admin is None:
            raise CommandError("Load the demo province first: manage.py seed_demo --level province")
        _allow(admin, peer)
        if not Link.objects.filter(direction=Direction.DOWN, office_code=CITY_IN_BOTH).exists():
            do_create_link(
                admin,
                LinkSpec(
                    direction=Direction.DOWN,
                    name=city.name,
                    base_url=peer,
                    office_code=CITY_IN_BOTH,
                    unit=city,
                    secret=secret,
                ),
            )
        self.stdout.write(f"province: linked down to {peer} for {city.name}")
