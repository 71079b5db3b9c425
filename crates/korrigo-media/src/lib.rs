//! Korrigo's media: documents it writes (activation slips, final annotated PDFs) and the
//! untrusted scans it parses (PDF, images, OCR of the name header), always off the request
//! path.

pub use image;

pub mod bundle;
pub mod corpus;
pub mod digits;
pub mod final_pdf;
pub mod gradebook;
pub mod labels;
pub mod mnist;
pub mod ocr;
pub mod pdf;
pub mod pdf_text;
pub mod raster;
pub mod scan;
pub mod slips;
pub mod synth;

/// A short random suffix for temporary names.
pub(crate) fn random_suffix() -> String {
    use rand::Rng;
    format!("{:016x}", rand::rng().random::<u64>())
}
