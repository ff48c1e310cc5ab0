from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

# Until the chief enters the office's own name and abbreviation (kept in step with
# accountability.models.DEFAULT_NOTICE_POLICY; a migration must not import the live model).
NOTICE_POLICY = {
    "office_name": "市委办公室",
    "doc_prefix": "市委办通",
    "recipients": "各区、县（市）委办公室，市直各单位",
}

# The engine's candidates recorded before accountability existed become violations the way a
# new one does (accountability.candidates): an open one is pending, a superseded one withdrawn.
STATUS = {
    "open": "pending",
    "superseded": "withdrawn",
    "confirmed": "confirmed",
    "waived": "waived",
}
# A waiver must carry a reason; no code waived candidates before this app existed, so this is
# belt and braces. It is data, in the language the office writes its records in.
WAIVED_BEFORE = "信报记录违规之前已免予认定。"


def seed(apps, schema_editor):
    policy = apps.get_model("accountability", "NoticePolicy")
    if not policy.objects.exists():
        # The office's name later moved to the unit directory (0008): seed what the table has.
        columns = {f.name for f in policy._meta.get_fields()}
        policy.objects.create(**{k: v for k, v in NOTICE_POLICY.items() if k in columns})

    violation = apps.get_model("accountability", "Violation")
    candidate = apps.get_model("emergencies", "ViolationCandidate")
    local = ZoneInfo(settings.TIME_ZONE)
    taken = set(violation.objects.filter(candidate__isnull=False).values_list("candidate_id", flat=True))
    rows = []
    for c in candidate.objects.select_related("expected").order_by("pk"):
        if c.pk in taken:
            continue
        status = STATUS.get(c.status, "pending")
        rows.append(
            violation(
                unit_id=c.unit_id,
                kind=c.kind,
                status=status,
                incident_id=c.incident_id,
                report_id=c.expected.met_by_id,
                candidate_id=c.pk,
                occurred_on=c.expected.due_at.astimezone(local).date(),
                minutes_late=c.minutes_late,
                evidence=c.evidence,
                decision_reason=WAIVED_BEFORE if status == "waived" else "",
            )
        )
    violation.objects.bulk_create(rows)


def unseed(apps, schema_editor):
    apps.get_model("accountability", "NoticePolicy").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accountability", "0003_notice_policy_named_units_withdrawn"),
        ("emergencies", "0003_expectedreport_solicitation_expectedreport_task_and_more"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
