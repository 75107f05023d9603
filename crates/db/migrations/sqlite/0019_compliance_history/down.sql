DROP TABLE compliance_history;
