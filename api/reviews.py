"""Placeholder while the reviews API is built."""

from __future__ import annotations

import strawberry


@strawberry.type
class ReviewsQuery:
    @strawberry.field
    def placeholder_reviews(self) -> bool:
        return True


@strawberry.type
class ReviewsMutation:
    @strawberry.mutation
    def placeholder_reviews_mutation(self) -> bool:
        return True
