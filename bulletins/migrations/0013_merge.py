
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('bulletins', '0011_feedback_in_working_days'),
        ('bulletins', '0011_issue_total_and_closing_block'),
        ('bulletins', '0012_daily_issues_internal'),
    ]

    operations = [
    ]
