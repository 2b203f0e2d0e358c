"""A database backend: Django's PostgreSQL backend with its connection pool hardened (base.py)."""
