-- The read model: what the gateway serves, projected from the interview topics.
-- Every table carries user_id so that each query can be scoped to the caller.

CREATE TABLE interviews (
    interview_id      text PRIMARY KEY,
    user_id           text        NOT NULL,
    company           text,
    job_title         text,
    interview_type    text,
    notes             text,
    job_description   text,
    -- The recording; null until an upload has completed.
    filename          text,
    content_type      text,
    size_bytes        bigint,
    sha256            text,
    blob_uri          text,
    -- Set while an upload streams in, so a second concurrent upload is refused.
    upload_claimed_at timestamptz,
    uploaded_at       timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    version           bigint      NOT NULL DEFAULT 0
);
CREATE INDEX interviews_user_created_idx ON interviews (user_id, created_at DESC);

CREATE TABLE interview_states (
    interview_id   text PRIMARY KEY,
    user_id        text             NOT NULL,
    status         text             NOT NULL,
    percent        double precision NOT NULL DEFAULT 0,
    eta_seconds    double precision,
    audio_duration double precision,
    segments       integer          NOT NULL DEFAULT 0,
    error_code     text,
    error_reason   text,
    version        bigint           NOT NULL,
    updated_at     timestamptz      NOT NULL
);
CREATE INDEX interview_states_user_idx ON interview_states (user_id);

-- "start" and "end" keep the event field names; "end" is reserved, hence the quotes.
CREATE TABLE transcript_segments (
    interview_id text             NOT NULL,
    seq          integer          NOT NULL,
    user_id      text             NOT NULL,
    "start"      double precision NOT NULL,
    "end"        double precision NOT NULL,
    text         text             NOT NULL,
    words        jsonb            NOT NULL DEFAULT '[]',
    confidence   double precision NOT NULL,
    speaker      text,
    final        boolean          NOT NULL DEFAULT false,
    PRIMARY KEY (interview_id, seq)
);
CREATE INDEX transcript_segments_user_idx ON transcript_segments (user_id);
-- 'simple' keeps filler words ("um", "like") that the english configuration drops as stop words.
CREATE INDEX transcript_segments_text_idx
    ON transcript_segments USING gin (to_tsvector('simple'::regconfig, text));

CREATE TABLE segment_metrics (
    interview_id     text             NOT NULL,
    seq              integer          NOT NULL,
    user_id          text             NOT NULL,
    "start"          double precision NOT NULL,
    "end"            double precision NOT NULL,
    word_count       integer          NOT NULL,
    speaking_seconds double precision NOT NULL,
    words_per_minute double precision NOT NULL,
    filler_words     jsonb            NOT NULL DEFAULT '{}',
    filler_total     integer          NOT NULL,
    pauses           jsonb            NOT NULL DEFAULT '[]',
    pause_count      integer          NOT NULL,
    long_pause_count integer          NOT NULL,
    clarity          double precision NOT NULL,
    final            boolean          NOT NULL DEFAULT false,
    PRIMARY KEY (interview_id, seq)
);
CREATE INDEX segment_metrics_user_idx ON segment_metrics (user_id);

CREATE TABLE analyses (
    interview_id  text PRIMARY KEY,
    user_id       text             NOT NULL,
    document      jsonb            NOT NULL,
    overall_score double precision NOT NULL,
    completed_at  timestamptz      NOT NULL
);
CREATE INDEX analyses_user_idx ON analyses (user_id);
