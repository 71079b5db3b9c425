-- Releasing results to students: an exam is released (when, by whom) and each copy released
-- with it carries its own date, so that releasing "only the ready copies" leaves the others
-- out, and a copy reopened after the release is hidden until it is released again.

ALTER TABLE exams ADD COLUMN released_at BIGINT;
ALTER TABLE exams ADD COLUMN released_by BIGINT REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE copies ADD COLUMN released_at BIGINT;
CREATE INDEX copies_student_released_idx ON copies (student_id, released_at);
