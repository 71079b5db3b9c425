//! The final PDF of a graded copy: each scanned page as it was stored (a JPEG is copied into
//! the PDF as the same bytes, never decoded and re-encoded), turned upright, with the
//! corrector's marks drawn over it as vectors exactly where they were on screen; then a
//! summary page (exam, code, student when the reader may see it, total, each question's
//! points and remark, the appreciation). Text is set in an embedded DejaVu Sans (subset), so
//! French reads the same on every machine.

mod marks;
mod summary;

use std::sync::Arc;

use korrigo_domain::marks::Mark;
use krilla::Document;
use krilla::geom::{Size, Transform};
use krilla::image::Image;
use krilla::page::PageSettings;
use krilla::text::Font;

pub use summary::{Summary, SummaryRow};

/// The width of an output page, in points (an A4 page's).
pub const PAGE_WIDTH: f32 = 595.28;

/// One scanned page of the copy and the marks drawn on it.
#[derive(Clone, Debug)]
pub struct FinalPage {
    /// The stored page image (JPEG), copied as it is.
    pub jpeg: Arc<Vec<u8>>,
    /// Its size in pixels.
    pub width: u32,
    pub height: u32,
    /// Clockwise degrees to show it upright (0, 90, 180, 270).
    pub rotation: u16,
    /// The marks, in the stored image's normalised coordinates.
    pub marks: Vec<Mark>,
}

/// Why a final PDF could not be made (the reason is shown to the manager with a retry).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FinalPdfError {
    /// A page image is not a JPEG this writer can embed.
    #[error("page {page}'s image cannot be read: {reason}")]
    Image { page: usize, reason: String },
    /// The embedded font could not be loaded.
    #[error("the embedded font could not be loaded")]
    Font,
    /// The PDF could not be written.
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

pub(crate) fn font() -> Result<Font, FinalPdfError> {
    Font::new(Arc::new(crate::slips::FONT.to_vec()).into(), 0).ok_or(FinalPdfError::Font)
}

/// The transform that shows the stored image (w × h pixels) upright, as the desk's SVG does:
/// the same translate-then-rotate for each quarter turn.
fn upright(rotation: u16, w: f32, h: f32) -> Transform {
    match rotation % 360 {
        90 => Transform::from_row(0.0, 1.0, -1.0, 0.0, h, 0.0),
        180 => Transform::from_row(-1.0, 0.0, 0.0, -1.0, w, h),
        270 => Transform::from_row(0.0, -1.0, 1.0, 0.0, 0.0, w),
        _ => Transform::identity(),
    }
}

/// Writes the final PDF: the pages with their marks, then the summary.
pub fn final_pdf(pages: &[FinalPage], summary: &Summary) -> Result<Vec<u8>, FinalPdfError> {
    let font = font()?;
    let mut doc = Document::new();
    for (i, p) in pages.iter().enumerate() {
        let image_error = |reason: String| FinalPdfError::Image {
            page: i + 1,
            reason,
        };
        let image = Image::from_jpeg(p.jpeg.clone().into(), true).map_err(image_error)?;
        let (w, h) = (p.width as f32, p.height as f32);
        if w < 1.0 || h < 1.0 {
            return Err(image_error("it has no size".into()));
        }
        let quarter = matches!(p.rotation % 360, 90 | 270);
        let (dw, dh) = if quarter { (h, w) } else { (w, h) };
        let scale = PAGE_WIDTH / dw;
        let settings = PageSettings::from_wh(PAGE_WIDTH, dh * scale)
            .ok_or_else(|| FinalPdfError::Pdf("page size".into()))?;
        let mut page = doc.start_page_with(settings);
        let mut s = page.surface();
        s.push_transform(&Transform::from_scale(scale, scale));
        s.push_transform(&upright(p.rotation, w, h));
        let size = Size::from_wh(w, h).ok_or_else(|| image_error("it has no size".into()))?;
        s.draw_image(image, size);
        for m in &p.marks {
            marks::draw(&mut s, m, w, h, p.rotation, &font);
        }
        s.pop();
        s.pop();
        s.finish();
        page.finish();
    }
    summary::draw(&mut doc, summary, &font)?;
    doc.finish()
        .map_err(|e| FinalPdfError::Pdf(format!("{e:?}")))
}

#[cfg(test)]
mod tests;
