ALTER TABLE data_columns DROP COLUMN is_indexed;
