"""DataLoaders, created per request: every relationship in the schema resolves through one,
so a query's statement count does not grow with the rows it returns."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.types.nodes import SelectedField

from coaching.practice import queries as practice
from domain.alerts import service as alerts
from domain.leads import service as leads
from domain.org import access, service
from domain.org import queries as org_queries
from domain.pipeline import follow_ups, payments
from domain.pipeline import queries as pipeline_queries
from domain.pipeline import service as pipeline
from domain.reviews import service as reviews
from domain.targets import progress, queries
from domain.targets import service as targets
from domain.targets.collaboration import service as collaboration

SCOPED, UNSCOPED = True, False

# name: (the batch function returning {key: value}, scoped?, the value of a missing key).
# Scoped functions take (session, actor, keys), the others (session, keys).
RELATIONS: dict[str, tuple[Callable[..., Awaitable[dict]], bool, Callable[[], Any] | None]] = {
    "unit": (org_queries.units_by_ids, SCOPED, None),
    "rep": (org_queries.reps_by_ids, SCOPED, None),
    "rep_specialties": (org_queries.specialties_of_reps, UNSCOPED, list),
    "rep_territories": (org_queries.territories_of_reps, UNSCOPED, list),
    "user": (access.users_by_ids, SCOPED, None),
    "children": (org_queries.children_by_parent, SCOPED, list),
    "manager": (service.managers_of_units, UNSCOPED, None),
    "display_user": (access.users_by_ids_unscoped, UNSCOPED, None),
    "token": (access.tokens_by_ids, SCOPED, None),
    "tokens": (access.tokens_of_users, UNSCOPED, list),
    "target": (targets.targets_by_ids, SCOPED, None),
    "target_children": (queries.children_of_targets, SCOPED, list),
    "target_versions": (queries.versions_of_targets, UNSCOPED, list),
    "comments": (collaboration.comments_of_targets, UNSCOPED, list),
    "mentions": (collaboration.mentions_of_comments, UNSCOPED, list),
    "gap_tags": (collaboration.gap_tags_of_targets, UNSCOPED, list),
    "key_results": (collaboration.key_results_of, UNSCOPED, list),
    "opportunity": (pipeline_queries.opportunities_by_ids, SCOPED, None),
    "account": (pipeline.accounts_by_ids, SCOPED, None),
    "transitions": (pipeline_queries.transitions_of, UNSCOPED, list),
    "co_owners": (pipeline_queries.co_owners_of, UNSCOPED, list),
    "follow_ups": (follow_ups.follow_ups_of, UNSCOPED, list),
    "paid": (payments.paid_by_opportunity, UNSCOPED, int),
    "lifetime_value": (payments.lifetime_values, UNSCOPED, int),
    "alert": (alerts.alerts_by_ids, SCOPED, None),
    "alert_events": (alerts.events_of_alerts, UNSCOPED, list),
    "alert_task_by_id": (alerts.tasks_by_ids, SCOPED, None),
    "alert_tasks": (alerts.tasks_of_alerts, UNSCOPED, list),
    "diagnosis": (alerts.diagnoses_of_alerts, UNSCOPED, None),
    "weekly_review": (reviews.reviews_by_ids, SCOPED, None),
    "review_anomaly": (reviews.anomalies_by_ids, SCOPED, None),
    "review_suggestion": (reviews.suggestions_by_ids, SCOPED, None),
    "review_anomalies": (reviews.anomalies_of, UNSCOPED, list),
    "review_suggestions": (reviews.suggestions_of, UNSCOPED, list),
    "review_key_customers": (reviews.key_customers_of, UNSCOPED, list),
    "practice_session": (practice.sessions_by_ids, SCOPED, None),
    "practice_turns": (practice.transcripts_of, UNSCOPED, list),
    "practice_overrides": (practice.overrides_of, UNSCOPED, list),
    "display_rep": (org_queries.reps_by_ids_unscoped, UNSCOPED, None),
    "lead": (leads.leads_by_ids, SCOPED, None),
    "lead_decisions": (leads.decisions_of, UNSCOPED, list),
}


class Loaders:
    """The request's DataLoaders, each made on first use (a request touches a few of them):
    `loaders.rep`, `loaders.opportunity`, … as named in RELATIONS, plus `progress`, `review`
    and the `custom` ones of API modules."""

    def __init__(self, context: Any):
        self._context = context
        self._custom: dict[str, DataLoader] = {}

    def close(self) -> None:
        """Forgets the context and every loader (each refers back to this object)."""
        vars(self).clear()

    def __getattr__(self, name: str) -> DataLoader:
        if name == "progress":
            loader = self._scoped(self._progress)
        elif name == "review":
            loader = self._scoped(self._review)
        elif name in RELATIONS:
            by_ids, scoped, default = RELATIONS[name]
            loader = (self._scoped if scoped else self._unscoped)(by_ids, default)
        else:
            raise AttributeError(name)
        setattr(self, name, loader)  # later uses find it without __getattr__
        return loader

    def related(self, name: str, key: Any) -> Any:
        """The row under `key` of loader `name`: the value itself when this request already
        loaded it (no task, no await: a field's resolver can stay synchronous), otherwise the
        loader's awaitable. See `prefetch`."""
        if key is None:
            return None
        loader = getattr(self, name)
        future = loader.cache_map.get(key)
        if future is not None and future.done() and future.exception() is None:
            return future.result()
        return loader.load(key)

    async def prefetch(
        self,
        info: Any,
        rows: Iterable[Any],
        relations: dict[str, tuple[str, str]],
        under: tuple[str, ...] = ("edges", "node"),
    ) -> None:
        """Loads, in one batch per relation, what the nodes of a page refer to, so that their
        `related` fields answer without a task each. `relations` maps a node field (as the
        query names it) to (loader name, the row's attribute holding the key); only those
        the query selects under `under` (a page's `edges { node { … } }`) are loaded."""
        selected = fields_under(info.selected_fields, under)
        rows = list(rows)
        batches = []
        for field, (name, attribute) in relations.items():
            if field not in selected:
                continue
            keys = {getattr(row, attribute) for row in rows} - {None}
            if keys:
                batches.append(getattr(self, name).load_many(keys))
        if batches:
            await asyncio.gather(*batches)

    async def prefetch_rep_with_unit(self, info: Any, rep_id: int | None) -> None:
        """For a field answering a login whose `rep { unit }` the query selects (`me`): the
        rep and its unit in one statement, so that both answer without a batch each."""
        if rep_id is None or "unit" not in fields_under(info.selected_fields, ("rep",)):
            return
        context = self._context
        actor = await context.require_actor()
        rep, unit = await context.run(org_queries.rep_with_unit, actor, rep_id)
        self.rep.prime(rep_id, rep)
        if rep is not None:
            self.unit.prime(rep.unit_id, unit)

    def custom(
        self,
        name: str,
        by_ids: Callable[..., Awaitable[dict]],
        *,
        scoped: bool = True,
        default: Callable[[], Any] | None = None,
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

    def _scoped(
        self, by_ids: Callable[..., Awaitable[dict]], default: Callable[[], Any] | None = None
    ) -> DataLoader:
        async def load(keys: list[int]) -> list[Any]:
            actor = await self._context.require_actor()
            found = await self._context.run(by_ids, actor, keys)
            return _in_order(found, keys, default)

        return DataLoader(load_fn=load)

    def _unscoped(
        self, by_ids: Callable[..., Awaitable[dict]], default: Callable[[], Any] | None = None
    ) -> DataLoader:
        async def load(keys: list[int]) -> list[Any]:
            found = await self._context.run(by_ids, keys)
            return _in_order(found, keys, default)

        return DataLoader(load_fn=load)


def fields_under(top_fields: Iterable[Any], path: tuple[str, ...]) -> set[str]:
    """The names of the fields selected under `path` (e.g. `edges`, `node`) of a field
    (`info.selected_fields` in its resolver), through fragments and aliases."""
    level = [field for top in top_fields for field in _fields(top.selections)]
    for name in path:
        level = [
            field for above in level if above.name == name for field in _fields(above.selections)
        ]
    return {field.name for field in level}


def _fields(selections: Iterable[Any]) -> Iterator[SelectedField]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        else:  # a fragment spread or inline fragment
            yield from _fields(selection.selections)


def _in_order(found: dict, keys: Iterable[int], default: Callable[[], Any] | None) -> list[Any]:
    return [found.get(key, default() if default else None) for key in keys]
