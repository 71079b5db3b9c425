//! Synthetic scans for tests and benchmarks: CMEN-like header pages with a known name in the
//! boxes, ruled pages with handwriting-like text, scanner noise and skew, A4 and A3 (*copies
//! doubles*, possibly fed upside down), JPEG or CCITT G4 encoded, assembled into a PDF the way a
//! scanner writes it (one image per page).

use ab_glyph::{Font, FontArc, FontRef, PxScale, ScaleFont, point};
use image::{GrayImage, Luma};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::pdf::{MiniWriter, Obj, dict, name};
use crate::raster;

/// A student as written on a header.
#[derive(Debug, Clone)]
pub struct SynthStudent {
    pub last_name: String,
    pub first_name: String,
    /// `dd/mm/yyyy`.
    pub birth_date: String,
}

/// How pages are encoded in the PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Jpeg,
    CcittG4,
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthOptions {
    pub dpi: u32,
    /// A3 *copies doubles* (two scans per sheet) instead of A4 pages.
    pub a3: bool,
    /// A4 pages per copy (the first carries the header).
    pub pages_per_copy: u32,
    pub encoding: Encoding,
    /// Indexes of students whose sheet is fed upside down (A3) or whose pages are (A4).
    pub upside_down: Vec<usize>,
    /// Indexes of students who used two A3 sheets (8 pages; only the first has a header).
    pub two_sheets: Vec<usize>,
    /// Maximum skew in degrees (each page gets a random one within ±).
    pub skew_deg: f32,
    /// Specks per thousand pixels.
    pub noise: f32,
    /// Lines of writing per content page.
    pub lines: u32,
    /// Handwriting fonts, one per student in turn (DejaVu Sans when empty).
    pub hand_fonts: Vec<FontArc>,
    pub seed: u64,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            dpi: 150,
            a3: false,
            pages_per_copy: 4,
            encoding: Encoding::Jpeg,
            upside_down: Vec::new(),
            two_sheets: Vec::new(),
            skew_deg: 1.0,
            noise: 0.3,
            lines: 8,
            hand_fonts: Vec::new(),
            seed: 1,
        }
    }
}

fn font() -> FontRef<'static> {
    FontRef::try_from_slice(crate::slips::FONT).expect("the embedded font parses")
}

const A4_MM: (f32, f32) = (210.0, 297.0);

