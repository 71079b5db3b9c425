-- The date row of the header read one box at a time: per box, how likely each digit is
-- (JSON array of arrays of ten numbers; `[]` for readings made before).

ALTER TABLE copy_readings ADD COLUMN date_boxes TEXT NOT NULL DEFAULT '[]';
