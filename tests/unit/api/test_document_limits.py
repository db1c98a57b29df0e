"""The document measure that runs before validation, and the text checks: no database."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from graphql import parse, validate
from hypothesis import given, settings
from hypothesis import strategies as st

from api.core.document_measure import Limits, TooExpensive, measure
from api.core.input_checks import TEXT_LENGTH, bad_text, check_text
from api.core.limits import KnownDocuments
from api.core.scalars import SCALARS, InvalidScalar
from api.core.schema import build_schema
from domain.settings import load_settings

SETTINGS = load_settings(database_url="sqlite+aiosqlite:///:memory:")
SCHEMA = build_schema(SETTINGS)._schema
LIMITS = Limits.of(SETTINGS)


def measured(document: str, variables=None, limits=LIMITS):
    return measure(SCHEMA, parse(document, max_tokens=100_000), limits, None, variables)


def refusal(document: str, limits=LIMITS) -> str:
    with pytest.raises(TooExpensive) as refused:
        measured(document, limits=limits)
    return refused.value.code


def repeated(times: int, selection: str = "me { rep { unit { id } } }") -> str:
    return "{ " + " ".join([selection] * times) + " }"


def test_repeated_selections_are_refused_before_validation():
    assert refusal(repeated(450)) == "TOO_MANY_FIELD_MERGES"
    # 30 copies: validation compares 435 pairs at each of the four levels, which is allowed
    assert measured(repeated(30)).merges == 4 * 30 * 29 // 2
    assert validate(SCHEMA, parse(repeated(30))) == []


def test_a_normal_query_passes_with_its_numbers():
    query = (
        "{ me { login rep { name unit { name } } } "
        "opportunities(first: 20) { edges { node { id title owner { name } } } } }"
    )
    result = measured(query)
    assert result.merges == 0
    assert result.fields == 13
    # me 1 + rep 1 + unit 1; the connection: 2 + 20 × (edges 1 + node 1 + owner 1)
    assert result.cost == 3 + 2 + 20 * 3


def test_connections_multiply_by_first_from_a_literal_or_a_variable():
    query = "query($n: Int) { reps(first: $n) { edges { node { unit { id } } } } }"
    assert measured(query, {"n": 10}).cost == 2 + 10 * 3
    assert measured(query, {}).cost == 2 + LIMITS.page_size * 3  # unset: the page cap
    page = "opportunities(first: 100) { edges { node { owner { unit { id } } account { id } } } }"
    aliased = "{ " + " ".join(f"o{i}: {page}" for i in range(20)) + " }"
    # each alias: 2 + 100 × (edges + node + owner + unit + account)
    assert measured(aliased).cost == 20 * (2 + 100 * 5) > LIMITS.cost


TWO_OPERATIONS = """query Reps($n: Int, $m: Int) { reps(first: $n) { edges { node { id } } }
  alerts(first: $m) { edges { node { id } } } }
