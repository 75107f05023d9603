-- Background work (imports today; monitors, overdue checks and backups later), recorded and
-- claimed here so that any instance can run it, any instance can show its progress, and a
-- restart requeues or fails it rather than losing it.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    owner TEXT NOT NULL,
    title TEXT NOT NULL,
    done_href TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    total BIGINT NOT NULL,
    done BIGINT NOT NULL,
    outcome TEXT,
    attempts INTEGER NOT NULL,
    claimed_by TEXT,
    heartbeat_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX jobs_state ON jobs (state, created_at);
