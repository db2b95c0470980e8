-- The program's calendar (issue 6): webinars get a short number people can type, a state and a
-- recording; participants choose how they get announcements.

-- The number coordinators type (`webinar move 3 …`); ids stay the application's own.
ALTER TABLE webinars ADD COLUMN number BIGINT;
-- scheduled or cancelled; a cancelled session keeps its row so late clicks can be answered.
ALTER TABLE webinars ADD COLUMN status TEXT NOT NULL DEFAULT 'scheduled';
ALTER TABLE webinars ADD COLUMN recording_url TEXT;
-- The series' title for a session of a monthly series (its own title adds the topic); NULL else.
ALTER TABLE webinars ADD COLUMN series TEXT;
CREATE UNIQUE INDEX webinars_by_number ON webinars (number);

-- auto: the intake's announcement channel when it has one, else a DM; dm: always a DM.
ALTER TABLE participants ADD COLUMN announcements TEXT NOT NULL DEFAULT 'auto';

-- Meetups in a city or region (International Mentoring Day, 17 January, is the usual one).
CREATE TABLE meetups (
    id         TEXT PRIMARY KEY,
    number     BIGINT NOT NULL UNIQUE,
    -- NULL: for every intake
    intake_id  TEXT REFERENCES intakes (id),
    title      TEXT NOT NULL,
    city       TEXT NOT NULL,
    venue      TEXT NOT NULL,
    starts_at  BIGINT NOT NULL,
    zone       TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'scheduled',
    created_at BIGINT NOT NULL
);

-- One answer per person and meetup, changed in place: going, maybe or cant.
CREATE TABLE meetup_rsvps (
    meetup_id      TEXT NOT NULL REFERENCES meetups (id),
    participant_id TEXT NOT NULL REFERENCES participants (id),
    answer         TEXT NOT NULL,
    answered_at    BIGINT NOT NULL,
    PRIMARY KEY (meetup_id, participant_id)
);

-- `/mentoring announce`: what to say, to whom, sent now or at due_at by a job.
CREATE TABLE announcements (
    id         TEXT PRIMARY KEY,
    -- NULL: every intake
    intake_id  TEXT REFERENCES intakes (id),
    body       TEXT NOT NULL,
    -- everyone, mentors or mentees
    audience   TEXT NOT NULL,
    due_at     BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Program resources (planning workbook, guidelines, templates…), listed by `/mentoring resources`,
-- linked from each welcome and suggested one a month in the check-in.
CREATE TABLE resources (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    -- lower(name): one resource per name whatever the letter case
    name_key    TEXT NOT NULL UNIQUE,
    url         TEXT NOT NULL,
    description TEXT,
    created_at  BIGINT NOT NULL
);
