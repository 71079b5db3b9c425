-- What the OCR read in each copy's header, and the suggestions made from it.

CREATE TABLE copy_readings (
    copy_id BIGINT PRIMARY KEY REFERENCES copies (id) ON DELETE CASCADE,
    last_name TEXT NOT NULL DEFAULT '',
    first_name TEXT NOT NULL DEFAULT '',
    birth_date TEXT,
    date_digits TEXT NOT NULL DEFAULT '',
    number TEXT NOT NULL DEFAULT '',
    boxes BOOLEAN NOT NULL DEFAULT FALSE,
    candidates TEXT NOT NULL DEFAULT '[]',
    read_at BIGINT NOT NULL
);
CREATE INDEX copies_exam_student_idx ON copies (exam_id, student_id);
