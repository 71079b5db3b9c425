//! One generated page: its paper (lined, Seyès, squared, plain), margin line, CMEN-like header
//! and handwriting-like lines.

use ab_glyph::{Font, FontArc, FontRef, PxScale, ScaleFont, point};
use image::GrayImage;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::SynthStudent;
use crate::raster;

fn font() -> FontRef<'static> {
    FontRef::try_from_slice(crate::slips::FONT).expect("the embedded font parses")
}

const A4_MM: (f32, f32) = (210.0, 297.0);

pub(super) struct Canvas {
    pub(super) img: GrayImage,
    pub(super) px_per_mm: f32,
    hand: Option<FontArc>,
    /// Real handwritten digits to write digits with, instead of the font's.
    digits: Option<&'static [crate::mnist::Digit]>,
}

impl Canvas {
    fn new(dpi: u32) -> Self {
        let px_per_mm = dpi as f32 / 25.4;
        let (w, h) = (
            (A4_MM.0 * px_per_mm).round() as u32,
            (A4_MM.1 * px_per_mm).round() as u32,
        );
        Canvas {
            img: raster::white(w, h),
            px_per_mm,
            hand: None,
            digits: None,
        }
    }

    pub(super) fn rect(&mut self, x_mm: f32, y_mm: f32, w_mm: f32, h_mm: f32, value: u8) {
        let s = self.px_per_mm;
        let (x0, y0) = ((x_mm * s) as u32, (y_mm * s) as u32);
        let (x1, y1) = (
            ((x_mm + w_mm) * s).ceil() as u32,
            ((y_mm + h_mm) * s).ceil() as u32,
        );
        for y in y0..y1.min(self.img.height()) {
            for x in x0..x1.min(self.img.width()) {
                let p = self.img.get_pixel_mut(x, y);
                p.0[0] = p.0[0].min(value);
            }
        }
    }

