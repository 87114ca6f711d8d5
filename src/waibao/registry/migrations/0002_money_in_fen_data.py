"""Money columns: decimal yuan to integer fen, in place (the next migration makes them bigint)."""

from django.db import migrations

from waibao.common.money_migration import scale_money_columns

COLUMNS = {
    "registry_enterprise": ["registered_capital_cny"],
}


class Migration(migrations.Migration):
    dependencies = [('registry', '0001_initial')]
    operations = [scale_money_columns(COLUMNS)]
