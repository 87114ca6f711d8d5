"""Money columns: decimal yuan to integer fen, in place (the next migration makes them bigint)."""

from django.db import migrations

from waibao.common.money_migration import scale_money_columns

COLUMNS = {
    "applications_application": ["calculated_amount_cny", "calculated_minimum_cny", "recommended_amount_cny", "approved_amount_cny"],
}


class Migration(migrations.Migration):
    dependencies = [('applications', '0002_routing_applicants_evidence')]
    operations = [scale_money_columns(COLUMNS)]
