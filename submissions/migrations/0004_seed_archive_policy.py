"""Seed the archive analysis policy.

It also signed the items already stored; that step now lives in insight's first migration
(`insight/migrations/0001_initial.py`), since submissions may not import the insight app."""

from django.db import migrations

# Words of official prose too common to signal anything; the section chief edits the list.
STOP_WORDS = (
    "会议 讲话 精神 重要 重点 举措 措施 机制 体系 建设 发展 服务 管理 保障 提升 推进会 "
    "全力 扎实 持续 稳步 有序 取得 成效 明显 显著 一批 各地 各级 各类 有关单位"
)


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    ArchivePolicy = apps.get_model("submissions", "ArchivePolicy")
    if not ArchivePolicy.objects.exists():
        ArchivePolicy.objects.create(pk=1, trend_stop_words=STOP_WORDS)


class Migration(migrations.Migration):
    dependencies = [("submissions", "0003_archive_analysis")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
