DROP INDEX audit_events_action;
DROP INDEX audit_events_agency;
DROP INDEX audit_events_at;
