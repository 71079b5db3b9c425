//! Corpora for measuring the page checks on pages drawn differently from the ones they were
//! tuned on: variants along independent axes (paper, margin line and its ink, where lines end,
//! handwriting, resolution, skew), split into the variants used while tuning and the held-out
//! ones that report. `korrigo bench orientation` prints the figures; the tests hold the line.
//! [`labels`] does the same for identification labels (`korrigo bench labels`).

use image::GrayImage;

pub mod labels;

use crate::raster;
use crate::synth::{self, Encoding, PageStyle, Paper};

/// One variant of body pages.
#[derive(Clone, Debug)]
pub struct PageVariant {
    pub name: &'static str,
    pub style: PageStyle,
    /// The hand the page is written in.
    pub font: Hand,
    pub dpi: u32,
    /// Maximum skew, degrees either way.
    pub skew_deg: f32,
    /// Not used while tuning: these variants report.
    pub held_out: bool,
}

/// A page's hand.
#[derive(Clone, Copy, Debug)]
pub enum Hand {
    /// DejaVu Sans, the printed look.
    Printed,
    /// One of [`synth::handwriting_fonts`], the hands the checks were built with.
    Tuning(usize),
    /// One of [`synth::held_out_handwriting_fonts`], never looked at while building them.
    HeldOut(usize),
    /// One of [`synth::unseen_handwriting_fonts`], never looked at while building the
    /// writer's shapes.
    Unseen(usize),
}

fn style(paper: Paper, margin: bool, margin_ink: u8, line_end: (f32, f32)) -> PageStyle {
    PageStyle {
        paper,
        margin,
        margin_ink,
        line_end,
        ..PageStyle::default()
    }
}