query Me($n: Int) { me { login } opportunities(first: $n) { edges { node { id } } } }"""


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Reps", "Me", None]),
            st.fixed_dictionaries(
                {},
                optional={
                    "n": st.one_of(st.integers(-5, 500), st.none(), st.text(max_size=3)),
                    "m": st.integers(0, 200),
                    "other": st.text(max_size=5),
                },
            ),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_a_known_documents_measure_is_kept_by_the_page_sizes_it_depends_on(requests):
    """Kept measures answer what measuring again would, for any order of operations and
    page sizes (variables the cost does not read change nothing)."""
    known, document = KnownDocuments(size=2), parse(TWO_OPERATIONS)
    for operation, variables in requests:
        kept = known.measure(SCHEMA, TWO_OPERATIONS, document, LIMITS, operation, variables)
        assert kept == measure(SCHEMA, document, LIMITS, operation, variables)
    assert len(known.measures) <= 8


def test_known_measures_stay_right_when_threads_measure_at_once():
    """Long documents are measured in worker threads while the event loop measures others."""
    known, document = KnownDocuments(size=1), parse(TWO_OPERATIONS)

    def work(seed: int) -> list[bool]:
        answers = []
        for number in range(300):
            variables, operation = {"n": (seed * 7 + number) % 13}, ("Reps", "Me")[number % 2]
            kept = known.measure(SCHEMA, TWO_OPERATIONS, document, LIMITS, operation, variables)
            answers.append(kept == measure(SCHEMA, document, LIMITS, operation, variables))
        return answers

    with ThreadPoolExecutor(8) as pool:
        results = [answer for answers in pool.map(work, range(8)) for answer in answers]
    assert all(results) and len(results) == 2400
    assert len(known.measures) <= 4


def test_a_known_document_is_measured_once_per_page_size(monkeypatch):
    from api.core import document_measure

    walks = []
    real = document_measure._Walk

    def counted(*args):
        walks.append(args)
        return real(*args)

    monkeypatch.setattr(document_measure, "_Walk", counted)
    known, document = KnownDocuments(), parse(TWO_OPERATIONS)
    for variables in ({"n": 10}, {"n": 10, "other": "x"}, {"n": 20}, {"n": 10}):
        known.measure(SCHEMA, TWO_OPERATIONS, document, LIMITS, "Me", variables)
    assert len(walks) == 2  # n = 10, then n = 20


def test_fragments_count_expanded_and_doubling_fragments_are_stopped():
    fragments = ["fragment F0 on Query { me { login } }"]
    for level in range(1, 16):
        fragments.append(
            f"fragment F{level} on Query {{ ...F{level - 1} a{level}: __typename ...F{level - 1} }}"
        )
    assert refusal("{ ...F15 } " + " ".join(fragments)) in {
        "TOO_MANY_FIELDS",
        "TOO_MANY_FIELD_MERGES",
    }


def test_missing_and_cyclic_fragments_do_not_loop():
    assert measured("{ ...Missing __typename }").fields == 2
    code = refusal(
        "{ me { ...A } } fragment A on Me { rep { unit { ...B } } } "
        "fragment B on OrgUnit { parent { ...B } }"
    )
    assert code in {"QUERY_TOO_DEEP", "TOO_MANY_FIELDS"}


def test_field_cap_counts_every_selection():
    small = Limits(fields=20, merges=LIMITS.merges, cost=LIMITS.cost, page_size=100)
    aliases = "{ " + " ".join(f"a{i}: __typename" for i in range(21)) + " }"
    assert refusal(aliases, small) == "TOO_MANY_FIELDS"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["me { login }", "me { rep { id } }", "__typename", "orgUnits { totalCount }"]
        ),
        min_size=1,
        max_size=40,
    )
)
def test_merges_count_the_pairs_of_same_named_fields(selections):
    document = "{ " + " ".join(selections) + " }"
    names = [selection.split(" ")[0] for selection in selections]
    top_level = sum(names.count(n) * (names.count(n) - 1) // 2 for n in set(names))
    assert measured(document).merges >= top_level


@pytest.mark.parametrize(
    ("text", "field", "fragment"),
    [
        ("a\x00b", "$input.notes", "NUL"),
        ("a\ud800", "$input.notes", "surrogate"),
        ("x" * (TEXT_LENGTH + 1), "$input.nextStep", str(TEXT_LENGTH)),
    ],
)
def test_text_that_cannot_be_taken_is_named(text, field, fragment):
    problem = check_text(text, field)
    assert problem is not None and problem.field == field
    assert fragment in problem.message("en") and field in problem.message("zh")


def test_text_checks_reach_literals_variables_and_json_keys():
    document = parse(
        'mutation { createAccount(input: {name: "ok", segment: "x\\u0000"}) { errors { code } } }'
    )
    assert bad_text(document, None).field == "input.segment"
    plain = parse(
        "mutation($i: CreateAccountInput!) { createAccount(input: $i) { errors { code } } }"
    )
    assert bad_text(plain, {"i": {"name": "fine", "segment": "retail"}}) is None
    assert bad_text(plain, {"i": {"qualification": {"bad\x00key": 1}}}).field == "$i.qualification"
    assert (
        bad_text(plain, {"i": {"keyResults": ["ok", "y" * (TEXT_LENGTH + 1)]}}).field
        == "$i.keyResults"
    )


@given(
    st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
        max_size=50,
    )
)
def test_ordinary_text_passes(text):
    assert check_text(text, "$input.notes") is None


def scalar(python_type):
    return next(definition for key, definition in SCALARS.items() if key is python_type)


@pytest.mark.parametrize("value", [2**63, -(2**63), "9" * 5000, "1e3", "²", True, 1.5])
def test_big_int_refuses_what_a_bigint_column_cannot_hold(value):
    from api.core.scalars import BigInt

    with pytest.raises(InvalidScalar):
        scalar(BigInt).parse_value(value)


def test_big_int_takes_the_whole_bigint_range():
    from api.core.scalars import BigInt

    assert scalar(BigInt).parse_value(2**63 - 1) == 2**63 - 1
    assert scalar(BigInt).parse_value("-42") == -42


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1969-12-31", "2101-01-01"])
def test_business_dates_stay_between_1970_and_2100(value):
    from datetime import date, datetime

    with pytest.raises(InvalidScalar):
        scalar(date).parse_value(value)
    with pytest.raises(InvalidScalar):
        scalar(datetime).parse_value(value + "T00:00:00+08:00")
    assert scalar(date).parse_value("2026-12-04").year == 2026


def test_json_inputs_have_a_size_and_a_depth():
    from strawberry.scalars import JSON

    parse_json = scalar(JSON).parse_value
    assert parse_json({"budget_range": {"min": 1, "max": 2}}) == {
        "budget_range": {"min": 1, "max": 2}
    }
    deep: object = 1
    for _ in range(20):
        deep = {"a": deep}
    for bad in (deep, {"notes": "x" * 20_000}, {"n": float("nan")}):
        with pytest.raises(InvalidScalar):
            parse_json(bad)
