-- Final PDFs: where a graded copy's annotated PDF is kept (NULL: none, or invalidated by a
-- reopening), when it was made, and why its last generation failed (shown with a retry).

ALTER TABLE copies ADD COLUMN pdf_key TEXT;
ALTER TABLE copies ADD COLUMN pdf_at BIGINT;
ALTER TABLE copies ADD COLUMN pdf_error TEXT;
