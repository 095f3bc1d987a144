"""The sinks' upserts: one statement per event kind, keyed by the event's natural key.

Each is idempotent, so a replayed or redelivered event rewrites its row instead of adding one.
None brings back a deleted interview: the interview's own row is only updated while
``deleted_at`` is null, and the rows that hang off it are skipped by a trigger (migration 0008).
"""

UPSERT_SEGMENT = """
INSERT INTO transcript_segments
    (interview_id, seq, user_id, "start", "end", text, words, confidence, speaker, final)
VALUES (%(interview_id)s, %(seq)s, %(user_id)s, %(start)s, %(end)s, %(text)s, %(words)s,
        %(confidence)s, %(speaker)s, %(final)s)
ON CONFLICT (interview_id, seq) DO UPDATE SET
    user_id = EXCLUDED.user_id, "start" = EXCLUDED."start", "end" = EXCLUDED."end",
    text = EXCLUDED.text, words = EXCLUDED.words, confidence = EXCLUDED.confidence,
    speaker = EXCLUDED.speaker, final = EXCLUDED.final
"""

UPSERT_METRICS = """
INSERT INTO segment_metrics
    (interview_id, seq, user_id, "start", "end", word_count, speaking_seconds, words_per_minute,
     filler_words, filler_total, filler_events, pauses, pause_count, long_pause_count, clarity,
     audio_duration, final)
VALUES (%(interview_id)s, %(seq)s, %(user_id)s, %(start)s, %(end)s, %(word_count)s,
        %(speaking_seconds)s, %(words_per_minute)s, %(filler_words)s, %(filler_total)s,
        %(filler_events)s, %(pauses)s, %(pause_count)s, %(long_pause_count)s, %(clarity)s,
        %(audio_duration)s, %(final)s)
ON CONFLICT (interview_id, seq) DO UPDATE SET
    user_id = EXCLUDED.user_id, "start" = EXCLUDED."start", "end" = EXCLUDED."end",
    word_count = EXCLUDED.word_count, speaking_seconds = EXCLUDED.speaking_seconds,
    words_per_minute = EXCLUDED.words_per_minute, filler_words = EXCLUDED.filler_words,
    filler_total = EXCLUDED.filler_total, filler_events = EXCLUDED.filler_events,
    pauses = EXCLUDED.pauses, audio_duration = EXCLUDED.audio_duration,
    pause_count = EXCLUDED.pause_count, long_pause_count = EXCLUDED.long_pause_count,
    clarity = EXCLUDED.clarity, final = EXCLUDED.final
"""

# The WHERE makes a late or replayed older state a no-op: the status never goes backwards.
UPSERT_STATE = """
INSERT INTO interview_states
    (interview_id, user_id, status, percent, eta_seconds, audio_duration, segments,
     error_code, error_reason, notice, version, updated_at, run)
VALUES (%(interview_id)s, %(user_id)s, %(status)s, %(percent)s, %(eta_seconds)s,
        %(audio_duration)s, %(segments)s, %(error_code)s, %(error_reason)s, %(notice)s,
        %(version)s, %(updated_at)s, %(run)s)
ON CONFLICT (interview_id) DO UPDATE SET
    user_id = EXCLUDED.user_id, status = EXCLUDED.status, percent = EXCLUDED.percent,
    eta_seconds = EXCLUDED.eta_seconds, audio_duration = EXCLUDED.audio_duration,
    segments = EXCLUDED.segments, error_code = EXCLUDED.error_code,
    error_reason = EXCLUDED.error_reason, notice = EXCLUDED.notice, version = EXCLUDED.version,
    updated_at = EXCLUDED.updated_at, run = EXCLUDED.run
WHERE interview_states.version <= EXCLUDED.version
"""

UPSERT_ANALYSIS = """
INSERT INTO analyses (interview_id, user_id, document, overall_score, completed_at, run)
VALUES (%(interview_id)s, %(user_id)s, %(document)s, %(overall_score)s, %(completed_at)s, %(run)s)
ON CONFLICT (interview_id) DO UPDATE SET
    user_id = EXCLUDED.user_id, document = EXCLUDED.document,
    overall_score = EXCLUDED.overall_score, completed_at = EXCLUDED.completed_at, run = EXCLUDED.run
WHERE analyses.run <= EXCLUDED.run
"""

UPSERT_METADATA = """
INSERT INTO interviews
    (interview_id, user_id, company, job_title, interview_type, notes, job_description,
     prep_session_id, created_at, updated_at, version)
VALUES (%(interview_id)s, %(user_id)s, %(company)s, %(job_title)s, %(interview_type)s,
        %(notes)s, %(job_description)s, %(prep_session_id)s, %(created_at)s, %(updated_at)s, %(version)s)
ON CONFLICT (interview_id) DO UPDATE SET
    company = EXCLUDED.company, job_title = EXCLUDED.job_title,
    interview_type = EXCLUDED.interview_type, notes = EXCLUDED.notes,
    job_description = EXCLUDED.job_description, prep_session_id = EXCLUDED.prep_session_id,
    updated_at = EXCLUDED.updated_at,
    version = greatest(interviews.version, EXCLUDED.version)
WHERE interviews.user_id = EXCLUDED.user_id AND interviews.updated_at <= EXCLUDED.updated_at
  AND interviews.deleted_at IS NULL
"""

UPSERT_UPLOADED = """
INSERT INTO interviews
    (interview_id, user_id, filename, content_type, size_bytes, sha256, blob_uri, uploaded_at,
     created_at, updated_at)
VALUES (%(interview_id)s, %(user_id)s, %(filename)s, %(content_type)s, %(size_bytes)s,
        %(sha256)s, %(blob_uri)s, %(uploaded_at)s, %(uploaded_at)s, %(uploaded_at)s)
ON CONFLICT (interview_id) DO UPDATE SET
    filename = EXCLUDED.filename, content_type = EXCLUDED.content_type,
    size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256, blob_uri = EXCLUDED.blob_uri,
    uploaded_at = EXCLUDED.uploaded_at
WHERE interviews.user_id = EXCLUDED.user_id AND interviews.deleted_at IS NULL
"""
