-- Every outgoing webhook request Parley owes someone (SPEC D1–D5). Rows are
-- written in the same transaction as the change that caused them.
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,               -- also the webhook-id header
    target TEXT NOT NULL,              -- 'admin' or 'user'
    owner_id TEXT,                     -- the user, for user targets
    event TEXT NOT NULL,               -- new_user, chat_response, test
    url TEXT NOT NULL,
    payload TEXT NOT NULL,             -- the exact body sent on every attempt
    status TEXT NOT NULL,              -- pending, delivering, delivered, retrying, failed
    attempts BIGINT NOT NULL,
    next_attempt_at BIGINT,
    locked_until BIGINT,
    last_status_code BIGINT,
    last_latency_ms BIGINT,
    last_error TEXT,
    response_excerpt TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_target ON webhook_deliveries (target, owner_id, created_at);
