-- SQLite only (the PostgreSQL twin is in migrations/postgres/). Responses get random ids in place
-- of time-ordered ones, closed anonymous surveys lose their answer tokens (made with keys that
-- were too easy to guess), and both survey tables are rebuilt WITHOUT ROWID, so rows are kept in
-- the order of their random keys and no rowid remembers the order people answered in.
CREATE TABLE survey_response_ids AS
SELECT r.id AS old_id,
       lower(hex(randomblob(16))) AS new_id,
       CASE WHEN s.privacy = 'anonymous' AND s.status = 'closed' THEN 1 ELSE 0 END AS forget
FROM survey_responses r JOIN surveys s ON s.id = r.survey_id;

CREATE TABLE survey_responses_new (
    id         TEXT PRIMARY KEY,
    survey_id  TEXT NOT NULL REFERENCES surveys (id),
    -- a participant id (named), a keyed token (anonymous and open), the row's own id (anonymous
    -- and closed)
    respondent TEXT NOT NULL,
    -- 'mentor' or 'mentee', for the figures by role
    role       TEXT NOT NULL,
    UNIQUE (survey_id, respondent)
) WITHOUT ROWID;

INSERT INTO survey_responses_new (id, survey_id, respondent, role)
SELECT m.new_id, r.survey_id, CASE WHEN m.forget = 1 THEN m.new_id ELSE r.respondent END, r.role
FROM survey_responses r JOIN survey_response_ids m ON m.old_id = r.id;

CREATE TABLE survey_answers_new (
    response_id TEXT NOT NULL REFERENCES survey_responses_new (id),
    question    TEXT NOT NULL,
    answer      TEXT NOT NULL,
    PRIMARY KEY (response_id, question)
) WITHOUT ROWID;

INSERT INTO survey_answers_new (response_id, question, answer)
SELECT m.new_id, a.question, a.answer
FROM survey_answers a JOIN survey_response_ids m ON m.old_id = a.response_id;

DROP TABLE survey_answers;
DROP TABLE survey_responses;
-- Renaming also points survey_answers' foreign key at the new name.
ALTER TABLE survey_responses_new RENAME TO survey_responses;
ALTER TABLE survey_answers_new RENAME TO survey_answers;
DROP TABLE survey_response_ids;
