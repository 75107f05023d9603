DROP TABLE application_documents;
DROP TABLE application_events;
DROP TABLE applications;
DROP TABLE master_plan_items;
DROP TABLE master_plans;
