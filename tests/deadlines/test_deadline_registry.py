"""The deadline engine knows the kinds the owning apps register, and nothing of those apps
(that it imports none of them is import-linter's layer contract in pyproject.toml)."""

import pytest

from deadlines import registry
from deadlines.rules import Step


def test_the_owning_apps_registered_their_kinds():
    codes = {"phone", "written", "followup", "forward", "sighting", "feedback", "solicited"}
    assert {code for code in codes if registry.kind(code).code == code} == codes
    assert registry.kind("forward").office_owes
    assert registry.kind("solicited").breach_to_section


def test_an_unknown_kind_is_refused_and_labelled_by_its_code():
    with pytest.raises(LookupError):
        registry.kind("nosuch")
    assert registry.label("nosuch") == "nosuch"


def test_a_code_cannot_be_taken_twice():
    known = registry.kind("phone")
    registry.register(known)  # the same kind again: harmless (ready() may run twice)

    def other(row, step: Step) -> None:
        return None

    with pytest.raises(ValueError, match="already registered"):
        registry.register(registry.Kind(**{**known.__dict__, "on_flip": other}))
