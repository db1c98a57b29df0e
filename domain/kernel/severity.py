"""How serious a warning is: the three grades alerts raise, the health dashboard shows and
notification subscriptions filter on."""

from __future__ import annotations

from domain.labels import LabelledEnum, register


@register
class Severity(LabelledEnum):
    YELLOW = ("yellow", "黄色预警", "Yellow")
    ORANGE = ("orange", "橙色预警", "Orange")
    RED = ("red", "红色预警", "Red")

    @property
    def rank(self) -> int:
        return list(Severity).index(self)
