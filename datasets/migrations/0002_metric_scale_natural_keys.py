"""Metric.scale (linear / decibel) and natural primary keys for the time series.

Readings and rollups lose their surrogate ``id``: the key (sensor, metric,
period) becomes the primary key, so the largest table carries one index only.
The tables are recreated (they hold no data yet at this point of the project:
Django cannot alter a primary key into a composite one in place).
"""

import django.db.models.deletion
from django.db import migrations, models


def rollup_fields():
    return [
        ("count", models.PositiveIntegerField()),
        ("total", models.FloatField()),
        ("minimum", models.FloatField()),
        ("maximum", models.FloatField()),
        (
            "metric",
            models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="datasets.metric",
            ),
        ),
        (
            "sensor",
            models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="datasets.sensor",
            ),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("datasets", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="metric",
            name="scale",
            field=models.CharField(
                choices=[("linear", "linear"), ("decibel", "decibel (logarithmic)")],
                default="linear",
                max_length=10,
                verbose_name="scale",
            ),
        ),
        migrations.DeleteModel(name="Reading"),
        migrations.DeleteModel(name="HourlyRollup"),
        migrations.DeleteModel(name="DailyRollup"),
        migrations.CreateModel(
            name="Reading",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "sensor",
                        "metric",
                        "period_start",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("period_start", models.DateTimeField()),
                ("value", models.FloatField()),
                (
                    "metric",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="datasets.metric",
                    ),
                ),
                (
                    "sensor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="datasets.sensor",
                    ),
                ),
            ],
            options={"verbose_name": "reading", "verbose_name_plural": "readings"},
        ),
        migrations.CreateModel(
            name="HourlyRollup",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "sensor",
                        "metric",
                        "period_start",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("period_start", models.DateTimeField()),
                *rollup_fields(),
            ],
            options={"abstract": False},
        ),
        migrations.CreateModel(
            name="DailyRollup",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "sensor",
                        "metric",
                        "day",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("day", models.DateField()),
                *rollup_fields(),
            ],
            options={
                "indexes": [
                    models.Index(fields=["metric", "day"], name="daily_metric_day")
                ],
            },
        ),
    ]