/// The orientation corpus: the variants tuned on and the held-out ones. Several write every
/// line to the page's edge with no margin line: on lined paper the writing's place on the
/// ruling tells; on squared, plain or Seyès paper nothing on the page does, and the copy's
/// hand must tell, or the page be flagged, never turned wrong. Variants were added as clues
/// were built, each time in hands never looked at (the comments below say when).
pub fn orientation_variants() -> Vec<PageVariant> {
    let v = |name, style, font, dpi, skew_deg, held_out| PageVariant {
        name,
        style,
        font,
        dpi,
        skew_deg,
        held_out,
    };
    let usual = (120.0, 195.0);
    vec![
        v(
            "lined, grey margin, dkg, 150 dpi, 1°",
            style(Paper::Lined, true, 120, usual),
            Hand::Tuning(0),
            150,
            1.0,
            false,
        ),
        v(
            "squared, no margin, dkg, 150 dpi, 1°",
            style(Paper::Squared, false, 0, usual),
            Hand::Tuning(0),
            150,
            1.0,
            false,
        ),
        v(
            "Seyès, red margin, Breip, 200 dpi, 2°",
            style(Paper::Seyes, true, 150, usual),
            Hand::Tuning(1),
            200,
            2.0,
            true,
        ),
        v(
            "plain, no margin, Humor, 150 dpi, 2°",
            style(Paper::Plain, false, 0, usual),
            Hand::Tuning(2),
            150,
            2.0,
            true,
        ),
        v(
            "lined, no margin, Breip, 300 dpi, 3°",
            style(Paper::Lined, false, 0, usual),
            Hand::Tuning(1),
            300,
            3.0,
            true,
        ),
        v(
            "Seyès, no margin, Humor, 150 dpi, 1°",
            style(Paper::Seyes, false, 0, usual),
            Hand::Tuning(2),
            150,
            1.0,
            true,
        ),
        v(
            "squared, grey margin, printed, 200 dpi, 2°",
            style(Paper::Squared, true, 120, usual),
            Hand::Printed,
            200,
            2.0,
            true,
        ),
        v(
            "lined, red margin, short lines, Humor, 150 dpi, 2°",
            style(Paper::Lined, true, 150, (60.0, 195.0)),
            Hand::Tuning(2),
            150,
            2.0,
            true,
        ),
        v(
            "lined, no margin, lines to the edge, Breip, 150 dpi, 1°",
            style(Paper::Lined, false, 0, (188.0, 195.0)),
            Hand::Tuning(1),
            150,
            1.0,
            true,
        ),
        // Added once the ruling's clue was built, with hands it never saw.
        v(
            "lined, no margin, lines to the edge, Kristi, 200 dpi, 2°",
            style(Paper::Lined, false, 0, (188.0, 195.0)),
            Hand::HeldOut(1),
            200,
            2.0,
            true,
        ),
        v(
            "lined, no margin, lines to the edge, Klee, 300 dpi, 3°",
            style(Paper::Lined, false, 0, (188.0, 195.0)),
            Hand::HeldOut(3),
            300,
            3.0,
            true,
        ),
        v(
            "lined, grey margin, Comic Neue, 150 dpi, 2°",
            style(Paper::Lined, true, 120, (120.0, 195.0)),
            Hand::HeldOut(0),
            150,
            2.0,
            true,
        ),
        v(
            "squared, no margin, lines to the edge, Dancing Script, 150 dpi, 1°",
            style(Paper::Squared, false, 0, (188.0, 195.0)),
            Hand::HeldOut(2),
            150,
            1.0,
            true,
        ),
        // Added once the copy's hand was a clue: pages written to the edge on paper whose
        // ruling tells nothing, the first to tune on, the others in hands never looked at.
        v(
            "plain, no margin, lines to the edge, dkg, 150 dpi, 1°",
            style(Paper::Plain, false, 0, (188.0, 195.0)),
            Hand::Tuning(0),
            150,
            1.0,
            false,
        ),
        v(
            "squared, no margin, lines to the edge, Cabin Sketch, 200 dpi, 2°",
            style(Paper::Squared, false, 0, (188.0, 195.0)),
            Hand::HeldOut(4),
            200,
            2.0,
            true,
        ),
        v(
            "plain, no margin, lines to the edge, Cabin Sketch, 300 dpi, 3°",
            style(Paper::Plain, false, 0, (188.0, 195.0)),
            Hand::HeldOut(4),
            300,
            3.0,
            true,
        ),
        v(
            "plain, no margin, lines to the edge, Klee, 150 dpi, 1°",
            style(Paper::Plain, false, 0, (188.0, 195.0)),
            Hand::HeldOut(3),
            150,
            1.0,
            true,
        ),
        v(
            "Seyès, no margin, lines to the edge, Comic Neue, 200 dpi, 2°",
            style(Paper::Seyes, false, 0, (188.0, 195.0)),
            Hand::HeldOut(0),
            200,
            2.0,
            false,
        ),
        v(
            "squared, no margin, lines to the edge, Kristi, 300 dpi, 1°",
            style(Paper::Squared, false, 0, (188.0, 195.0)),
            Hand::HeldOut(1),
            300,
            1.0,
            false,
        ),
        // Added once the writer's shapes were a clue (the two variants above, held out
        // before, were then tuned on), in hands never looked at.
        v(
            "squared, no margin, lines to the edge, BWHT Learn, 200 dpi, 2°",
            style(Paper::Squared, false, 0, (188.0, 195.0)),
            Hand::Unseen(0),
            200,
            2.0,
            true,
        ),
        v(
            "plain, no margin, lines to the edge, BWHT Organize, 150 dpi, 1°",
            style(Paper::Plain, false, 0, (188.0, 195.0)),
            Hand::Unseen(1),
            150,
            1.0,
            true,
        ),
        v(
            "Seyès, no margin, lines to the edge, BWHT Build, 300 dpi, 3°",
            style(Paper::Seyes, false, 0, (188.0, 195.0)),
            Hand::Unseen(2),
            300,
            3.0,
            true,
        ),
        v(
            "lined, grey margin, BWHT Connect, 150 dpi, 2°",
            style(Paper::Lined, true, 120, (120.0, 195.0)),
            Hand::Unseen(3),
            150,
            2.0,
            true,
        ),
        v(
            "squared, no margin, lines to the edge, BWHT Mentor, 300 dpi, 2°",
            style(Paper::Squared, false, 0, (188.0, 195.0)),
            Hand::Unseen(4),
            300,
            2.0,
            true,
        ),
        v(
            "Seyès, red margin, BWHT Create, 200 dpi, 3°",
            style(Paper::Seyes, true, 150, (120.0, 195.0)),
            Hand::Unseen(5),
            200,
            3.0,
            true,
        ),
        v(
            "squared, no margin, lines to the edge, Femke Klaver, 150 dpi, 2°",
            style(Paper::Squared, false, 0, (188.0, 195.0)),
            Hand::Unseen(6),
            150,
            2.0,
            true,
        ),
        v(
            "plain, no margin, lines to the edge, Rufscript, 200 dpi, 1°",
            style(Paper::Plain, false, 0, (188.0, 195.0)),
            Hand::Unseen(7),
            200,
            1.0,
            true,
        ),
        v(
            "Seyès, no margin, lines to the edge, Kaushan Script, 150 dpi, 2°",
            style(Paper::Seyes, false, 0, (188.0, 195.0)),
            Hand::Unseen(8),
            150,
            2.0,
            true,
        ),
    ]
}

