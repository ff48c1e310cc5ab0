from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from org.models import DayKind, SecurityPolicy, User
from org.queries import roster_people
from org.roles import Role, in_table_order
from org.twofactor import missing_administrators
from xinbao.core.inputs import Form, ModelForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Wrong user name or password. Repeated failures lock the account for a while."
        ),
        "inactive": _("This account is disabled."),
    }


class SecurityPolicyForm(ModelForm):
    second_factor_roles = forms.MultipleChoiceField(
        label=_("Roles that must use two-step verification"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The three administrators always must; anyone else may turn it on."),
    )

    class Meta:
        model = SecurityPolicy
        fields = [
            "failure_limit",
            "cooloff_minutes",
            "cooloff_max_minutes",
            "lockout_memory_hours",
            "idle_timeout_minutes",
            "password_history",
            "password_max_age_days",
            "reset_link_hours",
            "second_factor_roles",
        ]

    def clean_second_factor_roles(self) -> list[str]:
        roles: list[str] = list(self.cleaned_data["second_factor_roles"])
        if missing_administrators(roles):
            raise forms.ValidationError(
                _("The system, security and audit administrators must use two-step verification.")
            )
        return in_table_order(roles)

    def clean_cooloff_max_minutes(self) -> int:
        value: int = self.cleaned_data["cooloff_max_minutes"]
        if not 1 <= value <= 7 * 1440:
            raise forms.ValidationError(_("Between 1 and 10080 minutes (a week)."))
        return value

    def clean_lockout_memory_hours(self) -> int:
        value: int = self.cleaned_data["lockout_memory_hours"]
        if not 1 <= value <= 30 * 24:
            raise forms.ValidationError(_("Between 1 and 720 hours (30 days)."))
        return value

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        first, longest = data.get("cooloff_minutes"), data.get("cooloff_max_minutes")
        if first is not None and longest is not None and longest < first:
            self.add_error("cooloff_max_minutes", _("At least as long as the first lock-out."))
        return data

    def clean_failure_limit(self) -> int:
        value: int = self.cleaned_data["failure_limit"]
        if not 3 <= value <= 10:
            raise forms.ValidationError(_("Between 3 and 10 attempts."))
        return value

    def clean_idle_timeout_minutes(self) -> int:
        value: int = self.cleaned_data["idle_timeout_minutes"]
        if not 5 <= value <= 120:
            raise forms.ValidationError(_("Between 5 and 120 minutes."))
        return value

    def clean_password_history(self) -> int:
        value: int = self.cleaned_data["password_history"]
        if not 0 <= value <= 24:
            raise forms.ValidationError(_("Between 0 and 24 passwords."))
        return value

    def clean_password_max_age_days(self) -> int:
        value: int = self.cleaned_data["password_max_age_days"]
        if not 0 <= value <= 365:
            raise forms.ValidationError(_("Between 0 (never) and 365 days."))
        return value

    def clean_reset_link_hours(self) -> int:
        value: int = self.cleaned_data["reset_link_hours"]
        if not 1 <= value <= 72:
            raise forms.ValidationError(_("Between 1 and 72 hours."))
        return value

    def clean_cooloff_minutes(self) -> int:
        value: int = self.cleaned_data["cooloff_minutes"]
        if not 1 <= value <= 1440:
            raise forms.ValidationError(_("Between 1 and 1440 minutes."))
        return value


# --- the official calendar and office hours -------------------------------------------------


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class OfficialDaysForm(Form):
    start = forms.DateField(label=_("From"), widget=_date_input())
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=_date_input(),
        help_text=_("Leave empty for a single day."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=DayKind.choices, widget=forms.RadioSelect)
    name = forms.CharField(
        label=_("Name"),
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. National Day")}),
        help_text=_("A swapped working day takes the name of the holiday it serves."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("start") and not cleaned.get("end"):
            cleaned["end"] = cleaned["start"]
        return cleaned


# Years the calendar page and its forms accept.
MIN_YEAR = 2000
MAX_YEAR = 2100


class PublishYearForm(Form):
    year = forms.IntegerField(widget=forms.HiddenInput, min_value=MIN_YEAR, max_value=MAX_YEAR)
    published_on = forms.DateField(
        label=_("Notice published on"),
        widget=_date_input(),
        help_text=_("The date of the State Council's notice."),
    )
    notice_number = forms.CharField(
        label=_("Notice number"),
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "国办发明电〔2025〕7号"}),
        help_text=_("The 文号 printed under the notice's title."),
    )


class ImportKind:
    NOTICE = "notice"
    CSV = "csv"


# A notice is about 1,500 characters; a CSV of a year's days under 2,000.
MAX_IMPORT_CHARS = 20_000


class ImportDaysForm(Form):
    """The State Council's notice pasted, or a CSV (date,kind,name) pasted or uploaded."""

    source = forms.ChoiceField(
        label=_("What you paste"),
        choices=[
            (ImportKind.NOTICE, _("The State Council's notice")),
            (ImportKind.CSV, _("CSV: date,kind,name")),
        ],
        widget=forms.RadioSelect,
        initial=ImportKind.NOTICE,
    )
    text = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=MAX_IMPORT_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Paste the notice from its title to its date, or CSV rows."),
    )
    file = forms.FileField(
        label=_("Or a CSV file"),
        required=False,
        help_text=_("UTF-8 or GB18030; one row per day: 2027-01-01,holiday,元旦."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            raw = upload.read(MAX_IMPORT_CHARS * 4 + 1)
            if len(raw) > MAX_IMPORT_CHARS * 4:
                raise forms.ValidationError(_("The file is too large for a calendar."))
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    data["text"] = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise forms.ValidationError(_("The file is neither UTF-8 nor GB18030 text."))
            data["source"] = ImportKind.CSV
        if not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Paste the notice or the CSV rows, or choose a file."))
        return data


class OfficeHoursPeriodForm(Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "夏季作息"}),
    )
    start_month = forms.IntegerField(label=_("From month"), min_value=1, max_value=12)
    start_day = forms.IntegerField(label=_("From day"), min_value=1, max_value=31)
    end_month = forms.IntegerField(label=_("To month"), min_value=1, max_value=12)
    end_day = forms.IntegerField(label=_("To day"), min_value=1, max_value=31)
    opens = forms.TimeField(label=_("Opens"), widget=_time_input())
    lunch_starts = forms.TimeField(
        label=_("Lunch break starts"), widget=_time_input(), required=False
    )
    lunch_ends = forms.TimeField(label=_("Lunch break ends"), widget=_time_input(), required=False)
    closes = forms.TimeField(label=_("Closes"), widget=_time_input())


class OfficeHoursForm(Form):
    morning_start = forms.TimeField(label=_("Morning starts"), widget=_time_input())
    morning_end = forms.TimeField(label=_("Morning ends"), widget=_time_input())
    afternoon_start = forms.TimeField(label=_("Afternoon starts"), widget=_time_input())
    afternoon_end = forms.TimeField(label=_("Afternoon ends"), widget=_time_input())


# --- the duty roster ------------------------------------------------------------------------


class PersonChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} · {obj.get_role_display()}"


class DutyShiftForm(Form):
    person = PersonChoiceField(label=_("On duty"), queryset=roster_people())
    starts_at = forms.DateTimeField(label=_("Starts"), widget=_datetime_input())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=_datetime_input())
    is_leader = forms.BooleanField(label=_("Leader on duty"), required=False)
    note = forms.CharField(label=_("Note"), max_length=100, required=False)
