//! Reading the name header, locally (a text-recognition model run by rten for the rows of
//! boxes, Tesseract through leptess for free text; nothing leaves the server).
//!
//! The header crop is deskewed (the angle that makes its ruling sharpest), then its ruled lines
//! and rows of boxes are located from the image itself (no fixed offsets: printers and
//! scanners move the frame by millimetres): a row of boxes is a band between two ruled lines
//! crossed by regularly spaced vertical box edges. The rows, top to bottom, are the CMEN fields
//! *Nom de famille*, *Prénom(s)*, *Numéro d'inscription*, *Né(e) le*. Each row is read as one
//! line with its box edges erased by the PP-OCRv6 recogniser ([`model`]), restricted to
//! capitals, hyphen and apostrophe (digits for the number); the date's boxes are read one digit
//! at a time by [`crate::digits`]. Without boxes (plain paper), the crop's lines of text are
//! read by the same model and each field taken after its printed label ([`lines`]); only
//! when no line has a label is the whole crop read by Tesseract as free text ([`free_text`]).

use image::{GrayImage, Luma};
use leptess::{LepTess, Variable};

use korrigo_domain::lattice::Lattice;

use crate::{digits, raster};

mod free_text;
mod lines;
mod model;
pub use free_text::PRINTED_WORDS;

/// What was read in a header.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeaderRead {
    /// Capitals, hyphens, apostrophes and spaces, as read.
    pub last_name: String,
    pub first_name: String,
    /// Digits read in the candidate-number row.
    pub number: String,
    /// `dd/mm/yyyy` when the date row read as a plausible date.
    pub birth_date: Option<String>,
    /// The most likely digit of each written box of the date row, plausible or not.
    pub date_digits: String,
    /// Per box of the date row, left to right, how likely each digit is (all zeros for an
    /// empty box); empty when the row was not found.
    pub date_boxes: Vec<[f32; 10]>,
    /// The name rows' likelihoods, step by step (see [`Lattice`]); `None` without boxes or
    /// with nothing written.
    pub last_name_lattice: Option<Lattice>,
    pub first_name_lattice: Option<Lattice>,
    /// The boxes were found (else the fields come from a free-text read).
    pub boxes: bool,
    /// The skew corrected, in degrees.
    pub skew_deg: f32,
}

impl HeaderRead {
    /// What the matcher compares with the roster.
    pub fn to_reading(&self) -> korrigo_domain::identify::Reading {
        korrigo_domain::identify::Reading {
            last_name: self.last_name.clone(),
            first_name: self.first_name.clone(),
            birth_date: self.birth_date.clone(),
            date_digits: self.date_digits.clone(),
            date_boxes: self.date_boxes.clone(),
            last_name_lattice: self.last_name_lattice.clone(),
            first_name_lattice: self.first_name_lattice.clone(),
            number: self.number.clone(),
        }
    }
}

/// Why the OCR engine is unusable.
#[derive(Debug, thiserror::Error)]
#[error(
    "the OCR engine (Tesseract with French data) cannot start: {0}; install tesseract-ocr-fra (scripts/setup.sh)"
)]
pub struct OcrUnavailable(String);

const LETTERS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜ-'";
const DIGITS: &str = "0123456789";

/// A header reader: one Tesseract engine, reused from call to call (loading it takes a while).
/// Not shareable across threads: make one per worker thread.
pub struct HeaderReader {
    lt: LepTess,
    /// The text-recognition model for the rows of boxes.
    rows: model::RowModel,
}

impl std::fmt::Debug for HeaderReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HeaderReader")
    }
}

impl HeaderReader {
    /// Starts Tesseract with the French model.
    pub fn new() -> Result<HeaderReader, OcrUnavailable> {
        let lt = LepTess::new(None, "fra").map_err(|e| OcrUnavailable(e.to_string()))?;
        let rows = model::RowModel::new().map_err(OcrUnavailable)?;
        Ok(HeaderReader { lt, rows })
    }

