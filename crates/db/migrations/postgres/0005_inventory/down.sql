DROP TABLE application_servers;
DROP TABLE servers;
DROP TABLE devices;
DROP TABLE vendors;
