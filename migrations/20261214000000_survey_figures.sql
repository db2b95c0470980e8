-- Retention (TANDEM_RETENTION_MONTHS): a closed survey's figures are kept here, as JSON, before
-- its answers are deleted, so its results still show once the answers are gone. NULL until then.
ALTER TABLE surveys ADD COLUMN figures TEXT;
