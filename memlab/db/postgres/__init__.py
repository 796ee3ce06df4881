"""The memlab store on PostgreSQL (`pip install 'memlab[postgres]'`).

`PostgresMemoryDb` implements `memlab.db.MemoryDb` with psycopg 3 and a connection pool;
`PG_MIGRATIONS` are its numbered migrations; `export_to_postgres` (in `memlab.db.postgres.export`)
copies a DuckDB store's users to it.
"""

from memlab.db.postgres.migrations import PG_MIGRATIONS, apply_pg_migrations
from memlab.db.postgres.search import PgHit
from memlab.db.postgres.store import PostgresMemoryDb

__all__ = ["PG_MIGRATIONS", "PgHit", "PostgresMemoryDb", "apply_pg_migrations"]
