"""Every table Pacer owns, for Alembic's autogenerate and the migration-agreement test."""

import coaching.practice.models  # noqa: F401  (registers the tables on Base.metadata)
import domain.alerts.models  # noqa: F401
import domain.capability.models  # noqa: F401
import domain.changes  # noqa: F401
import domain.forecasts.models  # noqa: F401
import domain.leads.models  # noqa: F401
import domain.notifications.models  # noqa: F401
import domain.org.models  # noqa: F401
import domain.pipeline.models  # noqa: F401
import domain.reviews.models  # noqa: F401
import domain.targets.models  # noqa: F401
from domain.db import Base

target_metadata = Base.metadata
