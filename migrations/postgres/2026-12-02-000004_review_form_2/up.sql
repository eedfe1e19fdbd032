-- The review form is versioned (domain::review_form): every review stored so far was opened
-- with the first form and keeps it; new reviews are opened with leder-form-2, which adds the
-- five answers the national reports analyse (coroner, DoLS, care package, out-of-area
-- placement, COVID-19 vaccination).
ALTER TABLE reviews ADD COLUMN form_version TEXT NOT NULL DEFAULT 'leder-form-1';