    pub(super) fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, t: f32, value: u8) {
        self.rect(x, y, w, t, value);
        self.rect(x, y + h - t, w, t, value);
        self.rect(x, y, t, h, value);
        self.rect(x + w - t, y, t, h, value);
    }

    /// A pen stroke from (`x0`, `y0`) to (`x1`, `y1`), mm, `t` mm wide.
    pub(super) fn stroke(&mut self, (x0, y0): (f32, f32), (x1, y1): (f32, f32), t: f32, ink: u8) {
        let steps = (((x1 - x0).hypot(y1 - y0)) * self.px_per_mm)
            .ceil()
            .max(1.0) as u32;
        for k in 0..=steps {
            let f = k as f32 / steps as f32;
            let (x, y) = (x0 + (x1 - x0) * f, y0 + (y1 - y0) * f);
            self.rect(x - t / 2.0, y - t / 2.0, t, t, ink);
        }
    }

    /// Printed text (labels of the header).
    pub(super) fn text(
        &mut self,
        rng: &mut StdRng,
        x_mm: f32,
        baseline_mm: f32,
        size_mm: f32,
        text: &str,
        ink: u8,
    ) -> f32 {
        self.draw(&font(), rng, x_mm, baseline_mm, size_mm, text, ink)
    }

    /// Handwriting: the page's handwriting font when it has one.
    pub(super) fn write(
        &mut self,
        rng: &mut StdRng,
        x_mm: f32,
        baseline_mm: f32,
        size_mm: f32,
        text: &str,
        ink: u8,
    ) -> f32 {
        if let (Some(set), &[d]) = (self.digits, text.as_bytes())
            && d.is_ascii_digit()
        {
            // A real digit of that value, as tall as the font's would be.
            let choices: Vec<_> = set.iter().filter(|x| x.label == d - b'0').collect();
            if !choices.is_empty() {
                let pick = choices[rng.random_range(0..choices.len())];
                let height = size_mm * 0.73 * rng.random_range(0.92..1.08) * self.px_per_mm;
                let dy = rng.random_range(-0.25..0.25) * self.px_per_mm;
                let (x, base) = (x_mm * self.px_per_mm, baseline_mm * self.px_per_mm + dy);
                crate::mnist::paste(&mut self.img, pick, x, base, height, ink);
                return x_mm + height * 0.8 / self.px_per_mm;
            }
        }
        match self.hand.clone() {
            Some(f) => self.draw(&f, rng, x_mm, baseline_mm, size_mm, text, ink),
            None => self.draw(&font(), rng, x_mm, baseline_mm, size_mm, text, ink),
        }
    }

    /// Draws text with a little slant and jitter, like a pen would.
    #[allow(clippy::too_many_arguments, reason = "a pen stroke's parameters")]
    fn draw<F: Font>(
        &mut self,
        f: &F,
        rng: &mut StdRng,
        x_mm: f32,
        baseline_mm: f32,
        size_mm: f32,
        text: &str,
        ink: u8,
    ) -> f32 {
        // Fonts draw capitals at very different heights for one size: scale each so that its
        // capitals stand as tall as DejaVu Sans's (0.73 of the size).
        let cap = |probe: char| {
            let g = f
                .glyph_id(probe)
                .with_scale_and_position(100.0, point(0.0, 0.0));
            f.outline_glyph(g)
                .map(|o| o.px_bounds().height() / 100.0)
                .filter(|h| *h > 0.2)
                .unwrap_or(0.73)
        };
        // Digits are written as tall as capitals, whatever the font's own proportions.
        let (letters, digits) = (0.73 / cap('H'), 0.73 / cap('0'));
        let mut x = x_mm * self.px_per_mm;
        for c in text.chars() {
            let norm = if c.is_ascii_digit() { digits } else { letters };
            let size = size_mm * norm * self.px_per_mm * rng.random_range(0.92..1.08);
            let scaled = f.as_scaled(PxScale::from(size));
            let glyph = scaled.scaled_glyph(c);
            let advance = scaled.h_advance(glyph.id);
            let dy = rng.random_range(-0.25..0.25) * self.px_per_mm;
            let slant = rng.random_range(0.05..0.22);
            let pos = point(x, baseline_mm * self.px_per_mm + dy);
            let glyph = ab_glyph::Glyph {
                position: pos,
                ..glyph
            };
            if let Some(outlined) = f.outline_glyph(glyph) {
                let b = outlined.px_bounds();
                let bottom = b.max.y;
                let (w, h) = (self.img.width() as i64, self.img.height() as i64);
                outlined.draw(|gx, gy, cov| {
                    let py = b.min.y + gy as f32;
                    let px = b.min.x + gx as f32 + (bottom - py) * slant;
                    let (px, py) = (px as i64, py as i64);
                    if cov > 0.1 && px >= 0 && py >= 0 && px < w && py < h {
                        let v = (255.0 - (255.0 - ink as f32) * cov.min(1.0)) as u8;
                        let p = self.img.get_pixel_mut(px as u32, py as u32);
                        p.0[0] = p.0[0].min(v);
                    }
                });
            }
            x += advance * rng.random_range(0.95..1.15);
        }
        x / self.px_per_mm
    }
}

const WORDS: &[&str] = &[
    "donc",
    "on",
    "pose",
    "la",
    "fonction",
    "est",
    "croissante",
    "sur",
    "intervalle",
    "alors",
    "par",
    "suite",
    "limite",
    "vaut",
    "calcul",
    "et",
    "ainsi",
    "le",
    "triangle",
    "rectangle",
    "hypoth\u{e8}se",
    "conclusion",
    "d\u{e9}riv\u{e9}e",
    "positive",
    "r\u{e9}sultat",
    "car",
];

/// One A4 page, upright and clean. `header`: the student written in a CMEN-like header.
pub fn a4_page(dpi: u32, header: Option<&SynthStudent>, lines: u32, seed: u64) -> GrayImage {
    a4_page_in(dpi, header, lines, seed, None)
}

/// The paper a page is written on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paper {
    /// Light horizontal lines every 8 mm.
    Lined,
    /// French Seyès ruling: faint lines every 2 mm, stronger every 8 mm, vertical lines every
    /// 8 mm.
    Seyes,
    /// A 5 mm grid.
    Squared,
    /// Blank paper.
    Plain,
}

