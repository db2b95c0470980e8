-- Who did what among the program's sensitive acts (issue 13): exporting a survey, opening its
-- results, adding or removing a coordinator, forgetting someone. Read with `/mentoring audit`.
-- Only who (a participant id, or 'operator'), the act, what it concerned (a survey id, a
-- participant id) and when: never an answer or a note.
CREATE TABLE audit_log (
    id      TEXT PRIMARY KEY,
    at      BIGINT NOT NULL,
    actor   TEXT NOT NULL,
    -- survey_export, survey_results, coordinator_add, coordinator_remove, forget
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    -- the export's format, when there is one
    detail  TEXT
);

CREATE INDEX audit_log_by_time ON audit_log (at);
