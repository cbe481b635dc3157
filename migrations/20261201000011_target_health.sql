-- SPEC E6: a rotated signing secret keeps signing next to the new one for
-- 24 h; a target that keeps failing is switched off.
ALTER TABLE webhook_targets ADD COLUMN previous_signing_secret TEXT;   -- sealed
ALTER TABLE webhook_targets ADD COLUMN previous_secret_until BIGINT;
ALTER TABLE webhook_targets ADD COLUMN failing_since BIGINT;           -- first failure since the last success
ALTER TABLE webhook_targets ADD COLUMN failures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE webhook_targets ADD COLUMN disabled_at BIGINT;             -- switched off by health, not by hand
