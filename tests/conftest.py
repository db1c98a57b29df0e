"""Shared fixtures: one migrated database per backend per run, emptied before each test.

SQLite always; PostgreSQL when PACER_TEST_POSTGRES_URL names a server (each run creates its
own fresh database there and drops it afterwards). The helpers are in tests/support/db.py."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import pytest

from domain import db
from tests.support.db import (
    BACKENDS,
    POSTGRES_URL,
    async_url,
    empty_tables,
    fresh_postgres_database,
    migrate,
)


@pytest.fixture(scope="session", autouse=True)
def model_files_of_the_run(tmp_path_factory) -> Iterator[None]:
    """Forecast models trained by tests (and the demo they load) go to a folder of this run,
    never into the working directory; a test that needs its own passes forecast_model_dir."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PACER_FORECAST_MODEL_DIR", str(tmp_path_factory.mktemp("models")))
        yield


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    if not POSTGRES_URL:
        pytest.skip("PACER_TEST_POSTGRES_URL is not set: PostgreSQL not tested")
    return async_url(POSTGRES_URL)


@pytest.fixture(scope="session")
def migrated_urls(tmp_path_factory) -> Iterator[dict[str, str]]:
    urls = {"sqlite": f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'pacer.db'}"}
    asyncio.run(migrate(urls["sqlite"]))
    with contextlib.ExitStack() as stack:
        if POSTGRES_URL:
            urls["postgresql"] = stack.enter_context(
                fresh_postgres_database(async_url(POSTGRES_URL))
            )
            asyncio.run(migrate(urls["postgresql"]))
        yield urls


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def db_url(backend, migrated_urls) -> str:
    return migrated_urls[backend]


@pytest.fixture
async def engine(db_url):
    engine = db.create_engine(db_url)
    await empty_tables(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine):
    return db.session_factory(engine)
