-- SPEC E1 auth.signin_failed: wrong passwords in a row per account, so the
-- event is sent on repeated failures (and its delivery written in the same
-- transaction as the count), whichever instance took the attempts.
ALTER TABLE users ADD COLUMN failed_signins BIGINT NOT NULL DEFAULT 0;
