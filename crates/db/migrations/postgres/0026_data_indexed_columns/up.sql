-- A variable the agency marks as often filtered on gets an index in each version's table.
ALTER TABLE data_columns ADD COLUMN is_indexed BOOLEAN NOT NULL DEFAULT FALSE;
