"""Descriptions the SDL needs that no hand-written field carries: the root types, every
mutation's generated payload, error and error-code enum (built by `mutation_types`), and the
`first`/`after` arguments every connection shares. The labelled enums describe their values
from their zh-CN/en labels in `api.core.labels.graphql_enum`; everything else is described
where it is declared. tests/unit/api/test_schema_descriptions.py lists anything left bare."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types.base import StrawberryList, StrawberryOptional

from api.core.errors import MutationTypes, camel

First = Annotated[
    int | None,
    strawberry.argument(
        description="Page size: at most this many edges (0 to the page-size cap, default the "
        "cap, 100 unless PACER_MAX_PAGE_SIZE says otherwise)."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description="Start after this cursor (an `endCursor` of the previous page); null for "
        "the first page."
    ),
]

ROOTS = {
    "Query": "Reads. Every list and object is filtered to the caller's scope: a row outside "
    "it is simply not there (null, or missing from the list).",
    "Mutation": "One mutation per business action. Each takes a single `input` and returns "
    "its payload: the result, or coded `errors` when a business rule refused the input, in "
    "which case nothing was changed.",
    "Subscription": "Live updates over graphql-transport-ws: alerts as they are raised and "
    "role-play turns.",
}

# What each code of the mutations' `<Name>ErrorCode` enums means. A code is shared by the
# contexts that raise it; the error's `message` says precisely what was wrong.
ERROR_CODES = {
    "ACCOUNT_NOT_FOUND": "No account with this ID in your scope.",
    "ALERT_NOT_FOUND": "No alert with this ID in your scope.",
    "ALREADY_ACKNOWLEDGED": "The alert is already acknowledged.",
    "ALREADY_CHECKED": "The checklist item is already checked.",
    "ALREADY_COMPLETED": "The task is already completed.",
    "ALREADY_CONFIRMED": "This confirmation of the coefficient is already given.",
    "ALREADY_DECIDED": "The suggestion was already accepted or rejected.",
    "ALREADY_INACTIVE": "The subscription is already inactive.",
    "ALREADY_RESOLVED": "The alert is already resolved.",
    "ALREADY_REVOKED": "The token is already revoked.",
    "ASSIGNEE_OUT_OF_SCOPE": "The assignee cannot see this alert.",
    "ATTRIBUTE_INVALID": "A lead attribute (e.g. a product interest or signal) is malformed.",
    "BATCH_SIZE": "Too few or too many leads in one batch.",
    "CALIBRATION_TOO_SOON": "The unit was calibrated recently; a director may override with "
    "a reason.",
    "CANNOT_MOVE_ROOT": "The root unit (or your scope's root) cannot be moved.",
    "CHECKLIST_INCOMPLETE": "Every item of the contract checklist must be checked first; "
    "the message lists the unchecked ones.",
    "CHECKLIST_ITEM_NOT_FOUND": "The deal's contract checklist has no item with this code.",
    "CHILD_APPROVED": "An approved child target stands in the way of re-allocating.",
    "CLOSED": "The opportunity is won or lost; a manager can reopen it.",
    "CODE_TAKEN": "This code is already in use.",
    "COEFFICIENT_NOT_FOUND": "No business coefficient with this ID.",
    "COMPANY_WIDE_ONLY": "Only a company-wide admin or director can change planning inputs.",
    "COMPANY_WITH_PARENT": "A company is a root unit and takes no parent.",
    "CONCURRENT_REPLY": "Another reply to the session was taken at the same moment; reload "
    "and send again.",
    "CONTACT_REQUIRED": "A lead needs a phone number or an e-mail address.",
    "CORRECTION_NOT_FOUND": "The follow-up to correct does not exist in your scope.",
    "CYCLE": "A unit cannot move under itself or one of its descendants.",
    "DAY_BEFORE_LATEST_RUN": "Alerts were already evaluated for a later day; evaluate that "
    "day or a later one.",
    "DAY_IN_FUTURE": "The day has not come yet.",
    "DELIVERY_NOT_FOUND": "No delivery with this ID in your scope.",
    "DUPLICATE_ACCOUNT": "An account is listed twice.",
    "DUPLICATE_TARGET": "Two key results are bound to the same target.",
    "ENGINE_NOT_CONFIGURED": "The llm engine is not configured; use the rules engine.",
    "EXAM_ATTEMPTS_USED": "Every exam attempt of this scenario is used.",
    "EXTERNAL_ID_REUSED": "This external id already belongs to a different record.",
    "EXTERNAL_ID_TAKEN": "This external id is in use.",
    "FOLLOW_UP_NOT_FOUND": "No follow-up with this ID in your scope.",
    "FUTURE_DATE": "The date lies in the future.",
    "ILLEGAL_TRANSITION": "The stage move is not in the table of legal moves.",
    "INVALID_AMOUNT": "The amount is out of range (e.g. not above zero).",
    "INVALID_CAPACITY": "The capacity is out of range.",
    "INVALID_CODE": "A code must be 1–40 lower-case letters, digits, `_`, `.` or `-`.",
    "INVALID_DATE": "The date is out of range (e.g. in the future or before the signing).",
    "INVALID_DATES": "The end date is before the start date.",
    "INVALID_DUE_DATE": "The next step is due before the follow-up happened.",
    "INVALID_EMAIL": "Not a valid e-mail address.",
    "INVALID_EXPIRY": "The expiry must lie in the future.",
    "INVALID_EXTERNAL_ID": "The external id is malformed.",
    "INVALID_FORMAT": "A value is malformed (e.g. an external id or a code).",
    "INVALID_HIRE_DATE": "The hire date is more than a year ahead.",
    "INVALID_ID": "The ID is not a global ID of the expected type.",
    "INVALID_LANGUAGE": "Unsupported language: choose zh or en.",
    "INVALID_MULTIPLIER": "The multiplier must be above 0 and at most 10.",
    "INVALID_PROFICIENCY": "Proficiency must be from 1 to 5.",
    "INVALID_PROFILE": "A seasonal profile needs twelve non-negative weights, not all zero.",
    "INVALID_QUALIFICATION": "The qualification data fails the stage's entry gate.",
    "INVALID_RATING": "The rating must be a whole number from 1 to 5.",
    "INVALID_SCORE": "The score must lie between 0 and 100.",
    "INVALID_SEED": "The seed is out of range.",
    "INVALID_SPLIT": "The target is already split another way, or already belongs to another "
    "split; a target has one split and one parent.",
    "INVALID_STATUS": "The target's status does not allow this step.",
    "INVALID_URL": "Not a valid http:// or https:// URL.",
    "INVALID_WEEK": "A review week starts on a Monday.",
    "KEY_RESULT_COUNT": "An objective needs two to four key results.",
    "LEAD_CONFLICT": "The external id was already used for a lead with other content.",
    "LOCKED": "The target is locked; only a director can change it.",
    "LOGIN_TAKEN": "This login is already in use.",
    "MANAGER_REQUIRED": "This needs a manager of the opportunity's owner.",
    "MENTION_NOT_FOUND": "An @login mentioned is no user in your scope.",
    "MESSAGE_EMPTY": "The reply is empty.",
    "MESSAGE_TOO_LONG": "The reply is too long.",
    "MISSING_QUALIFICATION": "The gates of the stages up to the target stage do not hold.",
    "NEGATIVE": "The value cannot be negative.",
    "NEGATIVE_AMOUNT": "The amount cannot be negative.",
    "NEGATIVE_POTENTIAL": "Market potential cannot be negative.",
    "NEXT_STEP_REQUIRED": "Say what the next step is.",
    "NOTE_REQUIRED": "A note is required when the code is `other`.",
    "NOT_APPROVER": "Only the owner of the parent target can approve or lock it.",
    "NOT_A_CONFIRMER": "Only a director (company-wide) or a regional head can confirm a "
    "business coefficient, each in their own capacity.",
    "NOT_A_MANAGER": "Only a manager, director or admin over the subject can do this (never "
    "for themselves).",
    "NOT_A_REP": "Only a login linked to a rep can practise.",
    "NOT_A_TRAINER": "Only a manager over the rep can overrule the judge, never on their own "
    "session.",
    "NOT_CLOSED": "The opportunity is not closed.",
    "NOT_DEAD": "Only a dead letter can be retried.",
    "NOT_IN_EXAM": "In an exam Pacer draws the persona and the seed; leave them out.",
    "NOT_SIBLINGS": "The targets do not share a parent.",
    "NOT_WON": "Payments are recorded on won deals only.",
    "NOT_YOUR_SCOPE": "The target lies outside the part of the org tree you manage.",
    "NOT_YOUR_SESSION": "Only the rep who practises can act on this session.",
    "NOT_YOUR_TARGET": "You can only propose a number for your own target.",
    "NO_ALLOCATION_BASIS": "No history, potential or capability to allocate by; ask for an "
    "even split explicitly.",
    "NO_CHILDREN": "There is nothing below this target to allocate to.",
    "NO_OVERRIDE": "This dimension has no override to clear.",
    "ONE_SUBJECT": "Rate exactly one follow-up or one opportunity.",
    "OPPORTUNITY_NOT_FOUND": "No opportunity with this ID in your scope.",
    "OVERPAID": "Payments would exceed the signed amount.",
    "OWNER_NOT_FOUND": "No owner (org unit or rep) with this ID in your scope.",
    "OWNER_REQUIRED": "Say which rep owns it.",
    "PARENT_NOT_FOUND": "No parent unit with this ID in your scope.",
    "PARENT_REQUIRED": "Every unit but a company needs a parent.",
    "PARENT_SUM_FIXED": "The target is part of its parent's split and cannot change alone: "
    "rebalance siblings, adjust the parent or propose a number.",
    "PERIOD_NOT_ALIGNED": "The period does not start on its calendar boundary.",
    "PERIOD_REQUIRED": "A split over time needs `periodKind`.",
    "PRACTICE_NOT_FOUND": "No practice session with this ID in your scope.",
    "PRIVATE_ADDRESS": "Loopback, private and reserved addresses are not allowed.",
    "PROFILE_NOT_FOR_CHILDREN": "A seasonal profile only applies to splits over time.",
    "RATED_IN_FUTURE": "The rating cannot be dated after today.",
    "REASON_REQUIRED": "Give a reason.",
    "REP_HAS_LOGIN": "This rep already has a login.",
    "REP_NOT_ACTIVE": "That rep is not active.",
    "REP_NOT_FOUND": "No rep with this ID in your scope.",
    "REP_REQUIRED": "A login with the rep role needs its rep.",
    "REP_ROLE_REQUIRED": "Only a login with the rep role can be linked to a rep.",
    "REQUIRED": "A required value is empty.",
    "REVIEW_EXISTS": "The unit already has a review of that week.",
    "REVIEW_NOT_FOUND": "No weekly review with this ID in your scope.",
    "ROLES_REQUIRED": "Give at least one role.",
    "SAME_OWNER": "That rep already owns it.",
    "SCENARIO_CHANGED": "The scenario changed since the session started; finish it and start "
    "again.",
    "SCOPE_REQUIRED": "Directors and managers need a scope unit.",
    "SECRET_REQUIRED": "A generic webhook needs a signing secret.",
    "SECRET_TOO_SHORT": "The signing secret is too short.",
    "SESSION_ACTIVE": "The session has not finished yet.",
    "SESSION_FINISHED": "The practice session has finished and takes no more replies.",
    "STALE_VERSION": "Someone changed it since you read it (`expectedVersion`): reload and retry.",
    "STARTED_TWICE": "Another session of this scenario started at the same moment; try again.",
    "SUBSCRIPTION_INACTIVE": "The delivery's subscription is inactive.",
    "SUBSCRIPTION_NOT_FOUND": "No notification subscription with this ID in your scope.",
    "SUGGESTION_NOT_FOUND": "No suggestion with this ID in your scope.",
    "SUM_CHANGED": "The amounts must add up to the same total as before.",
    "TARGET_EXISTS": "The owner already has a target for this metric and period.",
    "TARGET_NOT_FOUND": "No target with this ID in your scope.",
    "TASK_NOT_FOUND": "No task with this ID in your scope.",
    "TOKEN_NOT_FOUND": "No token with this ID in your scope.",
    "TOO_FEW_TARGETS": "Give at least two different sibling targets.",
    "TOO_LONG": "A text is longer than its limit.",
    "TOO_OLD": "It happened too long ago to be logged.",
    "UNIT_NOT_FOUND": "No org unit with this ID in your scope.",
    "UNKNOWN_CHECK": "The scenario has no check or red line with this id.",
    "UNKNOWN_CUSTOMER_STATUS": "Pick a customer status from `customerStatuses`.",
    "UNKNOWN_DIMENSION": "There is no capability dimension with this code.",
    "UNKNOWN_LOSS_REASON": "Pick a loss reason from `lossReasons`.",
    "UNKNOWN_PERSONA": "The scenario has no persona with this id.",
    "UNKNOWN_PROFILE": "No seasonal profile of that name.",
    "UNKNOWN_REASON": "Pick a gap reason from `gapReasons`.",
    "UNKNOWN_SCENARIO": "There is no scenario with this id.",
    "USER_NOT_FOUND": "No user with this ID in your scope.",
    "WEEK_NOT_STARTED": "The week has not started yet.",
    "ZERO_WEIGHTS": "The weights are negative or all zero: nothing to split by.",
    "WEEK_FROZEN": "The week has ended: its forecast calls are frozen.",
    "INVALID_PERIOD": "A forecast period is a month or a quarter, given by its first day.",
    "PERIOD_CLOSED": "The period has ended: no more calls for it.",
    "UNSUPPORTED_METRIC": "Forecast calls are made for revenue only.",
    "AMOUNT_REQUIRED": "Give the commit and best-case amounts.",
    "BEST_CASE_BELOW_COMMIT": "The best case cannot be below the commit.",
    "AMOUNTS_FROM_BELOW": "A unit's call is the sum of the calls below; change it with "
    "adjustForecast.",
    "NOT_YOUR_CALL": "Only the deal's owner or their manager sets its forecast category.",
    "INVALID_CATEGORY": "A deal is set to PIPELINE, BEST_CASE, COMMIT or OMITTED; WON follows from "
    "winning.",
}


def describe_payload(types: MutationTypes, **fields: str) -> MutationTypes:
    """Describe the extra result fields of a mutation's payload (`extra=` of
    `mutation_types`), by their Python names."""
    payload: Any = types.payload
    definition = payload.__strawberry_definition__
    for name, description in fields.items():
        field = next(f for f in definition.fields if f.python_name == name)
        field.description = description
    return types


def _unwrap(kind: Any) -> Any:
    while isinstance(kind, StrawberryOptional | StrawberryList):
        kind = kind.of_type
    return kind


def _words(name: str) -> str:
    return name.replace("_", " ")


def describe_roots(query: Any, mutation: Any, subscription: Any) -> None:
    """Describe the root types, and every mutation's input argument, payload, error and
    error codes; a description already given is kept."""
    for root in (query, mutation, subscription):
        definition = root.__strawberry_definition__
        definition.description = definition.description or ROOTS[definition.name]
    for field in mutation.__strawberry_definition__.fields:
        name = camel(field.python_name) or field.python_name
        for argument in field.arguments:
            if argument.python_name == "input" and not argument.description:
                argument.description = f"What `{name}` needs; see the input type."
        _describe_payload(name, _unwrap(field.type).__strawberry_definition__)


def _describe_payload(mutation: str, payload: Any) -> None:
    results = [f for f in payload.fields if f.python_name != "errors"]
    listed = ", ".join(f"`{camel(f.python_name)}`" for f in results)
    payload.description = payload.description or (
        f"The result of `{mutation}`: {listed} on success; when the input is refused, "
        "`errors` says why and nothing was changed."
    )
    for field in results:
        field.description = field.description or (
            f"The {_words(field.python_name)} after `{mutation}`; null when the input was refused."
        )
    errors = next(f for f in payload.fields if f.python_name == "errors")
    errors.description = errors.description or (
        "Why the input was refused, one entry per broken rule; empty on success."
    )
    error = _unwrap(errors.type).__strawberry_definition__
    for field in error.fields:
        if field.python_name == "code":
            field.description = field.description or "The rule that was broken."
            for value in _unwrap(field.type).values:
                value.description = value.description or ERROR_CODES.get(value.name)
        elif field.python_name == "message":
            field.description = field.description or (
                "What was wrong, in the language of the request (`Accept-Language`)."
            )
