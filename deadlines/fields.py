"""Form fields for a reminder cadence and escalation steps, edited as rows rather than codes:
reminder points as percentages of the window (50%, 90%) and escalation steps as minutes after
the deadline with a role chosen from a list. They clean to the stored forms — fractions as
"0.5,0.9" and steps as [{"after": 0, "role": "duty_officer"}, ...] — so what is stored, read
by the engine and audited does not change. Empty rows are ignored; static/js/row-editor.js
shows one empty row at a time with a button to add another."""

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from deadlines.wording import percent, role_label
from org.roles import Role

REMINDER_ROWS = 4
ESCALATION_ROWS = 5


class _Rows(forms.MultiWidget):
    template_name = "deadlines/widgets/rows.html"
    columns = 1

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        subs = context["widget"]["subwidgets"]
        context["widget"]["rows"] = [
            subs[i : i + self.columns] for i in range(0, len(subs), self.columns)
        ]
        context["widget"]["kind"] = type(self).__name__
        return context


class PercentRows(_Rows):
    def __init__(self, rows: int = REMINDER_ROWS) -> None:
        number = forms.NumberInput(attrs={"min": 1, "max": 99, "class": "row-percent"})
        super().__init__([number] * rows)

    def decompress(self, value: Any) -> list[int | None]:
        fractions = sorted(float(p) for p in str(value or "").split(",") if p.strip())
        points: list[int | None] = [percent(f) for f in fractions]
        return (points + [None] * len(self.widgets))[: len(self.widgets)]


class StepRows(_Rows):
    columns = 2

    def __init__(self, roles: Sequence[tuple[str, str]], rows: int = ESCALATION_ROWS) -> None:
        minutes = forms.NumberInput(attrs={"min": 0, "class": "row-minutes"})
        role = forms.Select(choices=[("", "—"), *roles])
        widgets: list[forms.Widget] = []
        for _row in range(rows):
            widgets += [minutes, role]
        super().__init__(widgets)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        if value and isinstance(value[0], dict):  # the stored steps, not the posted rows
            value = self.decompress(value)
        return super().get_context(name, value, attrs)

    def decompress(self, value: Any) -> list[Any]:
        flat: list[Any] = []
        for step in sorted(value or [], key=lambda s: int(s["after"])):
            flat += [int(step["after"]), str(step["role"])]
        return (flat + [None] * len(self.widgets))[: len(self.widgets)]


class ReminderPointsField(forms.MultiValueField):
    """Reminder points as whole percentages of the window; cleans to "0.5,0.9"."""

    def __init__(self, rows: int = REMINDER_ROWS, **kwargs: Any) -> None:
        fields = [
            forms.IntegerField(
                required=False,
                min_value=1,
                max_value=99,
                error_messages={
                    "min_value": _("A reminder point is between 1%% and 99%% of the window."),
                    "max_value": _("A reminder point is between 1%% and 99%% of the window."),
                    "invalid": _("A reminder point is a whole percentage, such as 50."),
                },
            )
            for _row in range(rows)
        ]
        kwargs.setdefault("required", False)
        super().__init__(fields, widget=PercentRows(rows), require_all_fields=False, **kwargs)

    def compress(self, data_list: Iterable[int | None]) -> str:
        points = sorted({p for p in data_list or [] if p is not None})
        return ",".join(f"{p / 100:g}" for p in points)


class EscalationStepsField(forms.MultiValueField):
    """Escalation steps: minutes after the deadline and a role from the list; cleans to
    [{"after": minutes, "role": role}, ...] in order of minutes."""

    def __init__(
        self,
        roles: Iterable[str],
        max_minutes: int,
        rows: int = ESCALATION_ROWS,
        **kwargs: Any,
    ) -> None:
        wanted = set(roles)
        # In the order the roles are declared (duty officer, chief, secretary-general, ...).
        choices = [(r, role_label(r)) for r in Role.values if r in wanted]
        fields: list[forms.Field] = []
        for _row in range(rows):
            fields += [
                forms.IntegerField(
                    required=False,
                    min_value=0,
                    max_value=max_minutes,
                    error_messages={
                        "min_value": _("Minutes after the deadline cannot be negative."),
                        "max_value": _("Escalation comes at most seven days after the deadline."),
                        "invalid": _("Minutes after the deadline are a whole number."),
                    },
                ),
                forms.ChoiceField(
                    required=False,
                    choices=choices,
                    error_messages={"invalid_choice": _("Choose a role from the list.")},
                ),
            ]
        kwargs.setdefault("required", False)
        super().__init__(fields, widget=StepRows(choices, rows), require_all_fields=False, **kwargs)

    def has_changed(self, initial: Any, data: Any) -> bool:
        before = initial if isinstance(initial, list) else []
        try:
            return self.compress(self.clean_rows(data)) != sorted(
                before, key=lambda s: int(s["after"])
            )
        except forms.ValidationError:
            return True

    def clean_rows(self, data: Any) -> list[Any]:
        return [f.clean(v) for f, v in zip(self.fields, data or [], strict=False)]

    def compress(self, data_list: Sequence[Any]) -> list[dict[str, Any]]:
        steps: list[dict[str, Any]] = []
        data = list(data_list or [])
        for i in range(0, len(data), 2):
            minutes, role = data[i], data[i + 1]
            if minutes is None and not role:
                continue
            if minutes is None:
                raise forms.ValidationError(
                    _("Say how many minutes after the deadline %(role)s is told.")
                    % {"role": role_label(role)}
                )
            if not role:
                raise forms.ValidationError(
                    _("Choose whom to tell %(minutes)s minutes after the deadline.")
                    % {"minutes": minutes}
                )
            steps.append({"after": int(minutes), "role": str(role)})
        return sorted(steps, key=lambda s: s["after"])
