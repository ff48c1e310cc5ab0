from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per running worker process, touched every loop; /healthz reads the newest."""

    name = models.CharField(max_length=100, unique=True)  # host:pid
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)
    passes = models.PositiveBigIntegerField(default=0)
    steps_taken = models.PositiveBigIntegerField(default=0)
    deliveries = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return self.name
