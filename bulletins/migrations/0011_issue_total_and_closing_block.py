
import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


def backfill(apps, schema_editor):
    """Issues already published get their running number (总第X期) in the order they were
    numbered, and each publication's running counter continues from there. Publications not
    compiled here print nothing: they carry no mark."""
    Publication = apps.get_model("bulletins", "Publication")
    Issue = apps.get_model("bulletins", "Issue")
    IssueTotal = apps.get_model("bulletins", "IssueTotal")
    Publication.objects.filter(compiled_here=False).update(internal_mark="")
    for publication in Publication.objects.all():
        issues = Issue.objects.filter(publication=publication, number__isnull=False).order_by(
            "year", "number", "pk"
        )
        total = 0
        for issue in issues:
            total += 1
            Issue.objects.filter(pk=issue.pk).update(total_number=total)
        if total:
            IssueTotal.objects.update_or_create(
                publication=publication, defaults={"last_total": total}
            )


class Migration(migrations.Migration):

    dependencies = [
        ('bulletins', '0010_merge'),
    ]

    operations = [
        migrations.AddField(
            model_name='issue',
            name='total_number',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='running number'),
        ),
        migrations.AddField(
            model_name='publication',
            name='copies',
            field=models.PositiveIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(2147483647)], verbose_name='copies printed'),
        ),
        migrations.AddField(
            model_name='publication',
            name='internal_mark',
            field=models.CharField(blank=True, default='内部资料', help_text='E.g. 内部资料 or 注意保存; blank prints none.', max_length=20, verbose_name='mark at the top left'),
        ),
        migrations.AddField(
            model_name='publication',
            name='issue_to',
            field=models.CharField(blank=True, max_length=300, verbose_name='issued to (发)'),
        ),
        migrations.AddField(
            model_name='publication',
            name='report_to',
            field=models.CharField(blank=True, max_length=300, verbose_name='reported to (报)'),
        ),
        migrations.AddField(
            model_name='publication',
            name='send_to',
            field=models.CharField(blank=True, max_length=300, verbose_name='sent to (送)'),
        ),
        migrations.AlterField(
            model_name='publication',
            name='issuer',
            field=models.CharField(blank=True, help_text="Blank: the office's full name as the unit directory holds it.", max_length=100, verbose_name='issuing office'),
        ),
        migrations.CreateModel(
            name='IssueTotal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('last_total', models.PositiveIntegerField(default=0, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(2147483647)], verbose_name='last running number given')),
                ('publication', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='bulletins.publication', verbose_name='publication')),
            ],
            options={
                'verbose_name': 'running issue counter',
                'verbose_name_plural': 'running issue counters',
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
