-- What the auditor filters the trail by: a period, an agency, an action (whose distinct values
-- the page lists from this index too).
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_agency ON audit_events (agency_id, seq);
CREATE INDEX audit_events_action ON audit_events (action, seq);
