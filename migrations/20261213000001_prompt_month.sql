-- The month a check-in prompt asks about, fixed when its job fans out: the prompt's buttons
-- answer this month and no other, whatever a button's value names. NULL for prompts fanned out
-- before; those fall back to their job's due time in the intake's zone.
ALTER TABLE deliveries ADD COLUMN month TEXT;
