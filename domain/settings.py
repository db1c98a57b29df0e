"""Settings from PACER_* environment variables (and an optional .env file): the business's
here, the server's in domain/server_settings.py."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import SettingsConfigDict

from domain.server_settings import ServerSettings

ENV_PREFIX = "PACER_"


class SettingsError(Exception):
    """A configuration value is wrong; the message is one line naming the variable."""


class Settings(ServerSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", extra="ignore", frozen=True
    )

    database_url: str = Field(
        "sqlite+aiosqlite:///./pacer.db",
        description="SQLAlchemy async URL: sqlite+aiosqlite:///FILE or postgresql+asyncpg://…",
    )
    timezone: str = Field("Asia/Shanghai", description="Company time zone (IANA name).")
    holiday_country: str = Field("CN", description="Country whose public holidays apply.")
    calibration_window_days: int = Field(
        14, ge=0, le=366, description="At most one calibration per unit in this many days."
    )
    follow_up_max_age_days: int = Field(
        7, ge=0, le=365, description="How many days back a follow-up may be logged."
    )
    stale_key_days: int = Field(
        7, ge=1, le=365, description="A key opportunity is stale after this many silent days."
    )
    payment_terms_days: int = Field(
        30, ge=0, le=3650, description="Days after signing before a payment is overdue."
    )
    stage_probabilities: dict[str, float] | None = Field(
        None,
        description='Chance of winning an open deal per stage, as JSON, e.g. {"lead": 0.05, '
        '"contacted": 0.1, "qualified": 0.2, "proposal": 0.35, "quoted": 0.5, '
        '"negotiation": 0.7}',
    )
    forecast_model_dir: Path = Field(
        Path("./models/forecast"),
        description="Where `pacer forecast train` stores the versioned win-probability models; "
        "only files written there are ever loaded (they are pickles: keep it writable by Pacer "
        "alone).",
    )
    forecast_min_closed_deals: int = Field(
        40,
        ge=10,
        le=1_000_000,
        description="Closed deals (at least 5 won and 5 lost among them) of the last two years "
        "needed to train a win-probability model; with fewer, the stage probabilities are used.",
    )
    attribution_windows: dict[str, int] | None = Field(
        None,
        description="Days after a follow-up type in which progress is credited to it, as JSON, "
        'e.g. {"whitepaper_sent": 7, "demo_held": 15}; other types use 7.',
    )
    kpi_minimums: dict[str, dict[str, int]] | None = Field(
        None,
        description='Daily KPI minimums per level as JSON, e.g. {"junior": {"touches": 8, '
        '"needs_confirmed": 2, "proposals_sent": 1, "demos_booked": 1}, "mid": …, "senior": …}',
    )
    alert_thresholds: dict[str, float] | None = Field(
        None,
        description='Alert thresholds replacing the defaults, as JSON, e.g. {"kpi_yellow_days": '
        '2, "kpi_orange_days": 3, "pace_ratio": 0.8, "pace_days": 3, "week_completion": 0.4, '
        '"week_min_elapsed_days": 3, "breaker_share": 0.6, "breaker_weeks": 2, '
        '"stale_key_days": 7, "task_due_days": 2}',
    )
    forecast_drift: float = Field(
        0.25,
        gt=0,
        le=10,
        description="Weekly forecast alert: a unit's commit call further than this share from "
        "the model's prediction (0.25: ±25%).",
    )
    forecast_commit_ratio: float = Field(
        0.9,
        ge=0,
        le=10,
        description="Weekly forecast alert: a unit's commit call below this share of its "
        "target (0.9: 90%) is below target pace.",
    )
    health_thresholds: dict[str, float] | None = Field(
        None,
        description="Health-dashboard thresholds replacing the defaults, as JSON, e.g. "
        '{"effective_follow_up_rate": 0.65, "lead_to_qualified_days": 3.2, '
        '"first_deal_stddev_days": 15, "proactive_inquiries_per_month": 2.8}',
    )
    alert_loops: bool = Field(
        True,
        description="Let the daily alert run open the loops' tasks: dashboard actions, second "
        "touches, senior pairing on orange KPI alerts, calibration due.",
    )
    loop_thresholds: dict[str, float] | None = Field(
        None,
        description="When the daily run's loops act, replacing the defaults, as JSON, e.g. "
        '{"follow_up_rate_below": 0.6, "lead_to_qualified_days_over": 5, '
        '"first_deal_stddev_days_over": 25, "inquiries_per_month_below": 2, '
        '"inquiry_months": 2, "window_days": 30, "min_follow_ups": 10, "top_customers": 3, '
        '"second_touch_hours": 24, "second_touch_lookback_days": 10, '
        '"calibration_every_days": 14}',
    )
    stage_gates_file: Path | None = Field(
        None, description="JSON file of stage gates replacing the defaults."
    )
    contract_checklist_file: Path | None = Field(
        None,
        description="JSON file of the contract compliance checklist replacing the default "
        "(domain/pipeline/checklist.json); validated against checklist.schema.json.",
    )
    scenarios_dir: Path | None = Field(
        None,
        description="Directory of role-play scenario files (*.json); default: "
        "scenarios/. Check it with `pacer scenarios check`.",
    )
    practice_exam_attempts: int = Field(
        3, ge=1, le=100, description="Exam sessions a rep may start per scenario."
    )
    llm_model: str | None = Field(
        None,
        description="Model of the `llm` coaching engine; unset means the engine is off and "
        "practice runs on `rules` only.",
    )
    llm_base_url: str | None = Field(
        None,
        description="OpenAI-compatible endpoint of the `llm` engine; default: OPENAI_BASE_URL, "
        "else api.openai.com.",
    )
    llm_api_key: str | None = Field(
        None, description="API key of the `llm` engine; default: OPENAI_API_KEY."
    )
    llm_timeout_seconds: float = Field(
        20, gt=0, le=600, description="How long one `llm` request may take."
    )
    llm_max_retries: int = Field(
        2, ge=0, le=10, description="Retries of a timed-out, 429 or 5xx `llm` request."
    )
    llm_max_tokens: int = Field(
        800, ge=50, le=32_000, description="Most tokens one `llm` answer may use."
    )
    llm_turn_deadline_seconds: float = Field(
        15,
        gt=0,
        le=600,
        description="Longest a practice turn (judge and customer) or a session start waits "
        "for the `llm` engine, retries and Retry-After included; past it, rules answer.",
    )
    capability_dimensions: list[str] | None = Field(
        None,
        description="Capability dimensions as a JSON list; default: needs_discovery, "
        "negotiation, solution_presentation, objection_handling, product_knowledge, closing.",
    )
    capability_half_life_days: float = Field(
        90, gt=0, le=3650, description="An observation this many days old counts half."
    )
    capability_gap_threshold: float = Field(
        60,
        ge=0,
        le=100,
        description="Below this score in a dimension a lead needs, a rep's next high-potential "
        "leads get a senior co-owner strong in it.",
    )
    capability_gap_leads: int = Field(
        3, ge=0, le=100, description="How many high-potential leads get that co-owner."
    )
    milestones_file: Path | None = Field(
        None,
        description="JSON file of milestone rules replacing domain/capability/milestones.json.",
    )
    routing_policy_file: Path | None = Field(
        None, description="JSON routing policy replacing coaching/routing/default_policy.json."
    )
    intake_schema_file: Path | None = Field(
        None,
        description="JSON Schema for a lead's free-form attributes replacing "
        "domain/leads/intake.schema.json.",
    )
    routing_sla_hours: float = Field(
        24,
        gt=0,
        le=24 * 90,
        description="A lead not contacted within this many hours is re-routed.",
    )

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("holiday_country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        import holidays

        if value.upper() not in holidays.list_supported_countries():
            raise ValueError(f"no public holidays known for country {value!r}")
        return value.upper()

    @field_validator("stage_probabilities")
    @classmethod
    def _probabilities(cls, value):
        if value is not None:
            open_stages = {"lead", "contacted", "qualified", "proposal", "quoted", "negotiation"}
            if set(value) != open_stages or not all(0 <= p <= 1 for p in value.values()):
                raise ValueError(
                    "give every open stage (" + ", ".join(sorted(open_stages)) + ") a number "
                    "between 0 and 1"
                )
        return value

    @field_validator("attribution_windows")
    @classmethod
    def _windows(cls, value):
        if value is not None:
            from domain.pipeline.models import FollowUpType

            known = {kind.value for kind in FollowUpType}
            if not set(value) <= known or not all(1 <= days <= 365 for days in value.values()):
                raise ValueError(
                    "use follow-up types (" + ", ".join(sorted(known)) + ") and 1–365 days"
                )
        return value

    @field_validator("kpi_minimums")
    @classmethod
    def _complete_minimums(cls, value):
        if value is not None:
            from domain.pipeline.kpis import check_minimums

            return check_minimums(value)
        return value

    @field_validator("alert_thresholds")
    @classmethod
    def _alert_thresholds(cls, value):
        if value is not None:
            from domain.alerts.rules import Thresholds

            Thresholds.from_mapping(value)
        return value

    @field_validator("health_thresholds")
    @classmethod
    def _health_thresholds(cls, value):
        if value is not None:
            from domain.health.rules import HealthThresholds

            HealthThresholds.from_mapping(value)
        return value

    @field_validator("loop_thresholds")
    @classmethod
    def _loop_thresholds(cls, value):
        if value is not None:
            from domain.alerts.loops.rules import LoopThresholds

            LoopThresholds.from_mapping(value)
        return value

    @field_validator("stage_gates_file", "contract_checklist_file")
    @classmethod
    def _valid_pipeline_file(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        if value is not None:
            from domain.pipeline import checklist, rules

            load, refused = {
                "stage_gates_file": (rules.load_gates, rules.GatesFileError),
                "contract_checklist_file": (checklist.load_checklist, checklist.ChecklistFileError),
            }[str(info.field_name)]
            try:
                load(value)
            except refused as error:
                raise ValueError(str(error)) from None
        return value

    @field_validator("capability_dimensions")
    @classmethod
    def _dimensions(cls, value):
        if value is not None:
            from domain.capability.rules import check_dimensions

            return list(check_dimensions(value))
        return value

    @field_validator("milestones_file")
    @classmethod
    def _valid_milestones(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        if value is not None and value.is_file():
            from domain.capability.milestones import MilestonesError, load_milestones
            from domain.capability.rules import DEFAULT_DIMENSIONS

            known = "capability_dimensions" in info.data  # else it was refused already
            dimensions = info.data.get("capability_dimensions") or list(DEFAULT_DIMENSIONS)
            try:
                load_milestones(value, dimensions if known else None)
            except MilestonesError as error:
                raise ValueError(str(error)) from None
        return value

    @field_validator("scenarios_dir")
    @classmethod
    def _existing_directory(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            if value.exists():
                raise ValueError(f"{str(value)!r} is not a directory")
            raise ValueError(f"directory {str(value)!r} does not exist")
        return value

    @field_validator(
        "milestones_file",
        "routing_policy_file",
        "intake_schema_file",
    )
    @classmethod
    def _readable(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"file {str(value)!r} does not exist")
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings(**overrides: Any) -> Settings:
    """Read the settings; a bad value raises SettingsError with one readable line."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ENV_PREFIX + "_".join(str(part) for part in first["loc"]).upper()
        message = first["msg"].removeprefix("Value error, ")
        raise SettingsError(f"{name}: {message}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
