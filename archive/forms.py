"""The search form (GET: shareable, bookmarkable URLs) and the saved-search form."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from archive import rules
from archive.models import DocKind, SavedSearch, SortOrder
from archive.search import Filters
from xinbao.core.inputs import QUERY_TOO_LONG, Form, ModelForm, parse_id

# Query-string names of the filters, short enough for a readable URL.
PARAMS = {
    "kinds": "kind",
    "units": "unit",
    "categories": "cat",
    "levels": "level",
    "adoption": "adopt",
    "tags": "tag",
    "verification": "ver",
}


class SearchForm(Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=rules.MAX_QUERY_LENGTH,
        strip=True,
        error_messages={"max_length": QUERY_TOO_LONG},
    )
    sort = forms.ChoiceField(
        label=_("Order"), choices=SortOrder.choices, required=False, initial=SortOrder.NEWEST
    )
    page = forms.IntegerField(min_value=1, required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data: Any = None) -> None:
        super().__init__(data)
        self.multi: dict[str, list[str]] = {}
        if data is not None:
            for name, param in PARAMS.items():
                self.multi[name] = [v for v in data.getlist(param) if v.isalnum()][:50]

    def add_prefix(self, field_name: str) -> str:
        return {"date_from": "from", "date_to": "to"}.get(field_name, field_name)

    def clean_q(self) -> str:
        raw: str = self.cleaned_data.get("q") or ""
        try:
            self.parsed = rules.parse(raw)
        except rules.QueryError as exc:
            raise forms.ValidationError(str(_(exc.message)) % exc.params) from None
        return raw

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("date_from"), data.get("date_to")
        if low and high and low > high:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        m = self.multi

        def ints(name: str) -> tuple[int, ...]:
            return tuple(n for n in map(parse_id, m.get(name, [])) if n is not None)

        def strs(name: str) -> tuple[str, ...]:
            return tuple(m.get(name, []))

        return Filters(
            kinds=tuple(k for k in strs("kinds") if k in DocKind.values),
            units=ints("units"),
            categories=strs("categories"),
            levels=strs("levels"),
            adoption=strs("adoption"),
            tags=ints("tags"),
            verification=strs("verification"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

    def order(self) -> str:
        return self.cleaned_data.get("sort") or SortOrder.NEWEST


class SavedSearchForm(ModelForm):
    class Meta:
        model = SavedSearch
        fields = ["name", "subscribed"]
