"""The stored form of a decision's exclusions: grouped lists, kept per list object so leads of
one territory share the work, and always what the lists hold."""

from __future__ import annotations

from coaching.routing.exclusions import Exclusions, _KeptLists

OUTSIDE = ((1, ("chengdu",)), (2, ("beijing", "chengdu")), (3, ("chengdu",)))


def exclusions(territory, capability=()) -> Exclusions:
    return Exclusions(
        counts={"territory": len(territory)},
        lead_territory="shanghai",
        territory=territory,
        capability_minimum=40.0,
        capability={"negotiation": capability} if capability else {},
    )


def test_reps_are_grouped_by_their_territories_and_read_back():
    stored = exclusions(OUTSIDE, ((4, 31.5),)).to_json()
    assert stored["territory"]["reps"] == [[["beijing", "chengdu"], [2]], [["chengdu"], [1, 3]]]
    assert stored["capability"]["below"] == {"negotiation": [[4, 31.5]]}
    again = Exclusions.from_json(stored)
    assert again.territory == OUTSIDE and again.reasons(3)[0].detail["rep"] == ["chengdu"]


def test_an_equal_list_that_is_another_object_is_grouped_afresh_with_its_own_content():
    first = exclusions(OUTSIDE).to_json()["territory"]["reps"]
    assert exclusions(OUTSIDE).to_json()["territory"]["reps"] is first  # the same tuple: kept
    other = tuple(list(OUTSIDE)[:2])
    assert exclusions(other).to_json()["territory"]["reps"] == [
        [["beijing", "chengdu"], [2]],
        [["chengdu"], [1]],
    ]


def test_the_kept_lists_are_bounded_and_built_once_per_object():
    built = []
    kept = _KeptLists(lambda value: built.append(value) or list(value), size=2)
    a, b, c = (1, 2), (3, 4), (5, 6)
    assert [kept(a), kept(a), kept(b)] == [[1, 2], [1, 2], [3, 4]]
    assert built == [a, b]
    kept(c)  # pushes out the oldest, a
    kept(a)
    assert built == [a, b, c, a]
    assert len(kept._kept) == 2
