-- In-app notifications of workflow steps: to an agency's staff, or (no agency) to the Dinas;
-- and when each person last looked.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    agency_id TEXT REFERENCES agencies (id),
    message TEXT NOT NULL,
    args TEXT NOT NULL,
    href TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX notifications_agency ON notifications (agency_id, created_at);
CREATE TABLE notification_reads (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id),
    seen_at TIMESTAMP NOT NULL
);
