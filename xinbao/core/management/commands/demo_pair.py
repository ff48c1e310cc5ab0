"""`manage.py demo_pair`: one side of the demo pair of instances (see `xinbao.demo.pair`)."""

from xinbao.demo.pair import Command

__all__ = ["Command"]
