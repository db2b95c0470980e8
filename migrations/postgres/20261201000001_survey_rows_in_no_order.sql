-- PostgreSQL only (the SQLite twin is in migrations/sqlite/). Responses get random ids in place
-- of time-ordered ones, and closed anonymous surveys lose their answer tokens (made with keys
-- that were too easy to guess). Both survey tables are written again in the order of the new
-- ids, in one transaction, so neither their physical order (ctid) nor the transaction that wrote
-- each row (xmin) follows the order people answered in.
CREATE TABLE survey_response_ids AS
SELECT r.id AS old_id,
       replace(gen_random_uuid()::text, '-', '') AS new_id,
       (s.privacy = 'anonymous' AND s.status = 'closed') AS forget
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
);

INSERT INTO survey_responses_new (id, survey_id, respondent, role)
SELECT m.new_id, r.survey_id, CASE WHEN m.forget THEN m.new_id ELSE r.respondent END, r.role
FROM survey_responses r JOIN survey_response_ids m ON m.old_id = r.id
ORDER BY m.new_id;

CREATE TABLE survey_answers_new (
    response_id TEXT NOT NULL REFERENCES survey_responses_new (id),
    question    TEXT NOT NULL,
    answer      TEXT NOT NULL,
    PRIMARY KEY (response_id, question)
);

INSERT INTO survey_answers_new (response_id, question, answer)
SELECT m.new_id, a.question, a.answer
FROM survey_answers a JOIN survey_response_ids m ON m.old_id = a.response_id
ORDER BY m.new_id, a.question;

DROP TABLE survey_answers;
DROP TABLE survey_responses;
ALTER TABLE survey_responses_new RENAME TO survey_responses;
ALTER TABLE survey_answers_new RENAME TO survey_answers;
ALTER TABLE survey_responses RENAME CONSTRAINT survey_responses_new_pkey TO survey_responses_pkey;
ALTER TABLE survey_responses
    RENAME CONSTRAINT survey_responses_new_survey_id_respondent_key
    TO survey_responses_survey_id_respondent_key;
ALTER TABLE survey_responses
    RENAME CONSTRAINT survey_responses_new_survey_id_fkey TO survey_responses_survey_id_fkey;
ALTER TABLE survey_answers RENAME CONSTRAINT survey_answers_new_pkey TO survey_answers_pkey;
ALTER TABLE survey_answers
    RENAME CONSTRAINT survey_answers_new_response_id_fkey TO survey_answers_response_id_fkey;
DROP TABLE survey_response_ids;
