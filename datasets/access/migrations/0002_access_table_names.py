# The tables take the app's names (access_datagrant, access_apikey,
# access_apikeyusage, access_datagrant_datasets): a rename, no row copied.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('access', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelTable(name='datagrant', table=None),
        migrations.AlterModelTable(name='apikey', table=None),
        migrations.AlterModelTable(name='apikeyusage', table=None),
    ]
