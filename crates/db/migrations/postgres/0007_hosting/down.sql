DROP TABLE hosting_requests;
