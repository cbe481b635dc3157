-- SPEC D7: sender images are kept within a total budget, least recently
-- used first (used_at: when a message last showed it; bytes: its size as
-- stored), and a fetch that failed for a passing reason is tried again a
-- few times (attempts, next_try_at).
ALTER TABLE remote_media ADD COLUMN bytes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE remote_media ADD COLUMN used_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE remote_media ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE remote_media ADD COLUMN next_try_at BIGINT NOT NULL DEFAULT 0;
UPDATE remote_media SET used_at = created_at, bytes = COALESCE(LENGTH(data), 0);
CREATE INDEX remote_media_by_use ON remote_media (used_at);
-- Delivered and failed rows are deleted after their retention period.
CREATE INDEX webhook_deliveries_by_age ON webhook_deliveries (status, updated_at);
