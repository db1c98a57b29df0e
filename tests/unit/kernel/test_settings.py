from __future__ import annotations

import pytest

from domain.settings import SettingsError, load_settings


def test_defaults(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.database_url == "sqlite+aiosqlite:///./pacer.db"
    assert settings.timezone == "Asia/Shanghai"
    assert settings.is_sqlite and settings.graphiql and settings.introspection
    assert not settings.debug and settings.max_page_size == 100


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("PACER_MAX_PAGE_SIZE", "250")
    monkeypatch.setenv("PACER_INTROSPECTION", "false")
    monkeypatch.setenv("PACER_TIMEZONE", "Europe/Berlin")
    settings = load_settings()
    assert (settings.max_page_size, settings.introspection, settings.timezone) == (
        250,
        False,
        "Europe/Berlin",
    )


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        (
            "PACER_MAX_PAGE_SIZE",
            "0",
            "PACER_MAX_PAGE_SIZE: Input should be greater than or equal to 1",
        ),
        ("PACER_MAX_QUERY_DEPTH", "x", "PACER_MAX_QUERY_DEPTH: Input should be a valid integer"),
        ("PACER_TIMEZONE", "Nowhere/City", "PACER_TIMEZONE: unknown time zone 'Nowhere/City'"),
        ("PACER_DATABASE_URL", "postgresql://h/db", "PACER_DATABASE_URL: must start with"),
        ("PACER_DEBUG", "perhaps", "PACER_DEBUG: Input should be a valid boolean"),
    ],
)
def test_bad_value_is_one_line_naming_the_variable(monkeypatch, variable, value, expected):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(expected) and "\n" not in message


def test_stage_probabilities_must_cover_every_open_stage(monkeypatch):
    monkeypatch.setenv("PACER_STAGE_PROBABILITIES", '{"lead": 0.1}')
    with pytest.raises(SettingsError, match="PACER_STAGE_PROBABILITIES: give every open stage"):
        load_settings()
    good = (
        '{"lead": 0.1, "contacted": 0.2, "qualified": 0.3, "proposal": 0.4, '
        '"quoted": 0.5, "negotiation": 0.9}'
    )
    monkeypatch.setenv("PACER_STAGE_PROBABILITIES", good)
    assert load_settings().stage_probabilities["negotiation"] == 0.9


def test_attribution_windows(monkeypatch):
    monkeypatch.setenv("PACER_ATTRIBUTION_WINDOWS", '{"whitepaper_sent": 10}')
    assert load_settings().attribution_windows == {"whitepaper_sent": 10}
    monkeypatch.setenv("PACER_ATTRIBUTION_WINDOWS", '{"carrier_pigeon": 3}')
    with pytest.raises(SettingsError, match="PACER_ATTRIBUTION_WINDOWS: use follow-up types"):
        load_settings()
