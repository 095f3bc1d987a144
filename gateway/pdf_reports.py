"""PDF exports made on the server (fpdf2): one analysis, and a user's history of interviews.

Text is set in DejaVu Sans (Debian's ``fonts-dejavu-core``), which covers the Latin, Greek and
Cyrillic scripts people type company names in; where that font is missing the core Helvetica
is used and characters outside Latin-1 print as ``?``. A report holds figures, questions and
recommendations, never the transcript's words beyond the questions themselves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from analysis.moments import clock
from analysis.trends import MEASURES, STAR_PARTS, content_of

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = "DejaVu"
INK = (33, 37, 41)
MUTED = (108, 117, 125)
ACCENT = (13, 110, 253)


class _Report(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.set_title(title)
        self.set_creator("Interview Buddy")
        self.set_auto_page_break(auto=True, margin=15)
        self.unicode = (FONT_DIR / "DejaVuSans.ttf").exists()
        if self.unicode:
            self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.family = FONT if self.unicode else "Helvetica"
        self.add_page()

    def text_of(self, value: Any) -> str:
        text = "" if value is None else str(value)
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")

    def heading(self, text: str, size: int = 14) -> None:
        self.ln(3)
        self.set_font(self.family, "B", size)
        self.set_text_color(*INK)
        self.multi_cell(0, size * 0.55, self.text_of(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def line_of(self, text: str, *, size: int = 10, muted: bool = False, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*(MUTED if muted else INK))
        self.multi_cell(0, size * 0.5, self.text_of(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def rows(self, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[int]) -> None:
        self.set_font(self.family, "", 9)
        self.set_text_color(*INK)
        with self.table(col_widths=widths, text_align="LEFT", line_height=5) as table:
            heading = table.row()
            for cell in header:
                heading.cell(self.text_of(cell))
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(self.text_of(value))

    def output_bytes(self) -> bytes:
        return bytes(self.output())


def _figure(value: Any, digits: int = 1) -> str:
    return "–" if value is None else f"{float(value):.{digits}f}".removesuffix(".0")


def _when(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return str(value or "")


def _about(interview: Mapping[str, Any]) -> str:
    parts = [interview.get("company"), interview.get("job_title"), interview.get("interview_type")]
    return " · ".join(str(part) for part in parts if part) or "An interview"


def analysis_report(interview: Mapping[str, Any], document: Mapping[str, Any]) -> bytes:
    """One analysis: the score and its breakdown, speech metrics, each question with its
    answer's STAR parts and relevance, warnings, and the recommendations."""
    pdf = _Report(f"Interview analysis: {_about(interview)}")
    pdf.heading("Interview analysis", 18)
    pdf.line_of(_about(interview), size=11)
    pdf.line_of(f"Analysed {_when(document.get('completed_at'))}", muted=True)
    if document.get("preliminary"):
        pdf.line_of("Preliminary: the transcript was incomplete when this analysis was made.", bold=True)
    for warning in document.get("warnings") or []:
        pdf.line_of(f"Note: {warning}", bold=True)

    pdf.heading(f"Overall score {_figure(document.get('overall_score'), 0)} / 100", 16)
    scores = document.get("scores") or {}
    if scores:
        pdf.rows(
            ["Part", "Score"],
            [[name.capitalize(), _figure(value, 0)] for name, value in scores.items()],
            [60, 30],
        )

    speech = document.get("speech") or {}
    pdf.heading("Speech")
    fillers = speech.get("filler_words") or {}
    by_kind = ", ".join(
        f"{kind} {count}" for kind, count in sorted(fillers.items(), key=lambda item: -item[1])
    )
    pdf.rows(
        ["Measure", "Value"],
        [
            ["Pace", f"{_figure(speech.get('wpm'), 0)} words per minute"],
            [
                "Filler words",
                f"{speech.get('filler_total', 0)} ({_figure(speech.get('fillers_per_minute'))} per minute)",
            ],
            ["Filler words by kind", by_kind or "none"],
            [
                "Pauses",
                f"{speech.get('pause_count', 0)}, of which {speech.get('long_pause_count', 0)} long; "
                f"the longest {_figure(speech.get('longest_pause_seconds'))} s",
            ],
            ["Clarity", f"{_figure(speech.get('clarity_score'), 0)} / 100"],
        ],
        [50, 130],
    )

    content = content_of(document)
    turns = content.get("turns") or []
    if turns:
        pdf.heading("Questions and answers")
        for number, turn in enumerate(turns, start=1):
            start = turn.get("answer_start", turn.get("start"))
            at = f" (at {clock(float(start))})" if start is not None else ""
            pdf.line_of(f"{number}. {turn.get('question') or 'Question'}{at}", bold=True)
            star = turn.get("star") or {}
            present = [part for part in STAR_PARTS if (star.get(part) or {}).get("present")]
            missing = [part for part in STAR_PARTS if part not in present]
            pdf.line_of(
                f"STAR: {', '.join(present) or 'none'} present"
                + (f"; missing {', '.join(missing)}" if missing else "")
                + f". Relevance {_figure(turn.get('relevance'), 0)} / 100.",
                muted=True,
            )
            pdf.ln(1)

    recommendations = document.get("recommendations") or []
    if recommendations:
        pdf.heading("Recommendations")
        for recommendation in recommendations:
            pdf.line_of(f"• {recommendation}")
    return pdf.output_bytes()


