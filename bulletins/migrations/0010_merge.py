from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("bulletins", "0009_adoption_upper_issue"),
        ("bulletins", "0009_issue_counter_verbose_names"),
    ]

    operations = []
