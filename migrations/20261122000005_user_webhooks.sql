-- A user's own notification webhook (SPEC U2, U5).
CREATE TABLE user_webhooks (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    mode TEXT NOT NULL,                 -- away (default) or always
    updated_at BIGINT NOT NULL
);