/// One body page of a variant as the scanner gives it (JPEG), upright or turned.
pub fn body_page(v: &PageVariant, seed: u64, upside_down: bool) -> Vec<u8> {
    page_of(v, None, seed, upside_down)
}

/// A page of a variant with the student's header (and writing below it to the page's end).
pub fn header_page(v: &PageVariant, seed: u64, upside_down: bool) -> Vec<u8> {
    let student = synth::students(1).remove(0);
    page_of(v, Some(&student), seed, upside_down)
}

fn page_of(
    v: &PageVariant,
    header: Option<&synth::SynthStudent>,
    seed: u64,
    upside_down: bool,
) -> Vec<u8> {
    let fonts = match v.font {
        Hand::Printed => vec![],
        Hand::Tuning(_) => synth::handwriting_fonts(),
        Hand::HeldOut(_) => synth::held_out_handwriting_fonts(),
        Hand::Unseen(_) => synth::unseen_handwriting_fonts(),
    };
    let hand = match v.font {
        Hand::Printed => None,
        Hand::Tuning(i) | Hand::HeldOut(i) | Hand::Unseen(i) => fonts.get(i),
    };
    let page = synth::a4_page_styled(v.dpi, header, 30, seed, hand, &v.style);
    let page = if upside_down {
        raster::rotate(&page, 180)
    } else {
        page
    };
    // A skew within ± the variant's, from the seed.
    let skew = ((seed % 1000) as f32 / 1000.0 * 2.0 - 1.0) * v.skew_deg;
    let img: GrayImage = synth::scanner_noise(&page, skew, 0.3, seed);
    synth::encode(&img, Encoding::Jpeg).bytes
}

/// What the page checks said of a set of pages.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct OrientationScore {
    pub pages: usize,
    /// Turned the right way (upright left as is, upside-down turned).
    pub right: usize,
    /// Flagged "orientation unsure".
    pub unsure: usize,
    /// Turned the wrong way.
    pub wrong: usize,
    /// Decided by the writer's hand, learnt on the copy's other pages (right or wrong), when
    /// nothing on the page told.
    pub by_hand: usize,
    /// Pages the copy's hand was asked about, and the milliseconds it took (reading the
    /// copy's pages and deciding).
    pub asked: usize,
    pub hand_ms: f64,
}

impl OrientationScore {
    /// Adds another set's counts to this one's.
    pub fn merge(&mut self, other: OrientationScore) {
        self.pages += other.pages;
        self.right += other.right;
        self.unsure += other.unsure;
        self.wrong += other.wrong;
        self.by_hand += other.by_hand;
        self.asked += other.asked;
        self.hand_ms += other.hand_ms;
    }

    fn add(&mut self, truth: bool, said: Option<bool>) {
        self.pages += 1;
        match said {
            None => self.unsure += 1,
            Some(u) if u == truth => self.right += 1,
            Some(_) => self.wrong += 1,
        }
    }
}

/// Body pages per copy in [`score_orientation`] (each copy also has a header page).
const COPY_PAGES: usize = 4;

