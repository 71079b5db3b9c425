//! Scanned batches: validation (the [`Plan`]) and page extraction ([`process_source_page`]).
//!
//! A batch is a PDF, a ZIP of PDFs and images, or one JPEG/PNG image. [`Plan::open`] reads its
//! structure without decoding any image and refuses, with a precise message, anything the
//! pipeline could not finish: so a batch is either imported whole or not at all. Processing one
//! source page yields one A4 page (A4 layouts) or two (an A3 sheet split at mid-width), each with
//! its viewer image, thumbnail and, for header pages, the header crop.

mod extract;
mod plan;

pub use extract::{
    Half, PageOut, Readers, SourceOut, a3_sheet_page, process_a3_sheet, process_source_page,
};
pub use plan::{Plan, SourcePage};

use crate::pdf::PdfError;

/// Limits applied while validating a batch.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Pages per file (a ZIP counts the pages of all its entries).
    pub max_pages: usize,
    /// Pixels an image may declare (decompression bombs).
    pub max_pixels: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pages: 5000,
            max_pixels: 60_000_000,
        }
    }
}

/// Why a batch is refused. Each message names the file (and page) and says what to do.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ScanError {
    #[error("{file}: not a PDF, a ZIP or a JPEG/PNG image (the file starts with {start:?})")]
    UnknownFormat { file: String, start: String },
    #[error("{file}: {error}")]
    Pdf { file: String, error: PdfError },
    #[error("{file}: the file has no pages")]
    NoPages { file: String },
    #[error("{file}: {pages} pages is more than the limit of {max} per file; split the file")]
    TooManyPages {
        file: String,
        pages: usize,
        max: usize,
    },
    #[error(
        "{file}, page {page}: the image declares {width} × {height} pixels, more than the limit of {max} (a corrupt or hostile file)"
    )]
    TooManyPixels {
        file: String,
        page: u32,
        width: u32,
        height: u32,
        max: u64,
    },
    #[error("{file}: the ZIP archive cannot be read ({reason})")]
    Zip { file: String, reason: String },
    #[error("{file}: {reason}")]
    Image { file: String, reason: String },
    #[error("{file}, page {page}: {reason}")]
    Page {
        file: String,
        page: u32,
        reason: String,
    },
    #[error("could not read the file: {0}")]
    Io(String),
}

/// The kind of a file, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Zip,
    Jpeg,
    Png,
}

/// Recognizes a file by its magic bytes.
pub fn sniff(head: &[u8]) -> Option<Format> {
    if head.starts_with(b"%PDF-") || head.windows(5).take(1024).any(|w| w == b"%PDF-") {
        Some(Format::Pdf)
    } else if head.starts_with(b"PK\x03\x04") {
        Some(Format::Zip)
    } else if head.starts_with(&[0xff, 0xd8, 0xff]) {
        Some(Format::Jpeg)
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Format::Png)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::plan::natural_cmp;
    use super::*;

    #[test]
    fn a3_sheets_reorder_to_1_2_3_4_upright_or_flipped() {
        use Half::*;
        // Upright: recto [4 | 1], verso [2 | 3].
        assert_eq!(a3_sheet_page(true, Left, false), 4);
        assert_eq!(a3_sheet_page(true, Right, false), 1);
        assert_eq!(a3_sheet_page(false, Left, false), 2);
        assert_eq!(a3_sheet_page(false, Right, false), 3);
        // Upside down: recto [1 | 4] (turned), verso [3 | 2].
        assert_eq!(a3_sheet_page(true, Left, true), 1);
        assert_eq!(a3_sheet_page(true, Right, true), 4);
        assert_eq!(a3_sheet_page(false, Left, true), 3);
        assert_eq!(a3_sheet_page(false, Right, true), 2);
    }

    #[test]
    fn sniffs_formats_by_magic_bytes() {
        assert_eq!(sniff(b"%PDF-1.4\n"), Some(Format::Pdf));
        assert_eq!(sniff(b"PK\x03\x04...."), Some(Format::Zip));
        assert_eq!(sniff(&[0xff, 0xd8, 0xff, 0xe0]), Some(Format::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n"), Some(Format::Png));
        assert_eq!(sniff(b"GIF89a"), None);
    }

    #[test]
    fn zip_entries_sort_naturally() {
        let mut v = vec!["scan10.pdf", "scan2.pdf", "scan1.pdf"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["scan1.pdf", "scan2.pdf", "scan10.pdf"]);
    }
}
