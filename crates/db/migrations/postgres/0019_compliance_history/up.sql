-- The region's compliance score, one row a day (the day's last reading): its trend on the
-- leaders' overview.
CREATE TABLE compliance_history (
    day DATE NOT NULL PRIMARY KEY,
    score INTEGER NOT NULL,
    checked INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