/// Reads `n` body pages of a variant (half of them upside down) as the scan pipeline does,
/// in copies of four body pages and a header page written by one hand: each page's preview
/// analysed and its orientation decided; then, for the pages nothing on them told, the
/// writer's hand learnt on the copy's pages turned right (the header page's writing below its
/// header first). Answers the score so, and with the frame and the margin line only (as
/// before the written lines counted).
pub fn score_orientation(
    v: &PageVariant,
    n: usize,
    seed: u64,
) -> Result<(OrientationScore, OrientationScore), String> {
    let mut now = OrientationScore::default();
    let mut margin_only = OrientationScore::default();
    let seed_of = |i: usize| seed.wrapping_mul(1_000_003).wrapping_add(i as u64);
    for first in (0..n).step_by(COPY_PAGES) {
        let mut pages = vec![];
        for i in first..(first + COPY_PAGES).min(n) {
            let upside = i % 2 == 1;
            let jpeg = body_page(v, seed_of(i), upside);
            let a = raster::analyze(&raster::jpeg_preview(&jpeg, 300)?);
            let before = raster::Analysis {
                text_upside_down: None,
                ..a
            };
            margin_only.add(upside, before.upside_down());
            pages.push((upside, a.upside_down(), jpeg));
        }
        if pages.iter().all(|p| p.1.is_some()) {
            pages.iter().for_each(|p| now.add(p.0, p.1));
            continue;
        }
        // The header page: turned one copy in two, its header deciding.
        let turned = (first / COPY_PAGES) % 2 == 1;
        let header = header_page(v, seed_of(n + first), turned);
        // As the pipeline does: the copy's pages turned right teach the hand, the header
        // page first.
        let rotation = |upside: bool| if upside { 180 } else { 0 };
        let header_side = raster::analyze(&raster::jpeg_preview(&header, 300)?).upside_down();
        let known: Vec<(&[u8], u16, bool)> = header_side
            .map(|up| (header.as_slice(), rotation(up), true))
            .into_iter()
            .chain(pages.iter().filter_map(|(_, said, jpeg)| {
                said.map(|up| (jpeg.as_slice(), rotation(up), false))
            }))
            .collect();
        let unsure: Vec<&[u8]> = pages
            .iter()
            .filter(|p| p.1.is_none())
            .map(|p| p.2.as_slice())
            .collect();
        let started = std::time::Instant::now();
        let by_hand = raster::turn_by_hand(&known, &unsure);
        now.hand_ms += started.elapsed().as_secs_f64() * 1000.0;
        now.asked += unsure.len();
        let mut by_hand = by_hand.into_iter();
        for (upside, said, _) in &pages {
            let said = said.or_else(|| {
                let hand = by_hand.next().flatten();
                now.by_hand += usize::from(hand.is_some());
                hand
            });
            now.add(*upside, said);
        }
    }
    Ok((now, margin_only))
}

/// Pages of one writer decided by another writer's pages (a page put in the wrong copy):
/// for each ordered pair of different hands (all the corpus's, printed aside), two pages of
/// the first, upright, teach [`raster::turn_by_hand`] and a page of the second is asked
/// about, upright and turned; plain paper written to the edge, 150 dpi, so that nothing on
/// the page tells.
pub fn score_foreign_hands(seed: u64) -> OrientationScore {
    let mut hands: Vec<Hand> = (0..synth::handwriting_fonts().len())
        .map(Hand::Tuning)
        .collect();
    hands.extend((0..synth::held_out_handwriting_fonts().len()).map(Hand::HeldOut));
    hands.extend((0..synth::unseen_handwriting_fonts().len()).map(Hand::Unseen));
    let variant = |font| PageVariant {
        name: "plain, no margin, lines to the edge, 150 dpi, 1°",
        style: style(Paper::Plain, false, 0, (188.0, 195.0)),
        font,
        dpi: 150,
        skew_deg: 1.0,
        held_out: true,
    };
    let seed_of = |i: usize, k: u64| seed.wrapping_mul(1_000_003).wrapping_add(4 * i as u64 + k);
    let pages: Vec<[Vec<u8>; 4]> = hands
        .iter()
        .enumerate()
        .map(|(i, &h)| {
            let v = variant(h);
            [0, 1, 2, 3].map(|k| body_page(&v, seed_of(i, k), k == 3))
        })
        .collect();
    let mut score = OrientationScore::default();
    for (a, teacher) in pages.iter().enumerate() {
        let known = [
            (teacher[0].as_slice(), 0, false),
            (teacher[1].as_slice(), 0, false),
        ];
        for (_, asked) in pages.iter().enumerate().filter(|&(b, _)| b != a) {
            let unsure = [asked[2].as_slice(), asked[3].as_slice()];
            let said = raster::turn_by_hand(&known, &unsure);
            score.add(false, said[0]);
            score.add(true, said[1]);
        }
    }
    score
}

/// How a generated page is scanned, for the corpora.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scanning {
    /// The page's resolution (it is drawn at it).
    pub dpi: u32,
    /// On the right half of an A3 copy double (the half the pipeline cuts out).
    pub a3: bool,
    /// A 3 × 3 blur (a scanner out of focus).
    pub blur: bool,
    /// Black and white only, thresholded at mid-grey.
    pub bilevel: bool,
    /// Stored as JPEG at this quality (none: as drawn).
    pub jpeg: Option<u8>,
    /// Printed "fit to page": the page shrunk to 94 %, centred on the sheet.
    pub fit: bool,
    /// The shadow of a fold or a binding along the left edge (12 mm, down to 55 % of the
    /// light).
    pub fold_shadow: bool,
    /// Four punched holes along the left edge (6 mm, 80 mm apart), black where the scanner's
    /// lid shows through; the top one beside the header.
    pub punched: bool,
}

