"""What the pipeline made of an interview: transcript, speech metrics, analysis."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from analysis.moments import recommendation_moments
from gateway.deps import CurrentUser, ReadModelDep, answers_for_user
from gateway.errors import AnalysisNotReady, InterviewNotFound
from gateway.models.analysis import AnalysisPublic
from gateway.models.results import (
    MetricsPublic,
    SegmentMetricsPublic,
    TranscriptPublic,
    TranscriptSegmentPublic,
)
from gateway.params import Id, SearchQuery
from gateway.pdf_reports import analysis_report
from gateway.routes.interviews import found_interview, load_interview
from gateway.transcript_formats import MEDIA_TYPES, TranscriptFormat, render
from sinks.read_model import Row, source_interview_id

router = APIRouter(prefix="/interviews", tags=["results"])


async def _transcript(
    read_model: ReadModelDep, interview_id: str, user_id: str, q: str | None
) -> TranscriptPublic:
    interview = await load_interview(read_model, interview_id, user_id)
    rows = await read_model.list_segments(source_interview_id(interview), user_id, q)
    segments = [TranscriptSegmentPublic.model_validate(row) for row in rows]
    return TranscriptPublic(
        interview_id=interview_id,
        text=" ".join(segment.text.strip() for segment in segments),
        segments=segments,
        count=len(segments),
    )


def _download(transcript: TranscriptPublic, transcript_format: TranscriptFormat) -> Response:
    filename = f"interview-{transcript.interview_id}.{transcript_format}"
    return Response(
        render(transcript.segments, transcript_format),
        media_type=MEDIA_TYPES[transcript_format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/{interview_id}/transcript",
    response_model=TranscriptPublic,
    responses={
        200: {"content": {media: {} for media in MEDIA_TYPES.values()}},
        **answers_for_user(InterviewNotFound),
    },
)
async def get_transcript(
    interview_id: Id,
    user: CurrentUser,
    read_model: ReadModelDep,
    q: SearchQuery = None,
    transcript_format: Annotated[
        TranscriptFormat | None, Query(alias="format", description="Download as txt, srt or vtt.")
    ] = None,
) -> TranscriptPublic | Response:
    transcript = await _transcript(read_model, interview_id, user.user_id, q)
    return _download(transcript, transcript_format) if transcript_format else transcript


@router.get(
    "/{interview_id}/transcript.{transcript_format}",
    response_class=Response,
    responses={
        200: {"content": {media: {"schema": {"type": "string"}} for media in MEDIA_TYPES.values()}},
        **answers_for_user(InterviewNotFound),
    },
)
async def download_transcript(
    interview_id: Id,
    transcript_format: TranscriptFormat,
    user: CurrentUser,
    read_model: ReadModelDep,
    q: SearchQuery = None,
) -> Response:
    return _download(await _transcript(read_model, interview_id, user.user_id, q), transcript_format)


@router.get(
    "/{interview_id}/metrics", response_model=MetricsPublic, responses=answers_for_user(InterviewNotFound)
)
async def get_metrics(interview_id: Id, user: CurrentUser, read_model: ReadModelDep) -> MetricsPublic:
    interview = await load_interview(read_model, interview_id, user.user_id)
    rows = await read_model.list_metrics(source_interview_id(interview), user.user_id)
    data = [SegmentMetricsPublic.model_validate(row) for row in rows]
    return MetricsPublic(interview_id=interview_id, data=data, count=len(data))


def _parsed_content(content: Any) -> Any:
    # The event carries content analysis as a JSON string; clients want the object.
    if isinstance(content, str):
        try:
            return json.loads(content)
        except json.JSONDecodeError:
            return content
    return content


async def analysis_of(
    read_model: ReadModelDep, interview_id: str, user_id: str
) -> tuple[Row, dict[str, Any]]:
    """The interview and its analysis document; AnalysisNotReady says the status when there is none."""
    row = await read_model.get_interview_with_analysis(interview_id, user_id)
    interview = found_interview(row, interview_id, user_id)
    analysed = interview.pop("analysis_document")
    if analysed is None:
        status = interview["status"]
        detail = f" ({interview['percent']:.0f}%)" if status not in ("CREATED", "FAILED") else ""
        reason = f": {interview['error_reason']}" if status == "FAILED" and interview["error_reason"] else ""
        raise AnalysisNotReady(
            f"analysis of {interview_id} not ready, status {status}",
            user_message=f"The analysis is not ready yet, status is {status}{detail}{reason}.",
        )
    document = dict(analysed)
    document["content"] = _parsed_content(document.get("content"))
    document["interview_id"] = interview_id  # a duplicate's analysis is its original's
    return interview, document


@router.get(
    "/{interview_id}/analysis",
    response_model=AnalysisPublic,
    responses=answers_for_user(InterviewNotFound, AnalysisNotReady),
)
async def get_analysis(interview_id: Id, user: CurrentUser, read_model: ReadModelDep) -> AnalysisPublic:
    """The analysis; each recommendation comes again in `recommendation_moments` with the
    moments it cites and the transcript segment of each, so a reader can be taken there."""
    interview, document = await analysis_of(read_model, interview_id, user.user_id)
    segments = await read_model.list_segment_times(source_interview_id(interview), user.user_id)
    recommendations = document.get("recommendations") or []
    document["recommendation_moments"] = recommendation_moments(recommendations, segments)
    return AnalysisPublic.model_validate(document)


@router.get(
    "/{interview_id}/analysis.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}
    | answers_for_user(InterviewNotFound, AnalysisNotReady),
)
async def download_analysis(interview_id: Id, user: CurrentUser, read_model: ReadModelDep) -> Response:
    """The analysis as a PDF: the score and its breakdown, speech metrics, each question with its
    answer's STAR parts and relevance, and the recommendations."""
    interview, document = await analysis_of(read_model, interview_id, user.user_id)
    pdf = await asyncio.to_thread(analysis_report, interview, document)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="analysis-{interview_id}.pdf"'},
    )
