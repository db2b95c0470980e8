-- How many of a delivery's attempts failed with an error worth retrying. `attempts` counts claims,
-- and a claim cut short by a crash is no failure: retries and their back-off go by this instead.
ALTER TABLE deliveries ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
