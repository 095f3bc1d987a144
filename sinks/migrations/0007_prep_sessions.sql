-- Interview prep: sessions with their questions, and every practice answer with its feedback.
-- An interview may be linked to the prep session it was prepared with.
CREATE TABLE prep_sessions (
    prep_session_id text PRIMARY KEY,
    user_id         text        NOT NULL,
    company         text,
    job_title       text,
    interview_type  text,
    job_description text,
    targeted        boolean     NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX prep_sessions_user_idx ON prep_sessions (user_id, created_at DESC);

CREATE TABLE prep_questions (
    prep_session_id text    NOT NULL REFERENCES prep_sessions ON DELETE CASCADE,
    question_id     text    NOT NULL,
    position        integer NOT NULL,
    text            text    NOT NULL,
    kind            text    NOT NULL,
    ai_generated    boolean NOT NULL,
    skill           text,
    why             text,
    PRIMARY KEY (prep_session_id, question_id)
);

CREATE TABLE practice_answers (
    answer_id       text        PRIMARY KEY,
    prep_session_id text        NOT NULL,
    question_id     text        NOT NULL,
    user_id         text        NOT NULL,
    attempt         integer     NOT NULL,
    answer          text        NOT NULL,
    feedback        jsonb       NOT NULL,
    star_score      integer     NOT NULL,
    relevance       integer     NOT NULL,
    confidence      integer     NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (prep_session_id, question_id) REFERENCES prep_questions ON DELETE CASCADE,
    UNIQUE (prep_session_id, question_id, attempt)
);

ALTER TABLE interviews ADD COLUMN prep_session_id text;
