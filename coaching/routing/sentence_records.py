"""The vocabulary of routing sentences: how reps are named (`RepLabel`, `Voice.who`), the
labels of terms, filters, requirements, causes and statuses in zh-CN and en, and the patterns of
the English record the routing code stores (the fallback reason, the tie-break, the co-owner,
the notes), which `coaching.routing.sentences` reads back into either language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from domain.capability.rules import DEFAULT_DIMENSIONS


@dataclass(frozen=True)
class RepLabel:
    """How a rep is named in a sentence: the name, and the external id when it differs."""

    name: str
    external_id: str | None = None


Reps = Mapping[int, RepLabel]

TERMS: dict[str, tuple[str, str]] = {
    "specialty": ("专长", "specialty"),
    "capability": ("能力匹配", "capability"),
    "load": ("负载余量", "load"),
    "conversion": ("转化率", "conversion"),
    "fairness": ("公平", "fairness"),
}
# filter → (the reps it excluded, counted; in zh after the number with 名, in en after it)
EXCLUDED: dict[str, tuple[str, str]] = {
    "active": ("已离岗", "inactive"),
    "not_on_leave": ("休假中", "on leave"),
    "territory": ("不负责该区域", "outside the lead's territory"),
    "capacity_left": ("负载已满", "at capacity"),
    "certification": ("缺少所需认证", "without the required certification"),
    "capability_minimum": ("能力低于下限", "below the capability minimum"),
    "excluded": ("因改派不再参与", "left out by the re-route"),
}
# filter → what a relaxation step stops requiring
REQUIREMENTS: dict[str, tuple[str, str]] = {
    "active": ("在职", "being active"),
    "not_on_leave": ("不在休假", "not being on leave"),
    "territory": ("负责该区域", "covering the lead's territory"),
    "capacity_left": ("尚有余量", "having capacity left"),
    "certification": ("所需认证", "the required certification"),
    "capability_minimum": ("能力下限", "the capability minimum"),
}
CAUSES: dict[str, tuple[str, str]] = {
    "requested": ("线索等待已久或已多次改派", "the lead had waited or been re-routed"),
    "nobody_eligible": ("无人符合条件", "nobody was eligible"),
    "batch_capacity": (
        "本批次中符合条件的销售已无名额",
        "the eligible reps had no slot left in this batch",
    ),
}
STATUSES: dict[str, tuple[str, str]] = {
    "on_leave": ("正在休假", "on leave"),
    "inactive": ("已离岗", "inactive"),
    "active": ("在职", "active"),
}

# The English record, as coaching.routing.decision and batch_solver write it.
NOBODY = re.compile(
    r"^nobody eligible after (?P<steps>\d+) relaxation step\(s\)"
    r"(?: \(excluded: .*\)| \((?P<none>no candidates)\))?"
)
NO_SLOT = re.compile(
    r"^no eligible rep had a slot left in this batch after (?P<steps>\d+) relaxation step\(s\)"
)
OWNER_AT_CAPACITY = re.compile(r"^is at capacity \((?P<load>\d+)/(?P<capacity>\d+)\)$")
OWNER_STATUS = re.compile(r"^is (?P<status>\w+)$")
TIE = re.compile(r"^tied with rep (?P<rep>\d+) at (?P<total>[\d.]+); won on (?P<key>.*)$")
TIE_RECENT = re.compile(r"^fewer recent assignments \((?P<a>\d+) < (?P<b>\d+)\)$")
TIE_LOAD = re.compile(r"^a lower load \((?P<a>\d+/\d+) < (?P<b>\d+/\d+)\)$")
CO_OWNER_LEVEL = re.compile(r"(?:no eligible (?P<none>\w+) rep|: (?P<some>\w+) rep \d+)")
COVER_USED = re.compile(r"^the owner's (?P<limit>\d+) co-owned leads for (?P<dimension>\S+)")
ESTIMATE = re.compile(
    r"^win estimate (?P<mean>[\d.]+) ± (?P<sd>[\d.]+) = (?P<factors>.*?)"
    r"(?:; exploration (?P<bonus>[+-][\d.]+))?$"
)
EXPLORATION_OFF = {
    "exploration off": ("本次未做探索", "no exploration this time"),
    "exploration off (high-potential lead)": (
        "高潜线索不做探索",
        "no exploration: a high-potential lead",
    ),
    "exploration off (no outcomes yet)": (
        "还没有成交记录，不做探索",
        "no exploration: no outcomes on record yet",
    ),
}
DRIFT = re.compile(
    r"^rep (?P<rep>\d+): results of the last (?P<weeks>\d+) week\(s\) below the estimate: "
    r"(?P<won>[\d.]+) won of (?P<closed>[\d.]+) closed against (?P<expected>[\d.]+) expected "
    r"\(z (?P<z>-?[\d.]+)\); the estimate is scaled by (?P<factor>[\d.]+)$"
)
SCALE = re.compile(r"^conversion term = \(estimate \+ exploration\) / \(2 × (?P<base>[\d.]+)\)$")
COVER_COUNT = re.compile(r"^co-owned lead (?P<n>\d+) of (?P<limit>\d+) for (?P<dimension>\S+)$")
SLA_NOTE = re.compile(r"^not contacted within (?P<hours>[\d.]+) h by rep (?P<rep>\d+|None)$")


def dimension_label(dimension: str, zh: bool) -> str:
    labels = DEFAULT_DIMENSIONS.get(dimension)
    if labels is None:
        return dimension
    return f"「{labels[0]}」" if zh else labels[1].lower()


class Voice:
    """The reader's language and the reps' names; what every sentence builder needs."""

    def __init__(self, zh: bool, reps: Reps):
        self.zh = zh
        self.reps = reps

    def pick(self, pair: tuple[str, str]) -> str:
        return pair[0] if self.zh else pair[1]

    def sentence(self, text: str) -> str:
        """An English clause as a sentence (capitalised); Chinese as it is."""
        return text if self.zh or not text else text[0].upper() + text[1:]

    def who(
        self, rep_id: int, detail: str | None = None, role: tuple[str, str] | None = None
    ) -> str:
        """ "王芳（R001）" / "Wang Fang (R001)", after its `role` ("资深销售王芳" / "senior rep
        Wang Fang"); `detail` joins the parentheses. A rep without a label: "销售 #27"."""
        label = self.reps.get(rep_id)
        role_words = self.pick(role) if role else ""
        if label is None:
            noun = role_words or ("销售" if self.zh else "rep")
            head, extra = f"{noun} #{rep_id}", []
        else:
            gap = "" if self.zh or not role_words else " "
            head = f"{role_words}{gap}{label.name}"
            same = label.external_id is None or label.external_id == label.name
            extra = [] if same else [str(label.external_id)]
        extra += [detail] if detail else []
        if not extra:
            return head
        return f"{head}（{'，'.join(extra)}）" if self.zh else f"{head} ({', '.join(extra)})"
