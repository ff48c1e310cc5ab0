"""What the migrations seed, seeded again: for tests on a transactional database (a live
server), which ends each test by flushing every table, so the next one would start without the
official calendar, the deadline table, the point table and the other seeded policies."""

from importlib import import_module


def reseed() -> None:
    """The official calendar, the deadline table, the point table, unit classes and awards, the
    eligibility rule, notice and archive policies. The seed functions skip what is there."""
    from django.apps import apps

    import_module("org.migrations.0003_seed_calendar").seed(apps, None)
    import_module("emergencies.migrations.0002_seed_policy").seed(apps, None)
    import_module("emergencies.migrations.0011_thresholds_per_category").seed(apps, None)
    chain = "emergencies.migrations.0011_supplementary_reports_section_phone"
    import_module(chain).seed(apps, None)
    import_module("emergencies.migrations.0013_category_codes").seed(apps, None)
    for migration in (
        "scoring.migrations.0002_seed_rules",
        "scoring.migrations.0004_seed_penalties_classes_awards",
        "accountability.migrations.0002_seed_rule",
        "accountability.migrations.0004_seed_notice_policy_and_candidates",
        "insight.migrations.0001_initial",
    ):
        import_module(migration).seed(apps, None)
