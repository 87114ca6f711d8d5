"""Money columns: decimal yuan to integer fen, in place (the next migration makes them bigint)."""

from django.db import migrations

from waibao.common.money_migration import scale_money_columns

COLUMNS = {
    "statistics_statisticsparameters": ["goal_base_amount_usd"],
    "statistics_contract": ["amount", "amount_cny", "amount_usd"],
    "statistics_execution": ["amount", "amount_cny", "amount_usd"],
    "statistics_indicatorrollup": ["contract_amount_cny", "contract_amount_usd", "executed_amount_cny", "executed_amount_usd"],
    "statistics_summaryrollup": ["contract_amount_cny", "contract_amount_usd", "executed_amount_cny", "executed_amount_usd"],
}


class Migration(migrations.Migration):
    dependencies = [('statistics', '0001_initial')]
    operations = [scale_money_columns(COLUMNS)]
