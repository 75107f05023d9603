ALTER TABLE applications DROP COLUMN feature_offer_choice;
ALTER TABLE applications DROP COLUMN feature_confirmation;
ALTER TABLE applications DROP COLUMN feature_cancel;
ALTER TABLE applications DROP COLUMN feature_correction;
