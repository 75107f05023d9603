-- The facilities every special application's developer must provide its users (KT 16.5):
-- correcting, cancelling a command, confirming or re-confirming, and choosing whether to be
-- shown offers of contracts or advertisements.
ALTER TABLE applications ADD COLUMN feature_correction BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE applications ADD COLUMN feature_cancel BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE applications ADD COLUMN feature_confirmation BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE applications ADD COLUMN feature_offer_choice BOOLEAN NOT NULL DEFAULT FALSE;
