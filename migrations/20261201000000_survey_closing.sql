-- Surveys that no answer can be traced back from (issue 12), the part both databases share.
-- Every open survey with a closing time gets the `survey_close` job that closes it then and
-- erases its key (one already past its time closes at the scheduler's next run).
INSERT INTO jobs (id, key, kind, target, schedule_id, due_at, status, created_at)
SELECT 'survey_close:' || id, 'survey_close:' || id, 'survey_close', id, NULL, closes_at,
       'pending', opened_at
FROM surveys
WHERE status = 'open' AND closes_at IS NOT NULL
ON CONFLICT (key) DO NOTHING;

-- Whether a survey reminder went out to someone, or was skipped because they had answered,
-- is no longer kept once it is settled.
DELETE FROM deliveries
WHERE status IN ('sent', 'skipped')
  AND job_id IN (SELECT id FROM jobs WHERE kind = 'survey_reminder');
