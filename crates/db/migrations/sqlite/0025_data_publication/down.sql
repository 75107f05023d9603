ALTER TABLE data_datasets DROP COLUMN published_at;
ALTER TABLE data_datasets DROP COLUMN published_version;
ALTER TABLE data_versions DROP COLUMN reviewed_by;
ALTER TABLE data_versions DROP COLUMN reviewed_at;
ALTER TABLE data_versions DROP COLUMN review_note;
ALTER TABLE data_versions DROP COLUMN review;
DROP TABLE data_region_codes;
