//! Identification labels: sheets of self-adhesive labels to print (the common A4 layout of
//! 3 × 8 labels of 70 × 37 mm), each with a student's name, class and a QR code of their
//! opaque token; and finding such a label on a scanned header.
//!
//! The QR code uses the highest error correction (H: about 30 % of it may be lost) and holds
//! only `KORRIGO-` and the token (alphanumeric mode, version 3: 29 modules), drawn 26 mm wide
//! so that a module is 0.9 mm, more than five pixels at 150 dpi.

use ab_glyph::{Font as _, FontRef};
use image::GrayImage;
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::{Font, TextDirection};
use qrcode::{Color, EcLevel, QrCode};
use std::sync::Arc;

use crate::slips::FONT;
use korrigo_domain::labels::{payload, token_of_payload};

const PT_PER_MM: f32 = 72.0 / 25.4;
/// Columns and rows of labels on an A4 sheet.
pub const COLS: usize = 3;
pub const ROWS: usize = 8;
/// One label, in millimetres.
pub const LABEL_MM: (f32, f32) = (70.0, 37.0);
/// The QR code's side, quiet zone excluded, in millimetres.
pub const QR_MM: f32 = 26.0;
/// The sheet's top margin: the 8 rows of 37 mm centred on the 297 mm page.
const TOP_MM: f32 = (297.0 - ROWS as f32 * 37.0) / 2.0;

/// One label's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// The student's opaque token (see `korrigo_domain::labels`).
    pub token: String,
    pub last_name: String,
    pub first_name: String,
    /// Their class (empty when none).
    pub class: String,
}

