-- French collation of names: a sort key computed by Korrigo (accents and case folded, hyphens
-- and apostrophes read as spaces; last and first names separated by U+0001), so that É and Ç
-- sort with E and C on both backends. Compared byte by byte ("C"), as SQLite does, whatever
-- the database's locale. Rows written before are keyed when the migration runs.

ALTER TABLE students ADD COLUMN name_key TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN name_key TEXT COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX students_name_key ON students (name_key, id);
CREATE INDEX users_name_key ON users (name_key, id);
