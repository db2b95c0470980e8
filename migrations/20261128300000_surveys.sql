-- Surveys (issue 7): a template opened for an intake, each person's response and its answers.
-- In an anonymous survey, survey_responses.respondent is a keyed hash (HMAC-SHA256 with the
-- survey's own secret) instead of a participant id: it stops anyone answering twice without
-- saying who answered. The secret is wiped when the survey closes, so afterwards not even the
-- database can link a response to a person.

CREATE TABLE surveys (
    id            TEXT PRIMARY KEY,
    -- the template's name, to compare intakes that ran the same one
    template      TEXT NOT NULL,
    -- the template as it was opened, so later edits never change a running survey
    template_toml TEXT NOT NULL,
    intake_id     TEXT NOT NULL REFERENCES intakes (id),
    -- 'named' or 'anonymous'
    privacy       TEXT NOT NULL DEFAULT 'named',
    secret        TEXT NOT NULL DEFAULT '',
    -- 'open' or 'closed'
    status        TEXT NOT NULL DEFAULT 'open',
    closes_at     BIGINT,
    opened_at     BIGINT NOT NULL,
    closed_at     BIGINT
);

CREATE INDEX surveys_by_intake ON surveys (intake_id, opened_at);

CREATE TABLE survey_responses (
    id         TEXT PRIMARY KEY,
    survey_id  TEXT NOT NULL REFERENCES surveys (id),
    -- a participant id (named) or a keyed hash (anonymous)
    respondent TEXT NOT NULL,
    -- 'mentor' or 'mentee', for the figures by role
    role       TEXT NOT NULL,
    UNIQUE (survey_id, respondent)
);

CREATE TABLE survey_answers (
    response_id TEXT NOT NULL REFERENCES survey_responses (id),
    question    TEXT NOT NULL,
    answer      TEXT NOT NULL,
    PRIMARY KEY (response_id, question)
);