    fn ocr(&mut self, img: &GrayImage, whitelist: &str, psm: &str) -> String {
        let _ = self.lt.set_variable(Variable::TesseditPagesegMode, psm);
        let _ = self
            .lt
            .set_variable(Variable::TesseditCharWhitelist, whitelist);
        let mut pgm = format!("P5\n{} {}\n255\n", img.width(), img.height()).into_bytes();
        pgm.extend_from_slice(img.as_raw());
        if self.lt.set_image_from_mem(&pgm).is_err() {
            return String::new();
        }
        self.lt.set_source_resolution(150);
        self.lt.get_utf8_text().unwrap_or_default()
    }

    /// Reads a header crop (upright, as the pipeline stores it).
    pub fn read(&mut self, crop: &GrayImage) -> HeaderRead {
        let (w, h) = crop.dimensions();
        if w < 100 || h < 40 {
            return HeaderRead::default();
        }
        let skew = estimate_skew(crop);
        let img = if skew.abs() > 0.05 {
            raster::rotate_small(crop, -skew.to_radians())
        } else {
            crop.clone()
        };
        let px_per_mm = w as f32 / 210.0;
        let rows = box_rows(&img, px_per_mm);
        let mut out = HeaderRead {
            skew_deg: skew,
            ..HeaderRead::default()
        };
        if rows.len() >= 2 {
            out.boxes = true;
            // Each row as one line for the recognition model, only the field's characters kept.
            // A name row: what the model makes of it, and its likelihoods for the matcher.
            let name = |me: &mut Self, r: &BoxRow| match row_image(&img, r, px_per_mm) {
                Some(row) => {
                    let (text, lattice) = me.rows.read_name(&row.line, &row.gaps, row.full);
                    (clean(&text), lattice)
                }
                None => (String::new(), None),
            };
            let f = fields(&rows);
            (out.last_name, out.last_name_lattice) = name(self, &rows[f.last_name]);
            (out.first_name, out.first_name_lattice) = name(self, &rows[f.first_name]);
            if let Some(row) = f.number.and_then(|i| row_image(&img, &rows[i], px_per_mm)) {
                out.number = self
                    .rows
                    .read(&row.line, model::Field::Number)
                    .replace(' ', "");
            }
            if let Some(r) = f.date.map(|i| &rows[i]) {
                // Handwritten digits: one box at a time (see `digits`).
                let boxes: Vec<[f32; 10]> = date_cells(&img, r, px_per_mm)
                    .iter()
                    .map(|cell| digits::read_digit(cell, px_per_mm).unwrap_or([0.0; 10]))
                    .collect();
                out.date_boxes = date_digit_boxes(boxes);
                out.date_digits = best_digits(&out.date_boxes);
                out.birth_date = parse_date_digits(&out.date_digits);
            }
        } else if let Some(l) = lines::read(&self.rows, &img, px_per_mm) {
            // Plain paper: each labelled line read by the model, the fields after their
            // labels, never the labels themselves.
            (out.last_name, out.last_name_lattice) = l.last_name.unwrap_or_default();
            (out.first_name, out.first_name_lattice) = l.first_name.unwrap_or_default();
            match l.date_boxes {
                Some(boxes) => {
                    out.date_digits = best_digits(&boxes);
                    out.date_boxes = boxes;
                }
                None => out.date_digits = l.date_digits.unwrap_or_default(),
            }
            out.birth_date = parse_date_digits(&out.date_digits);
        } else {
            // No labelled line found: Tesseract's free text, printed words left out.
            // Tesseract's time grows with the pixels: a finer scan is read at about 150 dpi.
            let img = if px_per_mm > 7.5 {
                let f = 6.0 / px_per_mm;
                image::imageops::resize(
                    &img,
                    (w as f32 * f).round() as u32,
                    (img.height() as f32 * f).round() as u32,
                    image::imageops::FilterType::Triangle,
                )
            } else {
                img
            };
            let text = self.ocr(
                &img,
                &format!("{LETTERS} abcdefghijklmnopqrstuvwxyzàâäçéèêëîïôöùûü:/()0123456789"),
                "6",
            );
            let (last, first, date) = free_text::fields(&text);
            out.last_name = last.to_uppercase();
            out.first_name = first.to_uppercase();
            out.birth_date = parse_date_digits(&date);
            out.date_digits = date;
        }
        out
    }
}

/// The most likely digit of each written box.
fn best_digits(boxes: &[[f32; 10]]) -> String {
    boxes
        .iter()
        .filter(|p| p.iter().any(|&x| x > 0.0))
        .map(|p| char::from(b'0' + digits::best(p)))
        .collect()
}

