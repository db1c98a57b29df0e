"""DataLoaders, created per request: every relationship in the schema resolves through one,
so a query's statement count does not grow with the rows it returns."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from strawberry.dataloader import DataLoader

from coaching.practice import queries as practice
from domain.alerts import service as alerts
from domain.leads import service as leads
from domain.org import access, service
from domain.pipeline import follow_ups, payments
from domain.pipeline import queries as pipeline_queries
from domain.pipeline import service as pipeline
from domain.reviews import service as reviews
from domain.targets import progress, queries
from domain.targets import service as targets
from domain.targets.collaboration import service as collaboration


class Loaders:
    def __init__(self, context: Any):
        self._context = context
        self._custom: dict[str, DataLoader] = {}
        self.unit = self._scoped(service.units_by_ids)
        self.rep = self._scoped(service.reps_by_ids)
        self.user = self._scoped(access.users_by_ids)
        self.children = self._scoped(service.children_by_parent, default=list)
        self.manager = self._unscoped(service.managers_of_units)
        self.display_user = self._unscoped(access.users_by_ids_unscoped)
        self.token = self._scoped(access.tokens_by_ids)
        self.tokens = self._unscoped(access.tokens_of_users, default=list)
        self.target = self._scoped(targets.targets_by_ids)
        self.target_children = self._scoped(queries.children_of_targets, default=list)
        self.target_versions = self._unscoped(queries.versions_of_targets, default=list)
        self.progress = self._scoped(self._progress)
        self.review = self._scoped(self._review)
        self.comments = self._unscoped(collaboration.comments_of_targets, default=list)
        self.mentions = self._unscoped(collaboration.mentions_of_comments, default=list)
        self.gap_tags = self._unscoped(collaboration.gap_tags_of_targets, default=list)
        self.key_results = self._unscoped(collaboration.key_results_of, default=list)
        self.opportunity = self._scoped(pipeline.opportunities_by_ids)
        self.account = self._scoped(pipeline.accounts_by_ids)
        self.transitions = self._unscoped(pipeline_queries.transitions_of, default=list)
        self.co_owners = self._unscoped(pipeline_queries.co_owners_of, default=list)
        self.follow_ups = self._unscoped(follow_ups.follow_ups_of, default=list)
        self.paid = self._unscoped(payments.paid_by_opportunity, default=int)
        self.lifetime_value = self._unscoped(payments.lifetime_values, default=int)
        self.alert = self._scoped(alerts.alerts_by_ids)
        self.alert_events = self._unscoped(alerts.events_of_alerts, default=list)
        self.alert_task_by_id = self._scoped(alerts.tasks_by_ids)
        self.alert_tasks = self._unscoped(alerts.tasks_of_alerts, default=list)
        self.diagnosis = self._unscoped(alerts.diagnoses_of_alerts)
        self.weekly_review = self._scoped(reviews.reviews_by_ids)
        self.review_anomaly = self._scoped(reviews.anomalies_by_ids)
        self.review_suggestion = self._scoped(reviews.suggestions_by_ids)
        self.review_anomalies = self._unscoped(reviews.anomalies_of, default=list)
        self.review_suggestions = self._unscoped(reviews.suggestions_of, default=list)
        self.review_key_customers = self._unscoped(reviews.key_customers_of, default=list)
        self.practice_session = self._scoped(practice.sessions_by_ids)
        self.practice_turns = self._unscoped(practice.turns_of, default=list)
        self.practice_overrides = self._unscoped(practice.overrides_of, default=list)
        self.display_rep = self._unscoped(service.reps_by_ids_unscoped)
        self.lead = self._scoped(leads.leads_by_ids)
        self.lead_decisions = self._unscoped(leads.decisions_of, default=list)

    def custom(
        self,
        name: str,
        by_ids: Callable[..., Awaitable[dict]],
        *,
        scoped: bool = True,
        default: Callable[[], Any] = None,
    ) -> DataLoader:
        """A loader made on first use and kept for the request, for an API module that keeps
        its lookups to itself. `scoped` loaders call `by_ids(session, actor, keys)`, the
        others `by_ids(session, keys)`; both return {key: value}."""
        loader = self._custom.get(name)
        if loader is None:
            make = self._scoped if scoped else self._unscoped
            loader = self._custom[name] = make(by_ids, default)
        return loader

    async def _progress(self, session, actor, keys):
        settings = self._context.settings
        return await progress.progress_by_key(
            session, actor, keys, settings.holiday_country, settings.stage_probabilities
        )

    async def _review(self, session, actor, keys):
        country = self._context.settings.holiday_country
        return await progress.reviews_by_key(session, actor, keys, country)

    def _scoped(self, by_ids: Callable[..., Awaitable[dict]], default: Callable[[], Any] = None):
        async def load(keys: list[int]) -> list[Any]:
            actor = await self._context.require_actor()
            found = await self._context.run(by_ids, actor, keys)
            return _in_order(found, keys, default)

        return DataLoader(load_fn=load)

    def _unscoped(self, by_ids: Callable[..., Awaitable[dict]], default: Callable[[], Any] = None):
        async def load(keys: list[int]) -> list[Any]:
            found = await self._context.run(by_ids, keys)
            return _in_order(found, keys, default)

        return DataLoader(load_fn=load)


def _in_order(found: dict, keys: Iterable[int], default: Callable[[], Any] | None) -> list[Any]:
    return [found.get(key, default() if default else None) for key in keys]
