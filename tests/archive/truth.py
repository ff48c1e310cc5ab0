"""The ground truth of the search tests: every document read straight from the source records
(items, incidents, incident reports, bulletin entries, criticism notices) — not from the
index's tables — and matched by the separately written `bench.truth`. The fields are the ones
the index takes from each source (a term matches within the title or within the body, and a
body made of several fields reads them one after the other)."""

from accountability.models import CriticismNotice
from bench import truth
from bulletins.models import IssueEntry
from emergencies.models import Incident, IncidentReport
from submissions.models import InfoItem


def _joined(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def source_documents() -> list[tuple[str, tuple[str, str]]]:
    docs: list[tuple[str, tuple[str, str]]] = []
    for pk, title, body in InfoItem.objects.values_list("pk", "title", "body"):
        docs.append((f"item:{pk}", (title, body)))
    for pk, title, place, subtype in Incident.objects.values_list(
        "pk", "title", "place", "subtype"
    ):
        docs.append((f"incident:{pk}", (title, _joined(place, subtype))))
    for report in IncidentReport.objects.select_related("incident"):
        body = _joined(report.summary, report.cause, report.measures, report.trend, report.on_site)
        docs.append((f"report:{report.pk}", (report.incident.title, body)))
    for pk, title, body in IssueEntry.objects.values_list("pk", "title", "body"):
        docs.append((f"entry:{pk}", (title, body)))
    for pk, title, number, body in CriticismNotice.objects.values_list(
        "pk", "title", "doc_number", "body"
    ):
        docs.append((f"notice:{pk}", (title, _joined(number, body))))
    return docs


class Truth:
    """The source records as they are now, normalised once for many queries."""

    def __init__(self) -> None:
        self.documents = truth.prepare(source_documents())

    def found(self, raw: str) -> set[str]:
        return truth.found(self.documents, raw)


split = truth.split
normalise = truth.normalise
