"""密级: the secrecy levels of items, bulletin issues and notices, and the one rule deciding
which of them this system may hold. Pure: no database, no request.

The levels are fixed by law (《中华人民共和国保守国家秘密法》 names three levels of state secret:
绝密、机密、秘密); 内部 (内部资料) is work material that is not a state secret. What the deployment
may hold is data: `SecrecyPolicy.ceiling` (org/models.py), edited by the security
administrator. A system not approved as a 涉密信息系统 may hold nothing above 内部.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Secrecy(models.TextChoices):
    """Lowest first: the order is the rank `may_store` compares."""

    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal")
    MIMI = "mimi", _("Secret (state secret)")
    JIMI = "jimi", _("Confidential (state secret)")
    JUEMI = "juemi", _("Top secret (state secret)")


ORDER: tuple[str, ...] = tuple(Secrecy.values)

# What is printed on paper and shown as the mark (GB/T 9704-2012 §7.2.2): always Chinese, as
# the document is printed; 公开 prints no mark.
MARKS: dict[str, str] = {
    Secrecy.PUBLIC: "",
    Secrecy.INTERNAL: "内部",
    Secrecy.MIMI: "秘密",
    Secrecy.JIMI: "机密",
    Secrecy.JUEMI: "绝密",
}

# The system as installed is not a 涉密信息系统 approved after inspection.
DEFAULT_CEILING = Secrecy.INTERNAL

# The rule quoted wherever a level above the ceiling is refused, and beside the ceiling's form.
RULE = (
    "《中华人民共和国保守国家秘密法》（2024年修订）第三十条："
    "“存储、处理国家秘密的计算机信息系统（以下简称涉密信息系统）按照涉密程度实行分级保护。"
    "……涉密信息系统应当按照规定，经检查合格后，方可投入使用，并定期开展风险评估。”"
    "本系统未经检查合格作为涉密信息系统投入使用的，不得存储、处理国家秘密。"
)


def rank(level: str) -> int:
    """The level's place, lowest (公开) first; an unknown level ranks above every known one,
    so it is never storable."""
    return ORDER.index(level) if level in ORDER else len(ORDER)


def may_store(level: str, ceiling: str) -> bool:
    """Whether a thing marked `level` may be stored and processed in a system whose ceiling
    is `ceiling`."""
    return level in ORDER and rank(level) <= rank(ceiling)


def allowed_levels(ceiling: str) -> list[tuple[str, Any]]:
    """The (value, label) choices a form offers: the levels up to the ceiling."""
    return [(value, label) for value, label in Secrecy.choices if may_store(value, ceiling)]


def mark(level: str) -> str:
    """The printed mark: 内部, 秘密, 机密, 绝密, or nothing for 公开."""
    return MARKS.get(level, "")


def secrecy_field(default: str = Secrecy.PUBLIC) -> "models.CharField[str, str]":
    """The `secrecy` column every marked thing carries."""
    return models.CharField(
        _("secrecy level"), max_length=10, choices=Secrecy.choices, default=default
    )
