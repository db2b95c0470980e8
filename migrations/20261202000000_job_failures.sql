-- A job that can never be carried out (its stored template no longer reads, its target is gone)
-- is marked `failed` with the reason here, shown to coordinators, and never blocks another job.
-- Statuses are TEXT: 'failed' joins pending, fanned, missed and withdrawn.
ALTER TABLE jobs ADD COLUMN last_error TEXT;
