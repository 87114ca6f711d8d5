"""Users, roles and memberships, and the role checks every access check builds on."""
