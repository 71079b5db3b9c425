-- Identification labels: each student may get an opaque token (20 characters, no personal
-- data), printed as a QR code on the self-adhesive labels a manager hands out; a copy whose
-- header carries a readable label records the token it read.

ALTER TABLE students ADD COLUMN label_token TEXT;
CREATE UNIQUE INDEX students_label_token_idx ON students (label_token) WHERE label_token IS NOT NULL;
ALTER TABLE copy_readings ADD COLUMN label TEXT;
