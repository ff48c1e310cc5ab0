"""`{{ level|secrecy_mark }}`: the 密级 mark as printed (内部, 秘密, 机密, 绝密; none for 公开)."""

from django import template

from org.secrecy import mark

register = template.Library()


@register.filter
def secrecy_mark(level: str) -> str:
    return mark(level)
