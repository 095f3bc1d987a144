"""The topic catalog: every topic the system uses, and who writes and reads it.

Writers and readers are named as the code names them: a worker's agent by its agent name
(``measure_speech``, its module ``streams/measure_speech.py``), the gateway as ``gateway``,
the operators' CLI as ``ib ops``; tests/unit/test_catalog_names.py holds them to the code.

The Faust app, the admin tooling, the replay tool and the Strimzi ``KafkaTopic`` manifests
all come from this module. Refer to a topic by its entry (``INTERVIEW_UPLOADED``), never by
a string literal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

CleanupPolicy = Literal["delete", "compact"]

DAY_MS = 24 * 60 * 60 * 1000
#: Every per-interview topic has this many partitions, so one interview's events sit on the
#: same partition number everywhere and tables can be joined locally.
INTERVIEW_PARTITIONS = 6


@dataclass(frozen=True)
class TopicSpec:
    name: str
    key: str
    value_schema: str
    producers: tuple[str, ...]
    consumers: tuple[str, ...]
    partitions: int = INTERVIEW_PARTITIONS
    cleanup_policy: CleanupPolicy = "delete"
    retention_ms: int = 7 * DAY_MS
    description: str = ""
    has_dead_letters: bool = True
    config: dict[str, str] = field(default_factory=dict)
    #: Why a topic has no producer or consumer yet, for one that a coming piece will use.
    not_yet_used: str = ""

    def full_name(self, prefix: str = "") -> str:
        """The topic's name on the broker; tests and replays add a ``prefix``."""
        return f"{prefix}{self.name}"

    @property
    def dead_letter_name(self) -> str:
        return f"{self.name}.dlq"

    def broker_config(self) -> dict[str, str]:
        """Topic-level settings as the broker spells them."""
        settings = {"cleanup.policy": self.cleanup_policy, **self.config}
        if self.cleanup_policy == "delete":
            settings["retention.ms"] = str(self.retention_ms)
        return settings


INTERVIEW_METADATA = TopicSpec(
    name="interview.metadata",
    key="interview_id",
    value_schema="interviewbuddy.events.InterviewMetadata",
    producers=("gateway",),
    consumers=("pair_questions", "sink_read_model"),
    cleanup_policy="compact",
    description="What the user said about an interview (company, job title, type, notes).",
)
INTERVIEW_UPLOADED = TopicSpec(
    name="interview.uploaded",
    key="interview_id",
    value_schema="interviewbuddy.events.InterviewUploaded",
    producers=("gateway",),
    consumers=("transcribe_recording", "track_state", "sink_read_model"),
    retention_ms=30 * DAY_MS,
    description="A recording is stored and ready to be transcribed.",
)
TRANSCRIPTION_PROGRESS = TopicSpec(
    name="transcription.progress",
    key="interview_id",
    value_schema="interviewbuddy.events.TranscriptionProgress",
    producers=("transcribe_recording", "roll_up_analysis"),
    consumers=("track_state",),
    description="The transcriber's progress and failures, one recording at a time.",
)
TRANSCRIPT_SEGMENTS = TopicSpec(
    name="transcript.segments",
    key="interview_id",
    value_schema="interviewbuddy.events.TranscriptSegment",
    producers=("transcribe_recording",),
    consumers=("measure_speech", "pair_questions", "track_state", "sink_read_model"),
    retention_ms=30 * DAY_MS,
    description="Recognized speech with word timings; the last segment has final=true.",
)
SEGMENT_METRICS = TopicSpec(
    name="segment.metrics",
    key="interview_id",
    value_schema="interviewbuddy.events.SegmentMetrics",
    producers=("measure_speech",),
    consumers=("roll_up_analysis", "sink_read_model"),
    description="Filler words, pace, pauses and clarity per transcript segment.",
)
INTERVIEW_TURNS = TopicSpec(
    name="interview.turns",
    key="interview_id",
    value_schema="interviewbuddy.events.InterviewTurn",
    producers=("pair_questions",),
    consumers=("analyze_answers",),
    description="Questions paired with their answers, then an END record with the number of turns.",
)
ANSWER_ANALYSIS = TopicSpec(
    name="answer.analysis",
    key="interview_id",
    value_schema="interviewbuddy.events.AnswerAnalysisEvent",
    producers=("analyze_answers",),
    consumers=("roll_up_analysis", "track_state"),
    description="STAR, relevance, confidence, enthusiasm and sentiment per answer, then an END record.",
)
PREP_SESSIONS = TopicSpec(
    name="prep.sessions",
    key="prep_session_id",
    value_schema="interviewbuddy.events.PrepSession",
    producers=("gateway",),
    consumers=("keep_prep_sessions",),
    cleanup_policy="compact",
    description="Each prep session with its questions and latest practice answers (latest value wins).",
)
INTERVIEW_STATE = TopicSpec(
    name="interview.state",
    key="interview_id",
    value_schema="interviewbuddy.events.InterviewState",
    producers=("track_state", "gateway"),
    consumers=("sink_read_model", "notify_user", "gateway"),
    cleanup_policy="compact",
    has_dead_letters=True,
    description="Where each interview is in the pipeline (latest value per interview).",
)
ANALYSIS_COMPLETED = TopicSpec(
    name="analysis.completed",
    key="interview_id",
    value_schema="interviewbuddy.events.AnalysisCompleted",
    producers=("roll_up_analysis", "gateway"),
    consumers=("track_state", "sink_read_model", "roll_up_analysis", "notify_user"),
    cleanup_policy="compact",
    description="The finished analysis of an interview.",
)
NOTIFICATIONS = TopicSpec(
    name="notifications",
    key="user_id",
    value_schema="interviewbuddy.events.Notification",
    producers=("notify_user",),
    consumers=("send_email", "gateway"),
    description="Messages for users (an analysis completed or failed), keyed by user: emailed by "
    "send_email, pushed to the user's open web app by every gateway replica (/ws).",
)

