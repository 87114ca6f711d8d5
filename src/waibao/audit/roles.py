"""The PostgreSQL roles of a production installation: one that migrates and owns the tables, one that runs.

The platform runs as a role that owns no table, so it cannot drop or disable a trigger, and that has no
UPDATE, DELETE or TRUNCATE on the append-only tables (audit events, chain links, ledger entries): whatever a
bug or a stolen application password does, it can only add rows, and `waibao audit verify` holds those
against the key. `waibao audit roles-sql` prints this SQL; the README's production section shows it.
"""

from __future__ import annotations

import re
from string import Template

from django.apps import apps

# Rows are only ever added: the database refuses UPDATE and DELETE (triggers) and the platform's role may not.
APPEND_ONLY_MODELS = ("audit.AuditEvent", "audit.AuditChainLink", "ledger.LedgerEntry")


def append_only_tables() -> list[str]:
    return [apps.get_model(label)._meta.db_table for label in APPEND_ONLY_MODELS]


def _role(name: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise ValueError(f"{name!r} is not a plain PostgreSQL role name")
    return name


# Role names are checked by `_role` (plain identifiers) before they are put in.
ONCE_SQL = Template("""-- Once, as a PostgreSQL superuser, in the platform's database:
DO $$$$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$owner') THEN CREATE ROLE $owner LOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$app') THEN
    CREATE ROLE $app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
END $$$$;
GRANT CREATE, USAGE ON SCHEMA public TO $owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO $app;
""")
GRANTS_SQL = Template("""-- After every `waibao migrate` (as $owner, who owns the tables):
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO $app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO $app;
REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON $tables FROM $app;
""")


def roles_once_sql(*, app_role: str, owner_role: str) -> str:
    """Once, as a superuser: the two roles (set their passwords with \\password afterwards)."""
    return ONCE_SQL.substitute(app=_role(app_role), owner=_role(owner_role))


def grants_sql(*, app_role: str, owner_role: str) -> str:
    """After every `waibao migrate` (run as the owner): what the platform's role may do, table by table."""
    return GRANTS_SQL.substitute(app=_role(app_role), owner=_role(owner_role), tables=", ".join(append_only_tables()))


def roles_sql(*, app_role: str = "waibao_app", owner_role: str = "waibao_owner") -> str:
    once = roles_once_sql(app_role=app_role, owner_role=owner_role)
    return once + "\n" + grants_sql(app_role=app_role, owner_role=owner_role)
