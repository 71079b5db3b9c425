//! Korrigo's media: documents it writes (activation slips now; final annotated PDFs later) and,
//! later, the untrusted scans it parses (PDF, images, OCR), always off the request path.

pub mod slips;
