from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("casework", "0003_callback_from_note")]

    operations = [migrations.RemoveField(model_name="rating", name="callback_note")]
