DROP INDEX devices_order;
DROP INDEX applications_status_order;
DROP INDEX applications_lifecycle_order;
DROP INDEX applications_order;
