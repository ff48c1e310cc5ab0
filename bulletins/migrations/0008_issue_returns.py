import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def reasons_from_the_audit_log(apps, schema_editor):
    """Until now a return's reason was kept only in its audit entry, which keeps no text any
    more: carry the reasons already written there into the issues' history."""
    AuditEntry = apps.get_model("audit", "AuditEntry")
    IssueReturn = apps.get_model("bulletins", "IssueReturn")
    Issue = apps.get_model("bulletins", "Issue")
    issues = set(Issue.objects.values_list("pk", flat=True))
    rows = []
    for entry in AuditEntry.objects.filter(action="issue_returned").order_by("seq"):
        issue_id = entry.target.removeprefix("issue:")
        if not issue_id.isdigit() or int(issue_id) not in issues or entry.actor_id is None:
            continue
        rows.append(
            IssueReturn(
                issue_id=int(issue_id),
                returned_at=entry.at,
                returned_by_id=entry.actor_id,
                reason=str((entry.data or {}).get("reason", "")),
            )
        )
    IssueReturn.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_rekey_chain"),
        ("bulletins", "0007_instruction_solicitation_form_token"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="IssueReturn",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("returned_at", models.DateTimeField(verbose_name="returned at")),
                ("reason", models.TextField(max_length=20000, verbose_name="reason")),
                (
                    "issue",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="returns",
                        to="bulletins.issue",
                        verbose_name="issue",
                    ),
                ),
                (
                    "returned_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="returned by",
                    ),
                ),
            ],
            options={
                "verbose_name": "return of an issue",
                "verbose_name_plural": "returns of issues",
                "ordering": ["returned_at", "pk"],
            },
        ),
        migrations.RunPython(reasons_from_the_audit_log, migrations.RunPython.noop),
    ]
