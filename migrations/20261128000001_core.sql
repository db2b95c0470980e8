-- The core of the program: intakes, participants, their roles per intake, pairs and coordinators.
-- One portable schema for SQLite and PostgreSQL (ARCHITECTURE decision 4): ids are TEXT made by the
-- application, instants are BIGINT UTC milliseconds, dates are TEXT 'YYYY-MM-DD', states are TEXT.

CREATE TABLE intakes (
    id                   TEXT PRIMARY KEY,
    name                 TEXT NOT NULL,
    -- lower(name), so "2027 February" and "2027 february" cannot both exist
    name_key             TEXT NOT NULL UNIQUE,
    zone                 TEXT NOT NULL,
    starts_on            TEXT,
    ends_on              TEXT,
    status               TEXT NOT NULL DEFAULT 'active',
    announcement_channel TEXT,
    created_at           BIGINT NOT NULL
);

CREATE TABLE participants (
    id              TEXT PRIMARY KEY,
    display_name    TEXT NOT NULL,
    slack_user_id   TEXT UNIQUE,
    discord_user_id TEXT UNIQUE,
    console_name    TEXT UNIQUE,
    email           TEXT,
    zone            TEXT,
    city            TEXT,
    paused_since    BIGINT,
    paused_until    TEXT,
    created_at      BIGINT NOT NULL
);

-- A participant's role in one intake. pair_id is the active pair, if any: setting it only where it
-- is NULL is what keeps a person in at most one active pair per intake, even under races.
CREATE TABLE enrolments (
    intake_id      TEXT NOT NULL REFERENCES intakes (id),
    participant_id TEXT NOT NULL REFERENCES participants (id),
    role           TEXT NOT NULL,
    pair_id        TEXT,
    enrolled_at    BIGINT NOT NULL,
    PRIMARY KEY (intake_id, participant_id)
);

CREATE TABLE pairs (
    id         TEXT PRIMARY KEY,
    intake_id  TEXT NOT NULL REFERENCES intakes (id),
    mentor_id  TEXT NOT NULL REFERENCES participants (id),
    mentee_id  TEXT NOT NULL REFERENCES participants (id),
    platform   TEXT NOT NULL,
    -- the pair's private channel or thread on its platform, once made
    space_id   TEXT,
    created_at BIGINT NOT NULL,
    ended_at   BIGINT,
    CHECK (mentor_id <> mentee_id)
);

CREATE INDEX pairs_by_intake ON pairs (intake_id, created_at);
CREATE UNIQUE INDEX pairs_one_active_mentor ON pairs (intake_id, mentor_id) WHERE ended_at IS NULL;
CREATE UNIQUE INDEX pairs_one_active_mentee ON pairs (intake_id, mentee_id) WHERE ended_at IS NULL;

CREATE TABLE coordinators (
    participant_id TEXT PRIMARY KEY REFERENCES participants (id),
    added_at       BIGINT NOT NULL
);

-- Sessions of the monthly webinar series; the calendar features build on this table.
CREATE TABLE webinars (
    id         TEXT PRIMARY KEY,
    -- NULL: for every intake
    intake_id  TEXT REFERENCES intakes (id),
    title      TEXT NOT NULL,
    speakers   TEXT,
    starts_at  BIGINT NOT NULL,
    zone       TEXT NOT NULL,
    join_url   TEXT,
    created_at BIGINT NOT NULL
);

CREATE INDEX webinars_by_start ON webinars (starts_at);
