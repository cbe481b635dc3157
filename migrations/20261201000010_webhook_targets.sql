-- SPEC E2, E3: every outgoing webhook target in one table. Admin (instance)
-- targets have no owner; a user's notification targets belong to them.
-- The seed's two fields become the default targets: the admin's "Webhook
-- URL" (id `admin-default`) and each user's "Notification Webhook"
-- (id `user-default-<user id>`).
CREATE TABLE webhook_targets (
    id TEXT PRIMARY KEY,
    owner_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    url TEXT,                           -- NULL: the admin default not saved yet (WEBHOOK_URL applies)
    enabled BIGINT NOT NULL DEFAULT 1,
    events TEXT NOT NULL,               -- JSON array of filters: "*", "channel.*", "user.created"
    mode TEXT NOT NULL DEFAULT 'always', -- user targets: away or always
    is_default BIGINT NOT NULL DEFAULT 0,
    signing_secret TEXT,                -- sealed with WEBUI_SECRET_KEY
    headers TEXT,                       -- sealed JSON [[name, value], …]
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX webhook_targets_owner ON webhook_targets (owner_id);

-- Today's admin webhook: its saved URL (an empty one means "off"), secret
-- and headers, already sealed.
INSERT INTO webhook_targets (id, owner_id, name, url, enabled, events, mode, is_default,
                             signing_secret, headers, created_at, updated_at)
SELECT 'admin-default', NULL, 'Default',
       (SELECT value FROM config WHERE key = 'webhook.url'),
       1, '["user.created"]', 'always', 1,
       (SELECT value FROM config WHERE key = 'webhook.signing_secret'),
       (SELECT value FROM config WHERE key = 'webhook.headers'),
       0, 0;
DELETE FROM config WHERE key IN ('webhook.url', 'webhook.signing_secret', 'webhook.headers');

-- Each user's notification webhook.
INSERT INTO webhook_targets (id, owner_id, name, url, enabled, events, mode, is_default,
                             signing_secret, headers, created_at, updated_at)
SELECT 'user-default-' || user_id, user_id, 'Default', url, 1, '["chat.finished"]', mode, 1,
       signing_secret, headers, updated_at, updated_at
FROM user_webhooks;
DROP TABLE user_webhooks;

-- Which target a delivery goes to (its secret, headers and log).
ALTER TABLE webhook_deliveries ADD COLUMN target_id TEXT;
UPDATE webhook_deliveries SET target_id = 'admin-default' WHERE target = 'admin';
UPDATE webhook_deliveries SET target_id = 'user-default-' || owner_id WHERE target = 'user';