struct Canvas {
    img: GrayImage,
    px_per_mm: f32,
    hand: Option<FontArc>,
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
        }
    }

    fn rect(&mut self, x_mm: f32, y_mm: f32, w_mm: f32, h_mm: f32, value: u8) {
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

    fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, t: f32, value: u8) {
        self.rect(x, y, w, t, value);
        self.rect(x, y + h - t, w, t, value);
        self.rect(x, y, t, h, value);
        self.rect(x + w - t, y, t, h, value);
    }

    /// Printed text (labels of the header).
    fn text(
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
    fn write(
        &mut self,
        rng: &mut StdRng,
        x_mm: f32,
        baseline_mm: f32,
        size_mm: f32,
        text: &str,
        ink: u8,
    ) -> f32 {
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

fn boxes(c: &mut Canvas, rng: &mut StdRng, x: f32, y: f32, n: usize, text: &str) {
    let (bw, bh) = (5.0, 6.5);
    for i in 0..n {
        c.frame(x + i as f32 * bw, y, bw, bh, 0.25, 70);
    }
    for (i, ch) in text.chars().take(n).enumerate() {
        if ch == ' ' {
            continue;
        }
        let jitter = rng.random_range(-0.3..0.3);
        c.write(
            rng,
            x + i as f32 * bw + 1.0 + jitter,
            y + bh - 1.2,
            4.6,
            &ch.to_string(),
            25,
        );
    }
}

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
}

impl Default for PageStyle {
    fn default() -> Self {
        PageStyle {
            paper: Paper::Lined,
            margin: true,
            margin_ink: 120,
            line_end: (120.0, 195.0),
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
        c.frame(10.0, 8.0, 190.0, 50.0, 0.8, 0);
        c.text(&mut rng, 13.0, 16.0, 3.0, "Nom de famille :", 0);
        boxes(
            &mut c,
            &mut rng,
            55.0,
            11.0,
            28,
            &s.last_name.to_uppercase(),
        );
        c.text(&mut rng, 13.0, 26.0, 3.0, "Pr\u{e9}nom(s) :", 0);
        boxes(
            &mut c,
            &mut rng,
            55.0,
            21.0,
            28,
            &s.first_name.to_uppercase(),
        );
        c.text(&mut rng, 13.0, 36.0, 3.0, "Num\u{e9}ro d'inscription :", 0);
        boxes(&mut c, &mut rng, 55.0, 31.0, 12, "");
        c.text(&mut rng, 13.0, 46.0, 3.0, "N\u{e9}(e) le :", 0);
        let digits: String = s.birth_date.chars().filter(|c| *c != '/').collect();
        boxes(
            &mut c,
            &mut rng,
            55.0,
            41.0,
            2,
            &digits[..2.min(digits.len())],
        );
        boxes(
            &mut c,
            &mut rng,
            68.0,
            41.0,
            2,
            digits.get(2..4).unwrap_or(""),
        );
        boxes(
            &mut c,
            &mut rng,
            81.0,
            41.0,
            4,
            digits.get(4..8).unwrap_or(""),
        );
        c.rect(10.0, 53.0, 190.0, 0.5, 0);
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

/// Scanner defects: a small rotation and specks.
pub fn scanner_noise(img: &GrayImage, skew_deg: f32, noise: f32, seed: u64) -> GrayImage {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
    let mut out = if skew_deg.abs() > 0.01 {
        raster::rotate_small(img, skew_deg.to_radians())
    } else {
        img.clone()
    };
    let specks = (out.width() as f32 * out.height() as f32 * noise / 1000.0) as u32;
    for _ in 0..specks {
        let (x, y) = (
            rng.random_range(0..out.width()),
            rng.random_range(0..out.height()),
        );
        out.put_pixel(x, y, Luma([rng.random_range(60..180)]));
    }
    out
}

/// Side by side: `[left | right]`.
pub fn a3_sheet(left: &GrayImage, right: &GrayImage) -> GrayImage {
    let (w, h) = left.dimensions();
    let mut out = raster::white(w * 2, h);
    image::imageops::replace(&mut out, left, 0, 0);
    image::imageops::replace(&mut out, right, w as i64, 0);
    out
}

/// Encodes a page as CCITT Group 4 (1 bit per pixel, black below mid-gray).
pub fn ccitt_g4(img: &GrayImage) -> Vec<u8> {
    use fax::{Color, VecWriter, encoder::Encoder};
    let w = img.width() as u16;
    let mut enc = Encoder::new(VecWriter::new());
    for row in img.rows() {
        let line = row.map(|p| {
            if p.0[0] < 160 {
                Color::Black
            } else {
                Color::White
            }
        });
        enc.encode_line(line, w).expect("encoding into memory");
    }
    enc.finish().expect("encoding into memory").finish()
}

/// A scanned image as a PDF page: the image filter, its bytes, and its size in pixels.
pub struct ScanImage {
    pub encoding: Encoding,
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Encodes a page image.
pub fn encode(img: &GrayImage, encoding: Encoding) -> ScanImage {
    ScanImage {
        encoding,
        bytes: match encoding {
            Encoding::Jpeg => raster::encode_jpeg(img, 75),
            Encoding::CcittG4 => ccitt_g4(img),
        },
        width: img.width(),
        height: img.height(),
    }
}

/// Writes a PDF with one image per page, as a scanner does.
pub fn pdf_of_images(images: &[ScanImage], dpi: u32) -> Vec<u8> {
    let mut w = MiniWriter::default();
    let catalog = w.reserve();
    let pages = w.reserve();
    let mut kids = Vec::new();
    let mut objs = Vec::new();
    for _ in images {
        let (p, i, c) = (w.reserve(), w.reserve(), w.reserve());
        kids.push(Obj::Ref(p, 0));
        objs.push((p, i, c));
    }
    w.put(
        catalog,
        &dict(&[("Type", name("Catalog")), ("Pages", Obj::Ref(pages, 0))]),
        None,
    );
    w.put(
        pages,
        &dict(&[
            ("Type", name("Pages")),
            ("Count", Obj::Int(images.len() as i64)),
            ("Kids", Obj::Array(kids)),
        ]),
        None,
    );
    for (img, (p, i, c)) in images.iter().zip(objs) {
        let (wp, hp) = (
            img.width as f64 * 72.0 / dpi as f64,
            img.height as f64 * 72.0 / dpi as f64,
        );
        w.put(
            p,
            &dict(&[
                ("Type", name("Page")),
                ("Parent", Obj::Ref(pages, 0)),
                (
                    "MediaBox",
                    Obj::Array(vec![Obj::Int(0), Obj::Int(0), Obj::Real(wp), Obj::Real(hp)]),
                ),
                (
                    "Resources",
                    dict(&[("XObject", dict(&[("Im0", Obj::Ref(i, 0))]))]),
                ),
                ("Contents", Obj::Ref(c, 0)),
            ]),
            None,
        );
        let mut entries = vec![
            ("Type", name("XObject")),
            ("Subtype", name("Image")),
            ("Width", Obj::Int(img.width as i64)),
            ("Height", Obj::Int(img.height as i64)),
            ("ColorSpace", name("DeviceGray")),
        ];
        match img.encoding {
            Encoding::Jpeg => {
                entries.push(("BitsPerComponent", Obj::Int(8)));
                entries.push(("Filter", name("DCTDecode")));
            }
            Encoding::CcittG4 => {
                entries.push(("BitsPerComponent", Obj::Int(1)));
                entries.push(("Filter", name("CCITTFaxDecode")));
                entries.push((
                    "DecodeParms",
                    dict(&[
                        ("K", Obj::Int(-1)),
                        ("Columns", Obj::Int(img.width as i64)),
                        ("Rows", Obj::Int(img.height as i64)),
                    ]),
                ));
            }
        }
        w.put(i, &dict(&entries), Some(&img.bytes));
        let content = format!("q {wp:.3} 0 0 {hp:.3} 0 0 cm /Im0 Do Q");
        w.put(c, &dict(&[]), Some(content.as_bytes()));
    }
    w.finish(catalog)
}

/// A well-formed PDF without any page.
pub fn empty_pdf() -> Vec<u8> {
    let mut w = MiniWriter::default();
    let (catalog, pages) = (w.reserve(), w.reserve());
    w.put(
        catalog,
        &dict(&[("Type", name("Catalog")), ("Pages", Obj::Ref(pages, 0))]),
        None,
    );
    w.put(
        pages,
        &dict(&[
            ("Type", name("Pages")),
            ("Kids", Obj::Array(vec![])),
            ("Count", Obj::Int(0)),
        ]),
        None,
    );
    w.finish(catalog)
}

/// A PDF page drawn with vectors and text (no image), as an office printer or a word processor
/// would produce; the pipeline renders it.
pub fn vector_pdf(pages: u32) -> Vec<u8> {
    let mut w = MiniWriter::default();
    let catalog = w.reserve();
    let tree = w.reserve();
    let font_obj = w.reserve();
    let mut kids = Vec::new();
    let mut objs = Vec::new();
    for _ in 0..pages {
        let (p, c) = (w.reserve(), w.reserve());
        kids.push(Obj::Ref(p, 0));
        objs.push((p, c));
    }
    w.put(
        catalog,
        &dict(&[("Type", name("Catalog")), ("Pages", Obj::Ref(tree, 0))]),
        None,
    );
    w.put(
        tree,
        &dict(&[
            ("Type", name("Pages")),
            ("Count", Obj::Int(pages as i64)),
            ("Kids", Obj::Array(kids)),
            (
                "MediaBox",
                Obj::Array(vec![Obj::Int(0), Obj::Int(0), Obj::Int(595), Obj::Int(842)]),
            ),
        ]),
        None,
    );
    w.put(
        font_obj,
        &dict(&[
            ("Type", name("Font")),
            ("Subtype", name("Type1")),
            ("BaseFont", name("Helvetica")),
        ]),
        None,
    );
    for (n, (p, c)) in objs.into_iter().enumerate() {
        w.put(
            p,
            &dict(&[
                ("Type", name("Page")),
                ("Parent", Obj::Ref(tree, 0)),
                (
                    "Resources",
                    dict(&[("Font", dict(&[("F1", Obj::Ref(font_obj, 0))]))]),
                ),
                ("Contents", Obj::Ref(c, 0)),
            ]),
            None,
        );
        let content = format!(
            "4 w 0 G 28 700 540 110 re S BT /F1 14 Tf 40 780 Td (Devoir - page {}) Tj ET 0.5 w 70 0 m 70 842 l S",
            n + 1
        );
        w.put(c, &dict(&[]), Some(content.as_bytes()));
    }
    w.finish(catalog)
}

/// The handwriting-like fonts of the Debian packages `fonts-dkg-handwriting`, `fonts-breip` and
/// `fonts-humor-sans` that are installed (scripts/setup.sh installs
/// them).
pub fn handwriting_fonts() -> Vec<FontArc> {
    [
        "/usr/share/fonts/truetype/fifthhorseman/dkg.ttf",
        "/usr/share/fonts/truetype/breip/Breip.ttf",
        "/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf",
    ]
    .iter()
    .filter_map(|p| std::fs::read(p).ok())
    .filter_map(|b| FontArc::try_from_vec(b).ok())
    .collect()
}

/// The pages (upright, before noise) of one student's copy, in reading order.
pub fn copy_pages(
    student: &SynthStudent,
    pages: u32,
    dpi: u32,
    lines: u32,
    seed: u64,
    hand: Option<&FontArc>,
) -> Vec<GrayImage> {
    (0..pages)
        .map(|p| {
            let header = (p == 0).then_some(student);
            a4_page_in(
                dpi,
                header,
                if p == 0 { lines / 2 } else { lines },
                seed * 1000 + p as u64,
                hand,
            )
        })
        .collect()
}

/// The scanned images of a whole batch, in scan order.
pub fn batch_images(students: &[SynthStudent], opts: &SynthOptions) -> Vec<ScanImage> {
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let mut out = Vec::new();
    let skew = |rng: &mut StdRng| {
        if opts.skew_deg > 0.0 {
            rng.random_range(-opts.skew_deg..opts.skew_deg)
        } else {
            0.0
        }
    };
    for (i, s) in students.iter().enumerate() {
        let flipped = opts.upside_down.contains(&i);
        let seed = opts.seed.wrapping_mul(7919).wrapping_add(i as u64);
        if opts.a3 {
            let sheets = if opts.two_sheets.contains(&i) { 2 } else { 1 };
            let hand =
                (!opts.hand_fonts.is_empty()).then(|| &opts.hand_fonts[i % opts.hand_fonts.len()]);
            let pages = copy_pages(s, 4 * sheets, opts.dpi, opts.lines, seed, hand);
            for sheet in 0..sheets as usize {
                let p = &pages[sheet * 4..sheet * 4 + 4];
                for (left, right) in [(&p[3], &p[0]), (&p[1], &p[2])] {
                    let mut img = a3_sheet(left, right);
                    if flipped {
                        img = raster::rotate(&img, 180);
                    }
                    let a = skew(&mut rng);
                    let img = scanner_noise(&img, a, opts.noise, rng.random());
                    out.push(encode(&img, opts.encoding));
                }
            }
        } else {
            let hand =
                (!opts.hand_fonts.is_empty()).then(|| &opts.hand_fonts[i % opts.hand_fonts.len()]);
            for page in copy_pages(s, opts.pages_per_copy, opts.dpi, opts.lines, seed, hand) {
                let page = if flipped {
                    raster::rotate(&page, 180)
                } else {
                    page
                };
                let a = skew(&mut rng);
                let img = scanner_noise(&page, a, opts.noise, rng.random());
                out.push(encode(&img, opts.encoding));
            }
        }
    }
    out
}

/// A batch PDF.
pub fn batch_pdf(students: &[SynthStudent], opts: &SynthOptions) -> Vec<u8> {
    pdf_of_images(&batch_images(students, opts), opts.dpi)
}

/// A roster CSV (Pronote-like: `Nom;Prénom;Né(e) le;Classe`) of these students in `class`.
pub fn roster_csv(students: &[SynthStudent], class: &str) -> String {
    let mut csv = String::from("Nom;Pr\u{e9}nom;N\u{e9}(e) le;Classe\n");
    for s in students {
        csv.push_str(&format!(
            "{};{};{};{class}\n",
            s.last_name, s.first_name, s.birth_date
        ));
    }
    csv
}

/// A class of students with French names (accents, hyphens, apostrophes).
pub fn students(n: usize) -> Vec<SynthStudent> {
    const LAST: &[&str] = &[
        "MARTIN",
        "BERNARD",
        "DUBOIS",
        "THOMAS",
        "ROBERT",
        "RICHARD",
        "PETIT",
        "DURAND",
        "LEROY",
        "MOREAU",
        "SIMON",
        "LAURENT",
        "LEFEBVRE",
        "MICHEL",
        "GARCIA",
        "DAVID",
        "BERTRAND",
        "ROUX",
        "VINCENT",
        "FOURNIER",
        "MOREL",
        "GIRARD",
        "ANDR\u{c9}",
        "MERCIER",
        "DUPONT",
        "LAMBERT",
        "BONNET",
        "FRAN\u{c7}OIS",
        "MARTINEZ",
        "BEN SALAH",
        "N'DIAYE",
        "LE GALL",
        "C\u{d4}T\u{c9}",
        "SAINT-JUST",
        "H\u{c9}BERT",
    ];
    const FIRST: &[&str] = &[
        "Emma",
        "Louise",
        "Jade",
        "Alice",
        "Chlo\u{e9}",
        "Lina",
        "L\u{e9}a",
        "Anna",
        "Rose",
        "Gabriel",
        "Rapha\u{eb}l",
        "L\u{e9}o",
        "Louis",
        "Lucas",
        "Adam",
        "Hugo",
        "Jules",
        "Arthur",
        "Ma\u{eb}l",
        "Nathan",
        "Jean-Baptiste",
        "Zo\u{e9}",
        "In\u{e8}s",
        "No\u{e9}mie",
        "Th\u{e9}o",
    ];
    (0..n)
        .map(|i| SynthStudent {
            last_name: LAST[i % LAST.len()].to_string(),
            first_name: FIRST[(i * 7 + i / LAST.len()) % FIRST.len()].to_string(),
            birth_date: format!("{:02}/{:02}/{}", 1 + i % 28, 1 + i % 12, 2009 + i % 2),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raster::analyze;

    #[test]
    fn generated_pages_are_recognised_by_the_analysis() {
        let s = &students(1)[0];
        let header = a4_page(100, Some(s), 4, 1);
        let small = raster::resize_to_width(&header, 300);
        let a = analyze(&small);
        assert!(a.header_top, "{a:?}");
        assert_eq!(a.upside_down(), Some(false));
        let content = scanner_noise(&a4_page(100, None, 8, 2), 1.2, 0.3, 3);
        let a = analyze(&raster::resize_to_width(
            &raster::rotate(&content, 180),
            300,
        ));
        assert!(!a.header_top && !a.blank, "{a:?}");
        assert_eq!(a.upside_down(), Some(true));
        let blank = a4_page(100, None, 0, 4);
        assert!(analyze(&raster::resize_to_width(&blank, 300)).blank);
    }

    #[test]
    fn ccitt_pages_are_much_smaller_than_raw() {
        let page = a4_page(100, None, 6, 5);
        let g4 = ccitt_g4(&page);
        assert!(!g4.is_empty() && g4.len() < (page.width() * page.height() / 8 / 4) as usize);
    }
}
