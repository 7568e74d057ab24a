from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agreements', '0001_initial'),
    ]

    operations = [
        # No code wrote reminders before this migration: the table is empty everywhere.
        migrations.RemoveField(
            model_name='reminder',
            name='key',
        ),
        migrations.AddField(
            model_name='reminder',
            name='kind',
            field=models.CharField(choices=[('application', 'Application closing'), ('review', 'Review pending before the signing'), ('result_report', 'Result report due'), ('annual_report', 'Annual report due'), ('expiry', 'Expiry approaching')], default='expiry', max_length=20, verbose_name='kind'),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name='reminder',
            index=models.Index(fields=['recipient', 'read_at'], name='reminder_unread'),
        ),
        migrations.AddConstraint(
            model_name='reminder',
            constraint=models.UniqueConstraint(fields=('agreement', 'kind', 'due_on', 'recipient'), name='reminder_once'),
        ),
    ]
