"""Where the apps above submissions plug into it, so that submissions imports none of them.

An item may answer a solicitation (约稿). Solicitations are editorial — they belong to the
bulletins app, which sits above this one — so the item keeps only the solicitation's id, and
the choices the officer sees come from whoever registered them here (bulletins does, in its
`AppConfig.ready()`). With nothing registered an item simply answers no solicitation.
"""

from collections.abc import Callable

# (unit id) -> [(solicitation id, label)]: the solicitations a unit can answer now.
SolicitationChoices = Callable[[int], list[tuple[int, str]]]

_solicitation_choices: SolicitationChoices | None = None


def offer_solicitations(choices: SolicitationChoices) -> None:
    global _solicitation_choices
    _solicitation_choices = choices


def open_solicitations(unit_id: int) -> list[tuple[int, str]]:
    """What the unit's item form offers under “in answer to a solicitation”."""
    return _solicitation_choices(unit_id) if _solicitation_choices is not None else []
