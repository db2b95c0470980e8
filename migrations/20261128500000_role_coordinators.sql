-- People who hold the platform's coordinator role (DISCORD_COORDINATOR_ROLE_ID), as last seen
-- using Tandem. They coordinate through the role rather than the `coordinators` table, so they
-- are kept apart (losing the role ends it) and only for what needs a list: help alerts.
CREATE TABLE role_coordinators (
    participant_id TEXT PRIMARY KEY REFERENCES participants (id),
    seen_at        BIGINT NOT NULL
);
