"""The weekly review as a printable PDF (A4): the agenda with its minutes first, then the
targets, the KPI misses, the alerts, the funnel, the suggestions and the key customers.

Chinese is set in reportlab's built-in CID font STSong-Light (the viewer supplies the
glyphs), so no font file ships with Pacer; every string is escaped for reportlab's markup."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
BODY = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
HEAD = ParagraphStyle("head", parent=BODY, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4)
TITLE = ParagraphStyle("title", parent=BODY, fontSize=16, leading=20, spaceAfter=6)
MAX_ROWS = 40  # per table; the JSON and CSV exports have everything


def _p(value: Any, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(escape("" if value is None else str(value)), style)


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Flowable:
    if not rows:
        return _p("（无 / none）")
    data = [[_p(h) for h in header]] + [[_p(cell) for cell in row] for row in rows[:MAX_ROWS]]
    table = Table(data, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def render_pdf(document: dict[str, Any]) -> bytes:
    """The review document (see `export.review_document`) as PDF bytes."""
    review, snapshot = document["review"], document["snapshot"]
    agenda = document.get("agenda", {"total_minutes": 0, "items": []})
    story: list[Flowable] = [
        _p(f"周复盘 Weekly review · {review['unit_name']} · {review['week_label']}", TITLE),
        _p(f"截至 as of {snapshot['as_of']} · 快照 taken at {snapshot['taken_at']}"),
        _p(f"议程 Agenda（{agenda['total_minutes']} 分钟 minutes）", HEAD),
        _table(
            ["分钟 min", "议题", "Item"],
            [[i["minutes"], i["title_zh"], i["title_en"]] for i in agenda["items"]],
        ),
        _p("目标 Targets", HEAD),
        _table(
            ["负责 Owner", "指标 Metric", "期间 Period", "目标", "完成", "完成率", "差距 Gap"],
            [
                [
                    t["owner_name"],
                    t["metric"],
                    t["period_label"],
                    t["amount"],
                    t["achieved"],
                    _ratio(t["completion"]),
                    t["gap"],
                ]
                for t in snapshot["targets"]
            ],
        ),
        _p("行为 KPI 未达 KPI misses", HEAD),
        _table(
            ["销售 Rep", "级别 Level", "未达天数 Days missed", "连续 Streak"],
            [
                [r["rep_name"], r["level"], r["days_missed"], r["miss_streak"]]
                for r in snapshot["kpi_misses"]["reps"]
            ],
        ),
        _p("预警 Alerts", HEAD),
        _table(
            ["对象 Subject", "级别 Severity", "规则 Rule", "状态 Status", "日期 Raised"],
            [
                [a["subject_name"], a["severity"], a["rule"], a["status"], a["raised_on"]]
                for a in snapshot["alerts"]["items"]
            ],
        ),
        _p("漏斗 Funnel", HEAD),
        _table(
            ["阶段 Stage", "到达 Reached", "转化 To next"],
            [
                [s["stage"], s["reached"], _ratio(s["conversion_to_next"])]
                for s in snapshot["funnel"]["stages"]
            ],
        ),
        _p("目标调整建议 Suggestions", HEAD),
        _table(
            ["目标 Target", "建议 Proposed", "状态 Status", "理由 Reason"],
            [
                [s["target_name"], s["proposed_amount"], s["status"], s["reason"]]
                for s in document["suggestions"]
            ],
        ),
        _p("重点客户 Key customers", HEAD),
        _table(
            ["客户 Account", "备注 Note"],
            [[k["account_name"], k["note"]] for k in document["key_customers"]]
            or [[c["name"], c["segment"]] for c in snapshot["suggested_key_customers"]],
        ),
        Spacer(1, 4 * mm),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Weekly review {review['unit_name']} {review['week_label']}",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    ).build(story)
    return buffer.getvalue()