/// How a page looks beyond its text: its paper, its margin line (and how dark it prints: a
/// red margin scans as a mid grey) and where its written lines end.
#[derive(Clone, Copy, Debug)]
pub struct PageStyle {
    pub paper: Paper,
    pub margin: bool,
    pub margin_ink: u8,
    /// Written lines end between these two distances from the left edge (mm).
    pub line_end: (f32, f32),
    /// The name header's layout (on pages that have one).
    pub header: super::HeaderLayout,
    /// Real handwritten digits (MNIST's) to write the header's digits with; the font's when
    /// none.
    pub digits: Option<&'static [crate::mnist::Digit]>,
    /// How the header's boxes are filled in (none: one character per box, neatly).
    pub quirk: super::Quirk,
}

impl Default for PageStyle {
    fn default() -> Self {
        PageStyle {
            paper: Paper::Lined,
            margin: true,
            margin_ink: 120,
            line_end: (120.0, 195.0),
            header: super::HeaderLayout::Korrigo,
            digits: None,
            quirk: super::Quirk::None,
        }
    }
}

/// [`a4_page`] written with a given handwriting font.
pub fn a4_page_in(
    dpi: u32,
    header: Option<&SynthStudent>,
    lines: u32,
    seed: u64,
    hand: Option<&FontArc>,
) -> GrayImage {
    a4_page_styled(dpi, header, lines, seed, hand, &PageStyle::default())
}

/// [`a4_page_in`] on a given paper.
pub fn a4_page_styled(
    dpi: u32,
    header: Option<&SynthStudent>,
    lines: u32,
    seed: u64,
    hand: Option<&FontArc>,
    style: &PageStyle,
) -> GrayImage {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut c = Canvas::new(dpi);
    c.hand = hand.cloned();
    c.digits = style.digits;
    let first_line = if header.is_some() { 70.0 } else { 20.0 };
    let pitch = match style.paper {
        Paper::Squared => 10.0,
        _ => 8.0,
    };
    let top = if header.is_some() { 62.0 } else { 0.0 };
    match style.paper {
        Paper::Lined => {
            let mut y = first_line;
            while y < 290.0 {
                c.rect(0.0, y, A4_MM.0, 0.2, 205);
                y += 8.0;
            }
        }
        Paper::Seyes => {
            let mut y = first_line - 8.0;
            while y < 290.0 {
                if y >= top {
                    c.rect(
                        0.0,
                        y,
                        A4_MM.0,
                        0.2,
                        if (y - first_line) % 8.0 == 0.0 {
                            195
                        } else {
                            228
                        },
                    );
                }
                y += 2.0;
            }
            let mut x = 9.0;
            while x < A4_MM.0 {
                c.rect(x, top, 0.2, 297.0 - top, 215);
                x += 8.0;
            }
        }
        Paper::Squared => {
            let mut y = top + 2.0;
            while y < 295.0 {
                c.rect(0.0, y, A4_MM.0, 0.15, 210);
                y += 5.0;
            }
            let mut x = 5.0;
            while x < A4_MM.0 {
                c.rect(x, top, 0.15, 297.0 - top, 210);
                x += 5.0;
            }
        }
        Paper::Plain => {}
    }
    if style.margin {
        c.rect(25.0, top, 0.6, 297.0, style.margin_ink);
    }
    if let Some(s) = header {
        super::header::draw(&mut c, &mut rng, s, style.header, style.quirk);
    }
    let left = if style.margin { 30.0 } else { 15.0 };
    for i in 0..lines {
        let base = first_line + pitch * (i as f32 + 1.0) - 1.5;
        if base > 285.0 {
            break;
        }
        let mut x = left + rng.random_range(0.0..6.0);
        let end = rng.random_range(style.line_end.0..style.line_end.1);
        while x < end {
            let w = WORDS[rng.random_range(0..WORDS.len())];
            x = c.write(&mut rng, x, base, 4.2, w, 45) + 2.5;
        }
    }
    c.img
}
