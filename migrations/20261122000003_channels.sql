-- Team channels (SPEC W4) and their incoming webhooks (SPEC C1–C5).
CREATE TABLE channels (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE channel_members (
    channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,                 -- member or manager
    created_at BIGINT NOT NULL,
    PRIMARY KEY (channel_id, user_id)
);

-- Author name and image are copied at posting time: a webhook's message
-- keeps the name it was posted under after a rename.
CREATE TABLE channel_messages (
    id TEXT PRIMARY KEY,
    channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    user_id TEXT,                       -- the human author, if any
    author_role TEXT NOT NULL,          -- user, admin or webhook
    author_name TEXT NOT NULL,
    author_image TEXT,
    webhook_id TEXT,
    content TEXT NOT NULL,
    meta TEXT NOT NULL,                 -- JSON
    created_at BIGINT NOT NULL
);
CREATE INDEX channel_messages_by_time ON channel_messages (channel_id, created_at);

-- The token itself is never stored: a SHA-256 for checking and a copy
-- encrypted with WEBUI_SECRET_KEY so managers can copy the URL again.
CREATE TABLE channel_webhooks (
    id TEXT PRIMARY KEY,
    channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    user_id TEXT,
    name TEXT NOT NULL,
    profile_image_url TEXT,
    token_hash TEXT NOT NULL,
    token_sealed TEXT NOT NULL,
    last_used_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX channel_webhooks_channel ON channel_webhooks (channel_id);

-- Uploaded images (webhook avatars), base64 so both databases store them alike.
CREATE TABLE uploads (
    id TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    data TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL
);