def _chart(pdf: _Report, points: Sequence[Mapping[str, Any]], key: str, label: str) -> None:
    """A line chart of one measure over the interviews, 0–100 on the vertical axis."""
    values = [(index, point[key]) for index, point in enumerate(points) if point.get(key) is not None]
    if len(values) < 2:
        return
    left, top, width, height = pdf.l_margin, pdf.get_y() + 2, pdf.epw, 45
    pdf.set_draw_color(*MUTED)
    pdf.rect(left, top, width, height)
    step = width / max(len(points) - 1, 1)
    corners = [
        (left + index * step, top + height - height * min(max(value, 0), 100) / 100)
        for index, value in values
    ]
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    for start, end in pairwise(corners):
        pdf.line(*start, *end)
    pdf.set_line_width(0.2)
    pdf.set_y(top + height + 1)
    pdf.line_of(
        f"{label}, oldest interview on the left (0 at the bottom, 100 at the top)", size=8, muted=True
    )


def history_report(user_name: str, progress: Mapping[str, Any]) -> bytes:
    """A user's interviews over time: a chart of the overall score, each measure's change from
    the first interview to the latest, and one row per interview."""
    points = progress["points"]
    pdf = _Report("Interview history")
    pdf.heading("Interview history", 18)
    pdf.line_of(f"{user_name}: {len(points)} analysed interview{'s' if len(points) != 1 else ''}", size=11)
    if not points:
        pdf.line_of("No analysed interviews yet: upload a recording to see your progress here.")
        return pdf.output_bytes()
    _chart(pdf, points, "overall_score", "Overall score")
    pdf.heading("From the first interview to the latest")
    pdf.rows(
        ["Measure", "First", "Latest", "Change"],
        [
            [
                change["label"],
                _figure(change["first"]),
                _figure(change["latest"]),
                "–" if change["change"] is None else f"{change['change']:+.1f}".removesuffix(".0"),
            ]
            for change in progress["changes"]
        ],
        [60, 35, 35, 35],
    )
    pdf.heading("Interviews")
    header = ["When", "Interview", *(measure.label for measure in MEASURES)]
    pdf.rows(
        header,
        [
            [
                _when(point["completed_at"])[:10],
                _about(point),
                *(_figure(point.get(measure.key)) for measure in MEASURES),
            ]
            for point in points
        ],
        [22, 48, 20, 20, 22, 22, 20],
    )
    return pdf.output_bytes()