/// Why the PDF could not be written.
#[derive(Debug, thiserror::Error)]
pub enum LabelError {
    /// The embedded font could not be loaded (a build problem).
    #[error("the embedded font could not be loaded")]
    Font,
    /// A token too long for a QR code (never happens with tokens from the domain).
    #[error("the label's QR code could not be made: {0}")]
    Qr(String),
    /// The PDF writer failed.
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

/// The QR code of a token: its side in modules and, row by row, which modules are dark.
pub fn qr_modules(token: &str) -> Result<(usize, Vec<bool>), LabelError> {
    let code = QrCode::with_error_correction_level(payload(token), EcLevel::H)
        .map_err(|e| LabelError::Qr(e.to_string()))?;
    let dark = code.to_colors().iter().map(|c| *c == Color::Dark).collect();
    Ok((code.width(), dark))
}

/// Where a label's pieces go, in millimetres from the label's top-left corner: the QR code's
/// corner, then the text column's left edge and width.
pub const QR_AT_MM: (f32, f32) = (3.5, 5.5);
const TEXT_X_MM: f32 = 32.0;
const TEXT_W_MM: f32 = 34.5;

/// The width of `text` at `size` (any unit) in the embedded font, in the same unit.
fn text_width(font: &FontRef<'_>, text: &str, size: f32) -> f32 {
    let upem = font.units_per_em().unwrap_or(2048.0);
    text.chars()
        .map(|c| font.h_advance_unscaled(font.glyph_id(c)))
        .sum::<f32>()
        / upem
        * size
}

/// The largest size up to `max` at which `text` fits in `width`.
fn fitting_size(font: &FontRef<'_>, text: &str, max: f32, width: f32) -> f32 {
    let w = text_width(font, text, max);
    if w <= width { max } else { max * width / w }
}

/// Writes label sheets as a PDF. Each group (a class, say) starts on a new sheet; `skip`
/// positions of the first sheet are left empty (a sheet already partly used).
pub fn labels_pdf(groups: &[Vec<Label>], skip: usize, hint: &str) -> Result<Vec<u8>, LabelError> {
    let font = Font::new(Arc::new(FONT.to_vec()).into(), 0).ok_or(LabelError::Font)?;
    let metrics = FontRef::try_from_slice(FONT).map_err(|_| LabelError::Font)?;
    let per_sheet = COLS * ROWS;
    // Sheets as lists of (position, label).
    let mut sheets: Vec<Vec<(usize, &Label)>> = Vec::new();
    let mut first = skip.min(per_sheet - 1);
    for group in groups.iter().filter(|g| !g.is_empty()) {
        let mut pos = first;
        sheets.push(Vec::new());
        for label in group {
            if pos == per_sheet {
                sheets.push(Vec::new());
                pos = 0;
            }
            sheets.last_mut().expect("pushed above").push((pos, label));
            pos += 1;
        }
        first = 0;
    }
    if sheets.is_empty() {
        sheets.push(Vec::new());
    }
    let mut doc = Document::new();
    for sheet in &sheets {
        let settings = PageSettings::from_wh(210.0 * PT_PER_MM, 297.0 * PT_PER_MM)
            .ok_or_else(|| LabelError::Pdf("page size".into()))?;
        let mut page = doc.start_page_with(settings);
        let mut s = page.surface();
        for &(pos, label) in sheet {
            let x0 = LABEL_MM.0 * (pos % COLS) as f32;
            let y0 = TOP_MM + LABEL_MM.1 * (pos / COLS) as f32;
            // The QR code, one rectangle per run of dark modules.
            let (n, dark) = qr_modules(&label.token)?;
            let m = QR_MM / n as f32;
            let mut pb = PathBuilder::new();
            for row in 0..n {
                let mut col = 0;
                while col < n {
                    if !dark[row * n + col] {
                        col += 1;
                        continue;
                    }
                    let start = col;
                    while col < n && dark[row * n + col] {
                        col += 1;
                    }
                    let r = Rect::from_xywh(
                        (x0 + QR_AT_MM.0 + start as f32 * m) * PT_PER_MM,
                        (y0 + QR_AT_MM.1 + row as f32 * m) * PT_PER_MM,
                        (col - start) as f32 * m * PT_PER_MM,
                        // A hair taller: no white seams between rows in any viewer.
                        (m + 0.02) * PT_PER_MM,
                    );
                    if let Some(r) = r {
                        pb.push_rect(r);
                    }
                }
            }
            s.set_stroke(None);
            s.set_fill(Some(Fill {
                paint: rgb::Color::new(0, 0, 0).into(),
                ..Default::default()
            }));
            if let Some(path) = pb.finish() {
                s.draw_path(&path);
            }
            let tx = (x0 + TEXT_X_MM) * PT_PER_MM;
            let tw = TEXT_W_MM * PT_PER_MM;
            let mut line = |y_mm: f32, max: f32, gray: u8, text: &str| {
                if text.is_empty() {
                    return;
                }
                let size = fitting_size(&metrics, text, max, tw);
                s.set_fill(Some(Fill {
                    paint: rgb::Color::new(gray, gray, gray).into(),
                    ..Default::default()
                }));
                s.draw_text(
                    Point::from_xy(tx, (y0 + y_mm) * PT_PER_MM),
                    font.clone(),
                    size,
                    text,
                    false,
                    TextDirection::Auto,
                );
            };
            line(12.0, 12.0, 0, &label.last_name.to_uppercase());
            line(18.5, 10.5, 0, &label.first_name);
            line(25.0, 9.0, 70, &label.class);
            line(31.0, 6.0, 110, hint);
        }
        s.finish();
        page.finish();
    }
    doc.finish().map_err(|e| LabelError::Pdf(format!("{e:?}")))
}

/// The token of the first of our labels found in an image (a header crop, upright or not,
/// slightly skewed, 150 dpi or more), if any. Other QR codes are ignored.
///
/// The detector wants modules of about 4 to 8 pixels with soft edges: the image is tried as it
/// is, then at twice its size for a coarse scan (150 dpi: modules of 5 pixels, jagged by a
/// turn) or half for a fine one (300 dpi: modules of 10 pixels with their speckles), then
/// that size slightly blurred (a bilevel scan's staircase edges), then at about 300 dpi made
/// black and white against each neighbourhood's mean (a blurred scan), then at a few more
/// sizes (the finder patterns a blur, a JPEG, a pen stroke or a black-and-white scan hides at
/// one size can show at another). A header with no square of solid modules anywhere (see
/// [`may_hold_code`]: most headers) is not tried at all.
pub fn read_label(img: &GrayImage) -> Option<String> {
    if !may_hold_code(img) {
        return None;
    }
    let at = |f: f32, prep: Prep| {
        let sized = if f == 1.0 {
            img.clone()
        } else if f > 1.0 {
            crate::raster::enlarge(img, f)
        } else {
            crate::raster::resize_to_width(img, (img.width() as f32 * f).round() as u32)
        };
        read_label_at(&match prep {
            Prep::Plain => sized,
            Prep::Soft => crate::raster::blur3(&sized),
        })
    };
    let alt = if img.width() < 2000 { 2.0 } else { 0.5 };
    for (f, prep) in [(1.0, Prep::Plain), (alt, Prep::Plain), (alt, Prep::Soft)] {
        if let Found::Token(t) = at(f, prep) {
            return Some(t);
        }
    }
    // Then thresholded by the neighbourhood's mean at about 300 dpi (a blurred scan, whose
    // finder patterns' one-module white ring a blur and a JPEG fill in).
    let fine = 2480.0 / img.width() as f32;
    let local = if fine > 1.05 {
        read_label_at_local(&crate::raster::enlarge(img, fine))
    } else {
        read_label_at_local(img)
    };
    if let Found::Token(t) = local {
        return Some(t);
    }
    // A blur, a JPEG's blocks, a pen stroke or a black-and-white scan's staircase edges can
    // hide the finder patterns at the sizes tried so far, at one size and not another: the
    // header is looked at more sizes, sharp (Catmull-Rom) where enlarged, each as it is and
    // softened. Only headers with a code's share of solid ink come this far (see
    // [`may_hold_code`]), so headers without a label do not pay for it.
    [0.75, 1.25, 1.5, 0.6, 1.1, 1.75, 0.9, 2.5]
        .into_iter()
        .filter(|f| (700.0..=3200.0).contains(&(img.width() as f32 * f)))
        .flat_map(|f| [(f, Prep::Plain), (f, Prep::Soft)])
        .find_map(|(f, prep)| {
            let sized = crate::raster::resize_to_width(img, (img.width() as f32 * f) as u32);
            let sized = match prep {
                Prep::Plain => sized,
                Prep::Soft => crate::raster::blur3(&sized),
            };
            match read_label_at(&sized) {
                Found::Token(t) => Some(t),
                _ => None,
            }
        })
}

/// Whether a header crop (a page's width across) may hold one of our codes: somewhere a
/// square of 12 mm, half the code's side, where a code's modules make many millimetres solid
/// ink. Straight lines (boxes, frames, rules, a pen stroke) are not counted: a code's dark
/// modules, masked, form no long run, while the thick boxes of a header would. Handwriting
/// and printed text are far lighter. A header without such a square is not looked at
/// further: most headers scanned have no label.
pub fn may_hold_code(img: &GrayImage) -> bool {
    code_darkness(img) >= CODE_DARKNESS
}

/// The least share of solid millimetres in a code's 12 mm square (see [`code_darkness`]).
pub const CODE_DARKNESS: f32 = 0.25;

/// The greatest share, over 12 mm squares on a 1 mm grid, of millimetres at least half of
/// which is dark (under half the paper's shade) and not part of a straight run of 5 mm. The
/// squares stay 15 mm from the page's sides, where a fold's shadow and punched holes are.
pub fn code_darkness(img: &GrayImage) -> f32 {
    // About 150 dpi is enough (a module is 5 pixels or more).
    let small;
    let img = if img.width() >= 2400 {
        small = crate::raster::preview(img, 1200);
        &small
    } else {
        img
    };
    let (w, h) = (img.width() as usize, img.height() as usize);
    let cell = ((w as f32 / 210.0).round() as usize).max(1);
    let (gw, gh) = (w / cell, h / cell);
    const SIDE: usize = 12;
    if gw < SIDE || gh < SIDE {
        return 1.0;
    }
    // The paper: the shade nine pixels in ten are darker than or as dark as.
    let mut counts = [0usize; 256];
    img.as_raw()
        .iter()
        .for_each(|&p| counts[usize::from(p)] += 1);
    let mut seen = 0;
    let paper = (0..256)
        .find(|&v| {
            seen += counts[v];
            seen * 10 >= img.as_raw().len() * 9
        })
        .unwrap_or(255) as u8;
    let dark: Vec<bool> = img.as_raw().iter().map(|&p| p < paper / 2).collect();
    let line = crate::raster::straight_runs(&dark, w, 5 * cell, 0);
    let solid = Integral::new(gw, gh, |cx, cy| {
        let mut ink = 0;
        for y in cy * cell..(cy + 1) * cell {
            let at = y * w + cx * cell..y * w + (cx + 1) * cell;
            ink += dark[at.clone()]
                .iter()
                .zip(&line[at])
                .filter(|&(&d, &l)| d && !l)
                .count();
        }
        u64::from(2 * ink >= cell * cell)
    });
    let mut darkest = 0;
    // 15 mm from each side, on a page as wide as A4 (a narrower image is looked at whole).
    let side = if gw >= 2 * 15 + SIDE { 15 } else { 0 };
    for y in 0..=gh - SIDE {
        for x in side..=gw - SIDE - side {
            darkest = darkest.max(solid.sum(x, y, x + SIDE, y + SIDE));
        }
    }
    darkest as f32 / (SIDE * SIDE) as f32
}

/// Sums over rectangles in constant time: the sum of the values above and left of each
/// point, a row and a column of zeros first.
struct Integral {
    w: usize,
    sums: Vec<u64>,
}

impl Integral {
    fn new(w: usize, h: usize, value: impl Fn(usize, usize) -> u64) -> Integral {
        let mut sums = vec![0u64; (w + 1) * (h + 1)];
        for y in 0..h {
            let mut row = 0;
            for x in 0..w {
                row += value(x, y);
                sums[(y + 1) * (w + 1) + x + 1] = sums[y * (w + 1) + x + 1] + row;
            }
        }
        Integral { w, sums }
    }

