-- Harmonisation: an adjustment of one corrector's final grades in an exam (an offset, or a
-- linear map through two anchors), in hundredths of a point on the exam's scale. At most one
-- is in force per corrector and exam; removing one keeps its row (removed_at, removed_by) so
-- that the journal and the corrector can still see what was applied and undone.

CREATE TABLE adjustments (
    id INTEGER PRIMARY KEY,
    exam_id BIGINT NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
    corrector_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('offset', 'linear')),
    offset_hundredths BIGINT,
    from_low BIGINT,
    to_low BIGINT,
    from_high BIGINT,
    to_high BIGINT,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    removed_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    removed_at BIGINT
);
CREATE UNIQUE INDEX adjustments_in_force_idx ON adjustments (exam_id, corrector_id) WHERE removed_at IS NULL;
