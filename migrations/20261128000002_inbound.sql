-- Inbound requests already handled, so a platform's retry or a replayed request is processed once,
-- also when several instances share the work. Rows older than the platforms' retry windows are
-- pruned.
CREATE TABLE inbound_seen (
    platform TEXT NOT NULL,
    -- a Slack signature or event_id, a Discord interaction id
    key      TEXT NOT NULL,
    seen_at  BIGINT NOT NULL,
    PRIMARY KEY (platform, key)
);

CREATE INDEX inbound_seen_by_time ON inbound_seen (seen_at);
