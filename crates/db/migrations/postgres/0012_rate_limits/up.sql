-- Rate limits against guessing, counted here so that every instance sees the same counts.
-- The key is a hash of the limit's name and what it counts (an address, an account, a client):
-- bounded in size, and typed logins are never stored.
CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY NOT NULL,
    window_start TIMESTAMP NOT NULL,
    hits INTEGER NOT NULL
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);
