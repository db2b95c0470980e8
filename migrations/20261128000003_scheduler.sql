-- Durable scheduling (ARCHITECTURE decision 3): schedules → jobs → deliveries, and the monthly
-- check-in answers.

-- A cron expression in an IANA zone that sends one kind of thing to one target (an intake).
CREATE TABLE schedules (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    target     TEXT NOT NULL,
    cron       TEXT NOT NULL,
    zone       TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'on',
    -- occurrences up to this instant have been turned into jobs; the next run starts after it
    cursor_at  BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (kind, target)
);

-- One thing to send at one instant: a schedule's occurrence (key "SCHEDULE@MILLIS") or a one-off
-- such as a help alert (key "help:PAIR:MONTH"). The unique key is what makes every occurrence
-- a single job however many instances materialise it.
CREATE TABLE jobs (
    id          TEXT PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    target      TEXT NOT NULL,
    schedule_id TEXT REFERENCES schedules (id),
    due_at      BIGINT NOT NULL,
    -- pending: recipients not yet listed; fanned: deliveries exist; missed: too late to send
    status      TEXT NOT NULL DEFAULT 'pending',
    created_at  BIGINT NOT NULL
);

CREATE INDEX jobs_pending ON jobs (status, due_at);

-- One recipient of one job, claimed by a worker holding a lease, sent once.
CREATE TABLE deliveries (
    id          TEXT PRIMARY KEY,
    job_id      TEXT NOT NULL REFERENCES jobs (id),
    -- a pair id (check-ins) or a participant id (alerts)
    recipient   TEXT NOT NULL,
    -- pending, sent, failed (permanent, or out of attempts), skipped (paused, ended)
    status      TEXT NOT NULL DEFAULT 'pending',
    attempts    BIGINT NOT NULL DEFAULT 0,
    not_before  BIGINT NOT NULL,
    lease_owner TEXT,
    lease_until BIGINT,
    channel_id  TEXT,
    message_id  TEXT,
    last_error  TEXT,
    sent_at     BIGINT,
    created_at  BIGINT NOT NULL,
    UNIQUE (job_id, recipient)
);

CREATE INDEX deliveries_due ON deliveries (status, not_before);

-- A pair's answer to the check-in of one month ('YYYY-MM' in the intake's zone). Where the
-- month's prompt was posted is the sent delivery of that month's check-in job.
CREATE TABLE checkins (
    pair_id     TEXT NOT NULL REFERENCES pairs (id),
    month       TEXT NOT NULL,
    answer      TEXT NOT NULL,
    note        TEXT,
    answered_by TEXT NOT NULL REFERENCES participants (id),
    answered_at BIGINT NOT NULL,
    PRIMARY KEY (pair_id, month)
);