impl Scanning {
    /// The worst way of the corpus: 200 dpi, printed "fit to page", blurred, a fold's shadow,
    /// punched, JPEG 40.
    pub fn bad() -> Scanning {
        Scanning {
            dpi: 200,
            blur: true,
            jpeg: Some(40),
            fit: true,
            fold_shadow: true,
            punched: true,
            ..Scanning::default()
        }
    }
}

/// `page` scanned as `s` says, skewed by `skew` degrees with specks: the page the pipeline
/// would store (for A3, the right half of the sheet).
pub fn scan(page: &GrayImage, s: &Scanning, skew: f32, seed: u64) -> GrayImage {
    let mut img = if s.a3 {
        let left = synth::a4_page(s.dpi, None, 6, seed + 1);
        let sheet = synth::scanner_noise(&synth::a3_sheet(&left, page), skew, 0.3, seed);
        let half = sheet.width() / 2;
        image::imageops::crop_imm(&sheet, half, 0, sheet.width() - half, sheet.height()).to_image()
    } else {
        synth::scanner_noise(page, skew, 0.3, seed)
    };
    let px_per_mm = s.dpi as f32 / 25.4;
    if s.fit {
        let (w, h) = img.dimensions();
        let (sw, sh) = ((w as f32 * 0.94) as u32, (h as f32 * 0.94) as u32);
        let small = image::imageops::resize(&img, sw, sh, image::imageops::FilterType::Triangle);
        let mut sheet = raster::white(w, h);
        image::imageops::overlay(
            &mut sheet,
            &small,
            ((w - sw) / 2) as i64,
            ((h - sh) / 2) as i64,
        );
        img = sheet;
    }
    if s.fold_shadow {
        let band = (12.0 * px_per_mm) as u32;
        for (x, _, p) in img.enumerate_pixels_mut() {
            if x < band {
                let light = 0.55 + 0.45 * x as f32 / band as f32;
                p.0[0] = (p.0[0] as f32 * light) as u8;
            }
        }
    }
    if s.punched {
        let r = 3.0 * px_per_mm;
        let cx = 11.0 * px_per_mm;
        for k in 0..4 {
            let cy = (28.5 + 80.0 * k as f32) * px_per_mm;
            for y in (cy - r).max(0.0) as u32..((cy + r) as u32).min(img.height()) {
                for x in (cx - r).max(0.0) as u32..((cx + r) as u32).min(img.width()) {
                    if (x as f32 - cx).powi(2) + (y as f32 - cy).powi(2) <= r * r {
                        img.put_pixel(x, y, image::Luma([25]));
                    }
                }
            }
        }
    }
    if s.blur {
        img = raster::blur3(&img);
    }
    if s.bilevel {
        for p in img.pixels_mut() {
            p.0[0] = if p.0[0] < 128 { 0 } else { 255 };
        }
    }
    if let Some(q) = s.jpeg {
        img = raster::jpeg_full_gray(&raster::encode_jpeg(&img, q)).unwrap_or(img);
    }
    img
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant: no page turned the wrong way; the variants whose lines show a steady
    /// left edge, a margin line or lined paper decided on every page by the page alone; pages
    /// written edge to edge on other paper decided by the copy's hand only, every page for the
    /// hands that lean clearly to one side (some hands do not: their pages are flagged).
    #[test]
    fn body_pages_are_turned_right_on_every_paper() {
        for v in orientation_variants() {
            let (s, _) = score_orientation(&v, 8, 11).unwrap();
            assert_eq!(s.wrong, 0, "{}: {s:?}", v.name);
            // Every page turned right, those written to the edge on paper that tells nothing
            // by their writer's hand.
            assert_eq!(s.right, s.pages, "{}: {s:?}", v.name);
            let to_edge = v.name.contains("lines to the edge") && v.style.paper != Paper::Lined;
            if to_edge {
                assert!(s.by_hand > 0, "{}: {s:?}", v.name);
            } else {
                assert_eq!(s.by_hand, 0, "{}: {s:?}", v.name);
            }
        }
    }

    #[test]
    fn a_page_in_the_wrong_copy_is_never_turned_by_the_copys_hand() {
        let s = score_foreign_hands(2);
        assert!(s.pages >= 2 * 17 * 16, "every hand installed: {s:?}");
        assert_eq!((s.wrong, s.unsure), (0, s.pages), "{s:?}");
    }
}
