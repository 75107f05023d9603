DROP TABLE notification_reads;
DROP TABLE notifications;