    /// The sum of the values at `x0..x1` × `y0..y1`.
    fn sum(&self, x0: usize, y0: usize, x1: usize, y1: usize) -> u64 {
        let at = |x: usize, y: usize| self.sums[y * (self.w + 1) + x];
        at(x1, y1) + at(x0, y0) - at(x1, y0) - at(x0, y1)
    }
}

/// How an image is prepared for one try of the detector.
#[derive(Clone, Copy)]
enum Prep {
    Plain,
    /// Slightly blurred: a bilevel scan's staircase edges softened.
    Soft,
}

/// What one try of the detector found.
pub(crate) enum Found {
    /// One of our labels, read.
    Token(String),
    /// A code that could not be decoded, or not one of ours.
    Unreadable,
    Nothing,
}

/// One try of the QR detector on an image made black and white by comparing each pixel with
/// the mean of the 33 × 33 pixels around it (three modules across at 300 dpi).
fn read_label_at_local(g: &GrayImage) -> Found {
    const R: i64 = 16;
    let (w, h) = (g.width() as usize, g.height() as usize);
    let sums = Integral::new(w, h, |x, y| u64::from(g.as_raw()[y * w + x]));
    let mut prepared = rqrr::PreparedImage::prepare_from_bitmap(w, h, |x, y| {
        let clamp = |v: i64, n: usize| v.clamp(0, n as i64) as usize;
        let (x0, x1) = (clamp(x as i64 - R, w), clamp(x as i64 + R + 1, w));
        let (y0, y1) = (clamp(y as i64 - R, h), clamp(y as i64 + R + 1, h));
        let mean = sums.sum(x0, y0, x1, y1) as f32 / ((x1 - x0) * (y1 - y0)) as f32;
        f32::from(g.as_raw()[y * w + x]) < mean - 8.0
    });
    found(&prepared.detect_grids())
}

/// One try of the QR detector on an image as it is.
pub(crate) fn read_label_at(g: &GrayImage) -> Found {
    let (w, h) = (g.width() as usize, g.height() as usize);
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        g.get_pixel(x as u32, y as u32).0[0]
    });
    found(&prepared.detect_grids())
}

/// What the grids a detector found hold.
fn found<G: rqrr::BitGrid>(grids: &[rqrr::Grid<G>]) -> Found {
    if grids.is_empty() {
        return Found::Nothing;
    }
    grids
        .iter()
        .find_map(|grid| {
            let text = match grid.decode() {
                Ok((_, text)) => text,
                Err(_) => rescue::rescue(&grid.grid)?,
            };
            token_of_payload(&text).map(|t| Found::Token(t.to_string()))
        })
        .unwrap_or(Found::Unreadable)
}

mod rescue;

#[cfg(test)]
mod tests;