#: Topics whose messages carry events of the interview flow, in flow order.
TOPICS: tuple[TopicSpec, ...] = (
    INTERVIEW_METADATA,
    INTERVIEW_UPLOADED,
    TRANSCRIPTION_PROGRESS,
    TRANSCRIPT_SEGMENTS,
    SEGMENT_METRICS,
    INTERVIEW_TURNS,
    ANSWER_ANALYSIS,
    PREP_SESSIONS,
    INTERVIEW_STATE,
    ANALYSIS_COMPLETED,
    NOTIFICATIONS,
)

DEAD_LETTER_SCHEMA = "interviewbuddy.events.DeadLetter"


def dead_letter_topic(spec: TopicSpec) -> TopicSpec:
    """The ``<topic>.dlq`` that receives ``spec``'s poison messages."""
    return TopicSpec(
        name=spec.dead_letter_name,
        key=spec.key,
        value_schema=DEAD_LETTER_SCHEMA,
        producers=spec.consumers,
        consumers=("track_state", "ib ops"),
        partitions=spec.partitions,
        retention_ms=30 * DAY_MS,
        description=f"Messages of {spec.name} that could not be processed, with the error.",
        has_dead_letters=False,
        not_yet_used=spec.not_yet_used,
    )


DEAD_LETTER_TOPICS: tuple[TopicSpec, ...] = tuple(
    dead_letter_topic(spec) for spec in TOPICS if spec.has_dead_letters
)

DEAD_LETTERS_REDRIVEN = TopicSpec(
    name="dead-letters.redriven",
    key="dead_letter",
    value_schema=DEAD_LETTER_SCHEMA,
    producers=("ib ops",),
    consumers=("ib ops",),
    partitions=1,
    cleanup_policy="compact",
    description="The ledger of dead letters sent back to their source topic, keyed by "
    "'<dlq topic>:<partition>:<offset>': a letter redriven twice goes back once.",
    has_dead_letters=False,
)

#: Topics of the operators' tools.
OPERATIONS_TOPICS: tuple[TopicSpec, ...] = (DEAD_LETTERS_REDRIVEN,)

ALL_TOPICS: tuple[TopicSpec, ...] = TOPICS + DEAD_LETTER_TOPICS + OPERATIONS_TOPICS


#: Who writes and reads the versioned topics: the analysts' reprocessing (dev/reprocess/).
REPROCESS = "ib reprocess"
#: The topics ``ib reprocess --into-version N`` writes anew as ``<topic>.v<N>``: the per-segment
#: metrics it recomputes on the way, the answers when it reads them again, and the analyses. A
#: family, not entries: each version is created on demand with its live topic's settings, so
#: none is in the Strimzi manifests.
REPROCESSED_TOPICS: tuple[TopicSpec, ...] = (SEGMENT_METRICS, ANSWER_ANALYSIS, ANALYSIS_COMPLETED)


def versioned_topic(spec: TopicSpec, version: int) -> TopicSpec:
    """``spec``'s topic of reprocessing version ``version`` (2 and up: the live topic is 1)."""
    if spec not in REPROCESSED_TOPICS:
        raise KeyError(f"{spec.name} is not reprocessed into versions")
    if version < 2:
        raise ValueError(f"a version is 2 or more (the live topics are version 1), not {version}")
    return TopicSpec(
        name=f"{spec.name}.v{version}",
        key=spec.key,
        value_schema=spec.value_schema,
        producers=(REPROCESS,),
        consumers=(REPROCESS,),
        partitions=spec.partitions,
        cleanup_policy=spec.cleanup_policy,
        retention_ms=spec.retention_ms,
        description=f"{spec.name} recomputed by `ib reprocess --into-version {version}`.",
        has_dead_letters=False,
        config=dict(spec.config),
    )


def versioned_by_name(name: str) -> TopicSpec | None:
    """The versioned topic a name (without prefix) spells, e.g. ``analysis.completed.v2``; or None."""
    base, dot_v, version = name.rpartition(".v")
    if not dot_v or not version.isdigit() or int(version) < 2:
        return None
    for spec in REPROCESSED_TOPICS:
        if spec.name == base:
            return versioned_topic(spec, int(version))
    return None


def by_name(name: str) -> TopicSpec:
    """The catalog entry for a topic name (without prefix), a versioned one's included."""
    for spec in ALL_TOPICS:
        if spec.name == name:
            return spec
    versioned = versioned_by_name(name)
    if versioned is not None:
        return versioned
    raise KeyError(f"no topic {name!r} in the catalog")
