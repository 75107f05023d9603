DROP TABLE example_entries;
