"""`make pair`: one side of the demo pair of instances — the demo city, and its province.

    manage.py demo_pair --side city --peer http://127.0.0.1:8001 --secret-file var/pair-secret
    manage.py demo_pair --side province --peer http://127.0.0.1:8000 --secret-file var/pair-secret

The city side needs the demo city (`seed_demo`) and adds its link up to the province. The
province side adds the province's own office, the demo city's office as one of its reporting
units, a few people (the demo password) and the link down to the city. Both sides share the
secret in `--secret-file` (made on first use). Re-running changes nothing.
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
from org.models import Unit, UnitKind, UnitLevel, User
from org.roles import Role
from xinbao.demo.directory import DEMO_PASSWORD, ROOT_CODE

PROVINCE_OFFICE = "sheng-xxc"
PROVINCE_PEOPLE = (
    ("sheng_admin", "省厅系统管理员", Role.SYSTEM_ADMIN),
    ("sheng_bianji", "省厅信息处编辑", Role.EDITOR),
    ("sheng_kezhang", "省厅信息处处长", Role.CHIEF),
)


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
        # The instance's own office is its hub; the city's office reports to it.
        office, _new = Unit.objects.get_or_create(
            code=PROVINCE_OFFICE,
            defaults={
                "name": "省委办公厅信息处",
                "level": UnitLevel.CITY,
                "kind": UnitKind.PARTY_OFFICE,
                "is_reporting": False,
                "sort_order": 0,
            },
        )
        city, _new = Unit.objects.get_or_create(
            code=ROOT_CODE,
            defaults={
                "name": "中共江城市委办公室",
                "level": UnitLevel.CITY,
                "kind": UnitKind.PARTY_OFFICE,
                "parent": office,
                "sort_order": 10,
            },
        )
        for username, full_name, role in PROVINCE_PEOPLE:
            if not User.objects.filter(username=username).exists():
                user = User(
                    username=username,
                    full_name=full_name,
                    role=role,
                    unit=None if role == Role.SYSTEM_ADMIN else office,
                )
                user.set_password(DEMO_PASSWORD)
                user.save()
        admin = User.objects.get(username="sheng_admin")
        _allow(admin, peer)
        if not Link.objects.filter(direction=Direction.DOWN, office_code=ROOT_CODE).exists():
            do_create_link(
                admin,
                LinkSpec(
                    direction=Direction.DOWN,
                    name=city.name,
                    base_url=peer,
                    office_code=ROOT_CODE,
                    unit=city,
                    secret=secret,
                ),
            )
        self.stdout.write(f"province: linked down to {peer} for {city.name}")
