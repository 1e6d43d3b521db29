from django.db import migrations


def install(apps, schema_editor):
    from mood.vocabulary import install_vocabulary

    install_vocabulary(apps.get_model("journal", "EmotionWord"))


def uninstall(apps, schema_editor):
    apps.get_model("journal", "EmotionWord").objects.filter(user__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