fn clean(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_string()
}

/// `ddmmyyyy` (possibly with noise) → `dd/mm/yyyy` when plausible.
pub fn parse_date_digits(raw: &str) -> Option<String> {
    let d: String = raw.chars().filter(char::is_ascii_digit).collect();
    if d.len() != 8 {
        return None;
    }
    let (dd, mm, yyyy) = (&d[..2], &d[2..4], &d[4..]);
    let (day, month, year): (u32, u32, u32) =
        (dd.parse().ok()?, mm.parse().ok()?, yyyy.parse().ok()?);
    ((1..=31).contains(&day) && (1..=12).contains(&month) && (1900..=2100).contains(&year))
        .then(|| format!("{dd}/{mm}/{yyyy}"))
}

/// The skew of the crop's ruling, in degrees (positive: lines go down to the right), found as
/// the angle that concentrates dark pixels on the fewest rows.
fn estimate_skew(img: &GrayImage) -> f32 {
    let (w, h) = img.dimensions();
    let mut dark = Vec::new();
    for y in 0..h {
        for x in (0..w).step_by(2) {
            if img.get_pixel(x, y).0[0] < 110 {
                dark.push((x as f32, y as f32));
            }
        }
    }
    if dark.len() < 50 {
        return 0.0;
    }
    let mut best = (0.0f32, 0.0f64);
    // Room for the lines' shift across the width at the steepest angle tried (tan 3.5° < 0.07).
    let offset = w as f32 * 0.07 + 10.0;
    let mut counts = vec![0u32; h as usize + 2 * offset as usize + 2];
    // Up to ±3.5°: scanners skew pages by up to 3°.
    for step in -44i32..=44 {
        let deg = step as f32 * 0.08;
        let t = deg.to_radians().tan();
        counts.iter_mut().for_each(|c| *c = 0);
        for &(x, y) in &dark {
            let r = (y - x * t + offset) as usize;
            if r < counts.len() {
                counts[r] += 1;
            }
        }
        let score: f64 = counts.iter().map(|&c| (c as f64) * (c as f64)).sum();
        if score > best.1 {
            best = (deg, score);
        }
    }
    best.0
}

/// The runs of `true` in `flags`, as (first, one past the last).
fn runs(flags: &[bool]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < flags.len() {
        if flags[i] {
            let start = i;
            while i < flags.len() && flags[i] {
                i += 1;
            }
            out.push((start, i));
        } else {
            i += 1;
        }
    }
    out
}

/// A row of boxes: between two ruled lines, with its box edges from the first to the last.
#[derive(Debug, Clone)]
struct BoxRow {
    top: u32,
    bottom: u32,
    /// Columns of the box edges.
    edges: Vec<u32>,
    /// Per space between two edges: no ruled line runs above or below it (the space between
    /// two groups of boxes, however wide, is no box).
    open: Vec<bool>,
    /// How far ink of an edge or ruled line reaches past its middle or end, pixels (thin
    /// boxes: 1; thick ones more): what the reading stays clear of.
    reach: u32,
    /// How far the ruled lines' ink reaches into the band, pixels: what the reading stays
    /// clear of above and below (less than beside, so that letters written down to the line
    /// keep their feet).
    rule_reach: u32,
}

impl BoxRow {
    /// The rows read, clear of the ruled lines above and below.
    fn inside(&self, px_per_mm: f32) -> (u32, u32) {
        let m = ((0.25 * px_per_mm).ceil() as u32).max(2) + self.rule_reach.saturating_sub(1);
        (self.top + m, self.bottom.saturating_sub(m))
    }

    /// The boxes, as their left and right edges: the spaces between edges as wide as the row's
    /// usual box and closed by the ruled lines; the gaps between groups of boxes (day, month,
    /// year) left out, narrower or open.
    fn boxes(&self) -> Vec<(u32, u32)> {
        let mut widths: Vec<u32> = self.edges.windows(2).map(|e| e[1] - e[0]).collect();
        widths.sort_unstable();
        let Some(&pitch) = widths.get(widths.len() / 2) else {
            return Vec::new();
        };
        self.edges
            .windows(2)
            .zip(&self.open)
            .filter(|(e, open)| (e[1] - e[0]) * 4 >= pitch * 3 && !**open)
            .map(|(e, _)| (e[0], e[1]))
            .collect()
    }
}

