"""Storage: SQLAlchemy 2 tables, repositories and Alembic migrations."""
