-- Students, exam details, the classes an exam concerns, and its marking scheme.

CREATE TABLE students (
    id INTEGER PRIMARY KEY,
    last_name TEXT NOT NULL,
    first_name TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    class_name TEXT,
    group_name TEXT,
    email TEXT,
    ine TEXT,
    identity_key TEXT NOT NULL UNIQUE,
    search_text TEXT NOT NULL DEFAULT '',
    user_id BIGINT UNIQUE REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX students_name_idx ON students (last_name, first_name, id);
CREATE INDEX students_class_name_idx ON students (class_name, last_name, first_name, id);
CREATE INDEX students_group_idx ON students (group_name, last_name, first_name, id);
CREATE INDEX students_birth_idx ON students (birth_date);
CREATE UNIQUE INDEX students_ine_idx ON students (ine) WHERE ine IS NOT NULL;

ALTER TABLE exams ADD COLUMN subject TEXT NOT NULL DEFAULT '';
ALTER TABLE exams ADD COLUMN exam_date TEXT;
ALTER TABLE exams ADD COLUMN layout TEXT NOT NULL DEFAULT 'a4:4';
ALTER TABLE exams ADD COLUMN grade_scale BIGINT NOT NULL DEFAULT 20;
ALTER TABLE exams ADD COLUMN coefficient_tenths BIGINT NOT NULL DEFAULT 10;
ALTER TABLE exams ADD COLUMN scheme TEXT NOT NULL DEFAULT '{"nodes":[]}';
ALTER TABLE exams ADD COLUMN scheme_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE exams ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
CREATE INDEX exams_archived_idx ON exams (archived_at, created_at);
CREATE INDEX exams_date_idx ON exams (exam_date);
CREATE INDEX exams_name_idx ON exams (name);

CREATE TABLE exam_classes (
    exam_id BIGINT NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
    class_name TEXT NOT NULL,
    PRIMARY KEY (exam_id, class_name)
);
CREATE INDEX exam_classes_class_idx ON exam_classes (class_name, exam_id);

-- A roster import: the uploaded file, its rejected rows (known at parse time), and its
-- progress, applied by a background job in chunks so that a resumed job skips what is done.
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    file_key TEXT NOT NULL,
    file_name TEXT NOT NULL DEFAULT '',
    actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    rows_total BIGINT NOT NULL DEFAULT 0,
    rows_done BIGINT NOT NULL DEFAULT 0,
    imported BIGINT NOT NULL DEFAULT 0,
    updated BIGINT NOT NULL DEFAULT 0,
    unchanged BIGINT NOT NULL DEFAULT 0,
    rejected TEXT NOT NULL DEFAULT '[]',
    error TEXT,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX imports_created_idx ON imports (created_at);

-- One-time activation codes of student accounts (only their SHA-256 is kept).
CREATE TABLE activation_codes (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