/// The rows of boxes, printed dark or light: boxes printed light grey are looked for only when
/// too few rows were found as dark ones (a lighter threshold also takes in more of the noise).
fn box_rows(img: &GrayImage, px_per_mm: f32) -> Vec<BoxRow> {
    let rows = box_rows_at(img, px_per_mm, 140);
    if rows.len() >= 2 {
        return rows;
    }
    let light = box_rows_at(img, px_per_mm, 205);
    if light.len() >= 2 {
        return light;
    }
    // Fainter still: light boxes on a blurred or dull scan.
    let faint = box_rows_at(img, px_per_mm, 225);
    [rows, light, faint]
        .into_iter()
        .max_by_key(|r| r.len())
        .unwrap_or_default()
}

fn box_rows_at(img: &GrayImage, px_per_mm: f32, threshold: u8) -> Vec<BoxRow> {
    let (w, h) = img.dimensions();
    let min_run = (6.0 * px_per_mm) as u32;
    // Ruled rows: long dark runs adding up to 20 mm or more.
    let is_line: Vec<bool> = (0..h)
        .map(|y| {
            let (mut total, mut run) = (0u32, 0u32);
            for x in 0..w {
                if img.get_pixel(x, y).0[0] < threshold {
                    run += 1;
                } else {
                    if run >= min_run {
                        total += run;
                    }
                    run = 0;
                }
            }
            if run >= min_run {
                total += run;
            }
            total as f32 >= 20.0 * px_per_mm
        })
        .collect();
    // Lines: runs of ruled rows.
    let lines: Vec<(u32, u32)> = runs(&is_line)
        .into_iter()
        .map(|(a, b)| (a as u32, b as u32 - 1))
        .collect();
    let mut rows = Vec::new();
    for pair in lines.windows(2) {
        let (top, bottom) = (pair[0].1 + 1, pair[1].0);
        let band = bottom.saturating_sub(top);
        let mm = band as f32 / px_per_mm;
        if !(4.0..=10.0).contains(&mm) {
            continue;
        }
        // Box edges: columns dark over (nearly) the whole band and joining both ruled lines (a
        // tall pen stroke inside a box, a "1" say, stops short of them).
        let dark_at = |x: u32, y: u32| {
            (x.saturating_sub(1)..=(x + 1).min(w - 1)).any(|x| img.get_pixel(x, y).0[0] < threshold)
        };
        let edges: Vec<u32> = (0..w)
            .filter(|&x| {
                let dark = (top..bottom)
                    .filter(|&y| img.get_pixel(x, y).0[0] < threshold)
                    .count() as u32;
                dark * 10 >= band * 9
                    && (top..top + 2).all(|y| dark_at(x, y))
                    && (bottom - 2..bottom).all(|y| dark_at(x, y))
            })
            .collect();
        // Merge neighbouring columns into edges.
        // (first, last) column of each group of adjacent dark columns; an edge is its middle.
        let mut groups: Vec<(u32, u32)> = Vec::new();
        for x in edges {
            match groups.last_mut() {
                Some(g) if x <= g.1 + 3 => g.1 = x,
                _ => groups.push((x, x)),
            }
        }
        let merged: Vec<u32> = groups.iter().map(|g| (g.0 + g.1) / 2).collect();
        // The boxes: the longest run of edges at the row's pitch (3 to 9 mm), allowing the
        // small gaps between groups of boxes (day / month / year); the frame's sides and the
        // labels are far outside it.
        let (lo, hi) = ((3.0 * px_per_mm) as u32, (9.0 * px_per_mm) as u32);
        let mut gaps: Vec<u32> = merged
            .windows(2)
            .map(|p| p[1] - p[0])
            .filter(|g| (lo..=hi).contains(g))
            .collect();
        gaps.sort_unstable();
        let Some(&pitch) = gaps.get(gaps.len() / 2) else {
            continue;
        };
        let fits = |gap: u32| gap * 10 >= pitch * 3 && gap * 2 <= pitch * 5;
        let mut best: (usize, usize) = (0, 0);
        let mut start = 0;
        for i in 1..=merged.len() {
            if i == merged.len() || !fits(merged[i] - merged[i - 1]) {
                if i - start > best.1 - best.0 {
                    best = (start, i);
                }
                start = i;
            }
        }
        let run = &merged[best.0..best.1];
        if run.len() < 3 {
            continue;
        }
        // Squared or Seyès paper is no row of boxes: its upright lines go on past the ruled
        // lines, where a row's box edges stop (either way: the paper's first and last rows).
        let off = (0.7 * px_per_mm).ceil() as u32;
        let (above, below) = (pair[0].0.checked_sub(off), pair[1].1 + off);
        let beyond = run
            .iter()
            .filter(|&&x| above.is_some_and(|y| dark_at(x, y)) || (below < h && dark_at(x, below)))
            .count();
        if 2 * beyond > run.len() {
            continue;
        }
        // The edges' usual width, and the ruled lines': thick boxes push the reading inwards.
        let mut widths: Vec<u32> = groups[best.0..best.1]
            .iter()
            .map(|g| g.1 - g.0 + 1)
            .collect();
        widths.sort_unstable();
        let edge = widths[widths.len() / 2];
        let rule = (pair[0].1 - pair[0].0 + 1).max(pair[1].1 - pair[1].0 + 1);
        // A ruled line over a space: dark in one of its rows across most of the space's middle.
        let ruled = |(y0, y1): (u32, u32), x0: u32, x1: u32| {
            let (a, b) = (x0 + (x1 - x0) / 5, x1 - (x1 - x0) / 5);
            let dark = (a..b)
                .filter(|&x| (y0..=y1).any(|y| img.get_pixel(x, y).0[0] < threshold))
                .count() as u32;
            2 * dark >= b - a
        };
        let open = run
            .windows(2)
            .map(|e| !ruled(pair[0], e[0], e[1]) && !ruled(pair[1], e[0], e[1]))
            .collect();
        rows.push(BoxRow {
            top,
            bottom,
            edges: run.to_vec(),
            open,
            reach: (edge / 2).max(rule / 2).max(1),
            rule_reach: (rule / 2).max(1),
        });
    }
    rows
}

