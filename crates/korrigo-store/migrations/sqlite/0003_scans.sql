-- Scan batches (one uploaded file each), their pages, and the copies the pages are grouped into.

CREATE TABLE scan_batches (
    id INTEGER PRIMARY KEY,
    exam_id BIGINT NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    size BIGINT NOT NULL,
    received BIGINT NOT NULL DEFAULT 0,
    sha256 TEXT,
    store_key TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('uploading', 'queued', 'processing', 'duplicate', 'done', 'failed')),
    grouping TEXT NOT NULL CHECK (grouping IN ('fixed', 'headers', 'loose')),
    duplicate_of BIGINT,
    allow_duplicate BOOLEAN NOT NULL DEFAULT FALSE,
    pages_total BIGINT NOT NULL DEFAULT 0,
    pages_done BIGINT NOT NULL DEFAULT 0,
    copies_made BIGINT NOT NULL DEFAULT 0,
    pages_flagged BIGINT NOT NULL DEFAULT 0,
    error TEXT,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX scan_batches_exam_idx ON scan_batches (exam_id, created_at);
CREATE INDEX scan_batches_sha_idx ON scan_batches (exam_id, sha256);

CREATE TABLE copies (
    id INTEGER PRIMARY KEY,
    exam_id BIGINT NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    status TEXT NOT NULL,
    batch_id BIGINT REFERENCES scan_batches (id) ON DELETE SET NULL,
    student_id BIGINT REFERENCES students (id) ON DELETE SET NULL,
    id_method TEXT,
    id_confidence DOUBLE PRECISION,
    id_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    corrector_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (exam_id, code)
);
CREATE INDEX copies_exam_status_idx ON copies (exam_id, status, id);
CREATE INDEX copies_corrector_idx ON copies (corrector_id, status);
CREATE INDEX copies_student_idx ON copies (student_id);

CREATE TABLE pages (
    id INTEGER PRIMARY KEY,
    exam_id BIGINT NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
    batch_id BIGINT NOT NULL REFERENCES scan_batches (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    order_key BIGINT NOT NULL,
    copy_id BIGINT REFERENCES copies (id) ON DELETE SET NULL,
    position BIGINT NOT NULL DEFAULT 0,
    source_file TEXT NOT NULL,
    source_page BIGINT NOT NULL,
    half TEXT,
    rotation BIGINT NOT NULL DEFAULT 0,
    has_header BOOLEAN NOT NULL DEFAULT FALSE,
    blank BOOLEAN NOT NULL DEFAULT FALSE,
    unsure BOOLEAN NOT NULL DEFAULT FALSE,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    viewer_key TEXT NOT NULL,
    thumb_key TEXT NOT NULL,
    header_key TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (batch_id, seq)
);
CREATE INDEX pages_copy_idx ON pages (copy_id, position);
CREATE INDEX pages_exam_idx ON pages (exam_id, copy_id);
