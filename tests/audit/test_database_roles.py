"""On PostgreSQL, the platform runs as a role that owns no table: it cannot rewrite the append-only tables.

The README's production section gives this SQL (`waibao audit roles-sql`); here it is applied in the test
cluster, the platform's work is done as that role, and each way of rewriting history is refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from tests.factories import EnterpriseFactory
from waibao.accounts.models import User
from waibao.audit.models import AuditChainLink, AuditEvent
from waibao.audit.roles import append_only_tables, grants_sql, roles_once_sql, roles_sql
from waibao.audit.services import audit_seal, audit_verify
from waibao.registry.services import enterprise_transition

pytestmark = pytest.mark.django_db

APP_ROLE = "waibao_test_platform"


@pytest.fixture
def as_platform_role() -> object:
    """Create the roles (inside the test's transaction: rolled back with it) and act as the platform's role."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
        cursor.execute(roles_once_sql(app_role=APP_ROLE, owner_role=owner))
        cursor.execute(grants_sql(app_role=APP_ROLE, owner_role=owner))
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"SET ROLE {APP_ROLE}")
    yield None
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_platform_role_works_but_cannot_rewrite_history(office: User, as_platform_role: object) -> None:
    enterprise = EnterpriseFactory()
    enterprise_transition(acting_user=office, enterprise=enterprise, action="verify")
    audit_seal()
    assert AuditChainLink.objects.exists()
    event = AuditEvent.objects.order_by("id").first()
    assert event is not None
    statements = []
    assert set(append_only_tables()) == {"audit_auditevent", "audit_auditchainlink", "ledger_ledgerentry"}
    statements = [
        "UPDATE audit_auditevent SET key_id = key_id",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent CASCADE",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER USER",
        "DROP TRIGGER audit_event_append_only ON audit_auditevent",
        "DROP TABLE audit_auditevent CASCADE",
        "UPDATE audit_auditchainlink SET key_id = key_id",
        "DELETE FROM audit_auditchainlink",
        "TRUNCATE audit_auditchainlink CASCADE",
        "ALTER TABLE audit_auditchainlink DISABLE TRIGGER USER",
        "UPDATE ledger_ledgerentry SET reason = reason",
        "DELETE FROM ledger_ledgerentry",
        "TRUNCATE ledger_ledgerentry CASCADE",
        "ALTER TABLE ledger_ledgerentry DISABLE TRIGGER USER",
    ]
    for sql in statements:
        refused = pytest.raises(DatabaseError, match=r"permission denied|must be owner")
        with refused, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert audit_verify().ok


def test_the_readme_gives_the_sql_that_is_tested() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert roles_sql().strip() in readme