/// A row of boxes made one line of writing.
struct RowImage {
    line: GrayImage,
    /// Per column of `line`, whether it stands for an empty box between written ones.
    gaps: Vec<bool>,
    /// The row's last box is written.
    full: bool,
}

/// The inside of a row of boxes from its first to its last written box, box edges and ruling
/// erased, on a white margin. `None` when no box holds ink.
fn row_image(img: &GrayImage, r: &BoxRow, px_per_mm: f32) -> Option<RowImage> {
    let margin = ((0.45 * px_per_mm).ceil() as u32).max(2) + r.reach.saturating_sub(1);
    let (top, bottom) = r.inside(px_per_mm);
    if bottom <= top + 4 {
        return None;
    }
    // The paper's grey in this row, and what is ink against it: a blurred or dull scan greys
    // thin strokes, which a fixed threshold would lose.
    let (x0, x1) = (r.edges[0], *r.edges.last()?);
    let mut band: Vec<u8> = (top..bottom)
        .step_by(2)
        .flat_map(|y| (x0..x1).step_by(2).map(move |x| (x, y)))
        .map(|(x, y)| img.get_pixel(x, y).0[0])
        .collect();
    let paper = match band.len() {
        0 => 255,
        n => *band.select_nth_unstable(n * 4 / 5).1,
    };
    let (ink_below, keep_below) = (
        paper.saturating_sub(90).clamp(90, 150),
        paper.saturating_sub(70).clamp(140, 180),
    );
    // Ink per box, away from its edges. A box inked over half its inside holds a letter
    // crossed out (the densest letters ink a third of it): it counts as left empty.
    let inked: Vec<bool> = r
        .edges
        .windows(2)
        .map(|e| {
            let (x0, x1) = (e[0] + margin, e[1].saturating_sub(margin));
            let mut n = 0u32;
            for y in top..bottom {
                for x in x0..x1 {
                    if img.get_pixel(x, y).0[0] < ink_below {
                        n += 1;
                    }
                }
            }
            let area = (x1.saturating_sub(x0) * (bottom - top)).max(1);
            n as f32 > 0.6 * px_per_mm * px_per_mm && 2 * n < area
        })
        .collect();
    let first = inked.iter().position(|b| *b)?;
    let last = inked.iter().rposition(|b| *b)?;
    // The written boxes' insides side by side, like letters of a word (box edges gone); an
    // empty box between two written ones becomes a space.
    let pad = 12;
    let h = bottom - top;
    let pitch = (r.edges[first + 1] - r.edges[first]).max(1);
    let mut columns: Vec<Option<u32>> = Vec::new();
    let mut gaps = vec![false; pad as usize];
    for (i, written) in inked.iter().enumerate().take(last + 1).skip(first) {
        let (x0, x1) = (r.edges[i] + margin, r.edges[i + 1].saturating_sub(margin));
        if *written {
            columns.extend((x0..x1).map(Some));
            columns.extend(std::iter::repeat_n(None, 2));
            gaps.extend(std::iter::repeat_n(false, (x1 - x0) as usize + 2));
        } else {
            columns.extend(std::iter::repeat_n(None, (pitch / 2) as usize));
            gaps.extend(std::iter::repeat_n(true, (pitch / 2) as usize));
        }
    }
    gaps.extend(std::iter::repeat_n(false, pad as usize));
    let w = columns.len() as u32;
    let mut out = GrayImage::from_pixel(w + 2 * pad, h + 2 * pad, Luma([255]));
    for (cx, col) in columns.iter().enumerate() {
        let Some(x) = col else { continue };
        for y in 0..h {
            let v = img.get_pixel(*x, top + y).0[0];
            // Noise specks and faint marks go; pen strokes stay.
            if v <= keep_below {
                out.put_pixel(cx as u32 + pad, y + pad, Luma([v]));
            }
        }
    }
    Some(RowImage {
        line: out,
        gaps,
        full: last + 1 == inked.len(),
    })
}

