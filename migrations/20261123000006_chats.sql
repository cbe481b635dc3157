-- AI chats (SPEC W3). A reply row exists from the moment it is asked for
-- (status 'streaming') and is filled in by the server-side generation task,
-- so a tab opened later — or on another instance — finds it.
CREATE TABLE chats (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    model TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX chats_by_user ON chats (user_id, updated_at);

CREATE TABLE chat_messages (
    id TEXT PRIMARY KEY,
    chat_id TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    role TEXT NOT NULL,                 -- user or assistant
    content TEXT NOT NULL,
    status TEXT NOT NULL,               -- streaming, done or error
    error TEXT,                         -- the model's error, shown in the chat
    model TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX chat_messages_by_chat ON chat_messages (chat_id, created_at);
