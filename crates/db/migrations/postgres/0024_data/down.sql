DROP TABLE data_versions;
DROP TABLE data_indicators;
DROP TABLE data_columns;
DROP TABLE data_datasets;