/// Which row of boxes holds which field.
#[derive(Debug, PartialEq)]
struct Fields {
    last_name: usize,
    first_name: usize,
    number: Option<usize>,
    date: Option<usize>,
}

/// The rows' fields, told by their shape rather than their rank alone (a row whose boxes were
/// not found must not shift the others): the date is a row of eight boxes in groups (day,
/// month, year); the names are the first two rows above it, the number the row between. On a
/// header without such a date row, the CMEN order: name, first name, number, date.
fn fields(rows: &[BoxRow]) -> Fields {
    let date = rows
        .iter()
        .enumerate()
        .skip(2)
        .find(|(_, r)| {
            let boxes = r.boxes().len();
            let gaps = r.edges.len().saturating_sub(boxes + 1);
            boxes == 8 && gaps >= 1
        })
        .map(|(i, _)| i);
    match date {
        Some(d) => Fields {
            last_name: 0,
            first_name: 1,
            number: (d > 2).then_some(2),
            date: Some(d),
        },
        None => Fields {
            last_name: 0,
            first_name: 1,
            number: (rows.len() > 2).then_some(2),
            date: (rows.len() > 3).then_some(3),
        },
    }
}

/// The date's eight digits from a date row's boxes: a row of eight as it is (an empty box
/// keeps its place); on a longer row (equal rows of boxes, or the gaps between the CMEN
/// model's groups taken for boxes) the written boxes, without the slashes when ten were
/// written as `dd/mm/yyyy`.
fn date_digit_boxes(boxes: Vec<[f32; 10]>) -> Vec<[f32; 10]> {
    if boxes.len() <= 8 {
        return boxes;
    }
    let written: Vec<[f32; 10]> = boxes
        .iter()
        .filter(|b| b.iter().any(|&x| x > 0.0))
        .copied()
        .collect();
    eight_digits(written).unwrap_or(boxes)
}

/// A date's eight digits out of what was written: eight as they are, ten without the
/// slashes at the third and sixth places; `None` for any other count.
fn eight_digits<T>(written: Vec<T>) -> Option<Vec<T>> {
    match written.len() {
        8 => Some(written),
        10 => Some(
            written
                .into_iter()
                .enumerate()
                .filter(|(i, _)| *i != 2 && *i != 5)
                .map(|(_, b)| b)
                .collect(),
        ),
        _ => None,
    }
}

