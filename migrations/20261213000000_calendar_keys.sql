-- Calendar feeds and "Add to calendar" links need a per-person key (`?key=`). A holder is a
-- participant id, or 'operator' for `tandem admin`. Revoking deletes the row; the next link sent
-- to that person makes a new key.
CREATE TABLE calendar_keys (
    holder     TEXT PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

-- Links sent before had no key and stop working: one job (its key makes it once) sends each
-- person who got one a new link by DM. Only where webinar reminders already went out.
INSERT INTO jobs (id, key, kind, target, due_at, status, created_at)
SELECT 'calendar-links-with-keys', 'calendar_links:with-keys', 'calendar_links', 'all',
       (SELECT COALESCE(MAX(d.sent_at), 0) FROM deliveries d),
       'pending',
       (SELECT COALESCE(MAX(d.sent_at), 0) FROM deliveries d)
WHERE EXISTS (
    SELECT 1 FROM deliveries d JOIN jobs j ON j.id = d.job_id
    WHERE j.kind = 'webinar_reminder' AND d.status = 'sent'
);
