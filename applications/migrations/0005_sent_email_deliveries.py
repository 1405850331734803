"""Team emails through the outbox: each SentEmail links its deliveries (one
outbox email per recipient) and may carry a unique key; a submission records
when its receipt was queued."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0004_move_jurymembership_to_jury'),
        ('outbox', '0001_initial'),
    ]

    operations = [
        # Kept (renamed): the receipts stamped before the outbox keep their time.
        migrations.RenameField(
            model_name='submission',
            old_name='receipt_sent_at',
            new_name='receipt_queued_at',
        ),
        migrations.AlterField(
            model_name='submission',
            name='receipt_queued_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='receipt queued at'),
        ),
        migrations.AddField(
            model_name='sentemail',
            name='deliveries',
            field=models.ManyToManyField(blank=True, related_name='+', to='outbox.outgoingemail', verbose_name='deliveries'),
        ),
        migrations.AddField(
            model_name='sentemail',
            name='key',
            field=models.CharField(blank=True, max_length=200, null=True, unique=True),
        ),
    ]
