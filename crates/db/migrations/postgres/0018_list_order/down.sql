DROP INDEX devices_order;
DROP INDEX applications_status_order;
DROP INDEX applications_lifecycle_order;
DROP INDEX applications_order;
DROP INDEX IF EXISTS devices_name_search;
DROP INDEX IF EXISTS applications_name_search;
