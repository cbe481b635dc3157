-- Signing secret and custom headers for a user's notification webhook
-- (SPEC D4: every outgoing target can have them), sealed with
-- WEBUI_SECRET_KEY like the admin's.
ALTER TABLE user_webhooks ADD COLUMN signing_secret TEXT;
ALTER TABLE user_webhooks ADD COLUMN headers TEXT;