/// The insides of a row's boxes, in order (see [`BoxRow::boxes`]).
fn date_cells(img: &GrayImage, r: &BoxRow, px_per_mm: f32) -> Vec<GrayImage> {
    let margin = ((0.4 * px_per_mm).ceil() as u32).max(2) + r.reach.saturating_sub(1);
    let (top, bottom) = r.inside(px_per_mm);
    r.boxes()
        .into_iter()
        .filter(|&(left, right)| right > left + 2 * margin && bottom > top)
        .map(|(left, right)| {
            image::imageops::crop_imm(
                img,
                left + margin,
                top,
                right - left - 2 * margin,
                bottom - top,
            )
            .to_image()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row of `groups` of boxes 30 px wide, 18 px between groups.
    fn row(groups: &[usize]) -> BoxRow {
        let mut edges = vec![100];
        for (g, n) in groups.iter().enumerate() {
            if g > 0 {
                edges.push(edges.last().unwrap() + 18);
            }
            for _ in 0..*n {
                edges.push(edges.last().unwrap() + 30);
            }
        }
        let open = edges.windows(2).map(|e| e[1] - e[0] == 18).collect();
        BoxRow {
            top: 0,
            bottom: 38,
            edges,
            open,
            reach: 1,
            rule_reach: 1,
        }
    }

    #[test]
    fn fields_are_told_by_the_rows_shapes() {
        let (name, number, date) = (row(&[28]), row(&[12]), row(&[2, 2, 4]));
        let all = [name.clone(), name.clone(), number.clone(), date.clone()];
        assert_eq!(
            fields(&all),
            Fields {
                last_name: 0,
                first_name: 1,
                number: Some(2),
                date: Some(3)
            }
        );
        // The number row not found: the date is still the date.
        let f = fields(&[name.clone(), name.clone(), date]);
        assert_eq!((f.number, f.date), (None, Some(2)));
        // No date-shaped row: the CMEN order.
        let f = fields(&[name.clone(), name.clone(), number.clone()]);
        assert_eq!((f.number, f.date), (Some(2), None));
        // The CMEN model's date: gaps between its groups as wide as a box, but open (no ruled
        // line over them): still eight boxes, still the date.
        let mut cmen = row(&[2, 2, 4]);
        let mut edges = vec![100];
        for w in [30, 30, 32, 30, 30, 32, 30, 30, 30, 30] {
            edges.push(edges.last().unwrap() + w);
        }
        cmen.open = edges.windows(2).map(|e| e[1] - e[0] == 32).collect();
        cmen.edges = edges;
        assert_eq!(cmen.boxes().len(), 8);
        let f = fields(&[name.clone(), name, number, cmen]);
        assert_eq!(f.date, Some(3));
    }

    #[test]
    fn a_date_written_with_its_slashes_in_boxes_keeps_its_eight_digits() {
        let digit = |d: usize| {
            let mut p = [0.01f32; 10];
            p[d] = 0.9;
            p
        };
        let empty = [0.0f32; 10];
        // 01/02/2009 in a row of 24 boxes, the slashes read as ones, the rest empty.
        let mut row: Vec<[f32; 10]> = [0, 1, 1, 0, 2, 1, 2, 0, 0, 9]
            .into_iter()
            .map(digit)
            .collect();
        row.extend([empty; 14]);
        let kept: Vec<u8> = date_digit_boxes(row).iter().map(digits::best).collect();
        assert_eq!(kept, [0, 1, 0, 2, 2, 0, 0, 9]);
        // Eight boxes stay as they are, an empty one in its place.
        let eight = vec![
            digit(0),
            empty,
            digit(0),
            digit(2),
            digit(2),
            digit(0),
            digit(0),
            digit(9),
        ];
        assert_eq!(date_digit_boxes(eight.clone()), eight);
        // Anything else is left for the text comparison.
        let odd: Vec<[f32; 10]> = (0..12).map(|_| digit(3)).collect();
        assert_eq!(date_digit_boxes(odd.clone()).len(), 12);
    }

    #[test]
    fn dates_are_read_only_when_plausible() {
        assert_eq!(parse_date_digits("01 01 2009"), Some("01/01/2009".into()));
        assert_eq!(parse_date_digits("31122010"), Some("31/12/2010".into()));
        assert_eq!(parse_date_digits("3212201"), None);
        assert_eq!(parse_date_digits("45012009"), None);
    }
}
