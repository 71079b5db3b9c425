//! What a page preview's handwriting says of the page's orientation: where its lines start and
//! end, and where it sits on the paper's ruling.

use image::GrayImage;

use super::straight_runs;

/// How much darker than the paper a preview's pixel must be to count as writing: fainter
/// than a pen stroke averaged with its paper, darker than a grid line's broken trace.
const INK_CONTRAST: u8 = 50;
/// How much darker than the paper a pixel of ruling is at least: a printed line, light as it
/// is, averaged with its paper in a preview.
const RULING_CONTRAST: u8 = 12;

/// The handwriting of a preview.
pub(crate) struct Writing {
    /// Pixels of ink, as (x, y): clearly darker than the paper, less the long straight runs
    /// (ruling, grid, margin, frames).
    pub(super) ink: Vec<(i32, i32)>,
    /// The lines' slope (the page's skew), as dy / dx.
    slope: f32,
    /// The paper's shade.
    paper: u8,
    /// Where the long straight runs are (ruling and frames dark enough to count as ink).
    line: Vec<bool>,
}

impl Writing {
    /// The row of `(x, y)` once the page's skew is taken out.
    pub(super) fn row(&self, x: i32, y: i32) -> i32 {
        y - (x as f32 * self.slope).round() as i32
    }
}

/// The handwriting of a preview, or `None` when there is almost none. Ink is anything clearly
/// darker than the paper (in a preview a pen stroke is averaged with the paper around it, the
/// more so the finer the scan), away from the frame's rows and the margin line's columns;
/// the skew is the slope (within ±4°) along which the rows of ink are sharpest.
pub(crate) fn writing(img: &GrayImage, frame_rows: &[u32], margin: &[bool]) -> Option<Writing> {
    let (w, h) = img.dimensions();
    let raw = img.as_raw();
    let mut shades: Vec<u8> = raw.iter().step_by(7).copied().collect();
    shades.sort_unstable();
    let paper = shades[shades.len() * 7 / 10];
    let ink_below = paper.saturating_sub(INK_CONTRAST);
    let (x0, x1) = (w / 40, w - w / 40);
    let (y0, y1) = (h / 40, h - h / 40);
    let dark: Vec<bool> = raw.iter().map(|&v| v < ink_below).collect();
    // Straight runs longer than a twentieth of the page's width are lines, not writing.
    let line = straight_runs(&dark, w as usize, (w / 20).max(8) as usize, 0);
    let mut ink: Vec<(i32, i32)> = vec![];
    for y in y0..y1 {
        if frame_rows.contains(&y) {
            continue;
        }
        for x in x0..x1 {
            let i = (y * w + x) as usize;
            if dark[i] && !line[i] && !margin[x as usize] {
                ink.push((x as i32, y as i32));
            }
        }
    }
    if ink.len() < 50 {
        return None;
    }
    let mut writing = Writing {
        ink,
        slope: 0.0,
        paper,
        line,
    };
    let mut best = (0u64, 0.0f32);
    for step in -16i32..=16 {
        writing.slope = (step as f32 * 0.25).to_radians().tan();
        let sharp: u64 = writing
            .histogram((w, h))
            .1
            .iter()
            .map(|&c| u64::from(c) * u64::from(c))
            .sum();
        if sharp > best.0 {
            best = (sharp, writing.slope);
        }
    }
    writing.slope = best.1;
    Some(writing)
}

impl Writing {
    /// The ink's rows once the skew is taken out, counted: `(pad, counts)`, row `r` of the
    /// page at `counts[r + pad]` (a skewed row can fall above the page's first).
    pub(super) fn histogram(&self, (w, h): (u32, u32)) -> (i32, Vec<u32>) {
        let pad = (w as f32 * 0.08) as i32;
        let mut counts = vec![0u32; (h as i32 + 2 * pad) as usize];
        for &(x, y) in &self.ink {
            let r = self.row(x, y) + pad;
            if r >= 0 && (r as usize) < counts.len() {
                counts[r as usize] += 1;
            }
        }
        (pad, counts)
    }
}

/// The written lines' alignment: handwriting starts every line at the same place on the left
/// (the margin, or the page's edge) and ends it wherever the sentence ends. Upside down, the
/// ragged side is on the left. The lines are the bands of rows holding ink, the skew taken
/// out.
/// Each line's first and last inked columns are compared by their spread (the interquartile
/// range) over the page. `None` below four lines, or when neither side is clearly steadier
/// than the other (centred formulas, lines written to the edge).
pub(crate) fn text_alignment(img: &GrayImage, writing: &Writing) -> Option<bool> {
    let (w, h) = img.dimensions();
    let (pad, hist) = writing.histogram((w, h));
    let rows = hist.len();
    // Lines: runs of sheared rows with ink (a few pixels: a speck is not a line).
    let mut bands: Vec<(i32, i32)> = vec![];
    let mut start: Option<usize> = None;
    for r in 0..=rows {
        let on = hist.get(r).is_some_and(|&c| c >= 3);
        match (on, start) {
            (true, None) => start = Some(r),
            (false, Some(s)) => {
                if r - s >= 2 {
                    bands.push((s as i32 - pad, r as i32 - pad));
                }
                start = None;
            }
            _ => {}
        }
    }
    let mut ends: Vec<(i32, i32)> = bands.iter().map(|_| (i32::MAX, i32::MIN)).collect();
    for &(x, y) in &writing.ink {
        let r = writing.row(x, y);
        if let Ok(b) = bands.binary_search_by(|&(a, z)| {
            if z <= r {
                std::cmp::Ordering::Less
            } else if a > r {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        }) {
            ends[b].0 = ends[b].0.min(x);
            ends[b].1 = ends[b].1.max(x);
        }
    }
    // A line is at least a fifth of the page wide (not a lone word or a page number).
    let (mut lefts, mut rights): (Vec<i32>, Vec<i32>) = ends
        .into_iter()
        .filter(|&(l, r)| r > l && r - l >= w as i32 / 5)
        .unzip();
    if lefts.len() < 4 {
        return None;
    }
    let spread = |v: &mut Vec<i32>| {
        v.sort_unstable();
        let n = v.len();
        v[(3 * n) / 4] - v[n / 4]
    };
    let (sl, sr) = (spread(&mut lefts), spread(&mut rights));
    // One side steady (within a thirtieth of the page, or a third of the other's spread),
    // the other at least three times as spread and ragged by more than a twentieth.
    let steady = w as i32 / 30;
    let ragged = w as i32 / 20;
    if sl <= steady.max(sr / 3) && sr >= ragged && sr >= 3 * sl.max(1) {
        Some(false)
    } else if sr <= steady.max(sl / 3) && sl >= ragged && sl >= 3 * sr.max(1) {
        Some(true)
    } else {
        None
    }
}

/// Where the writing sits on lined paper: on the ruled lines, its letters above each line (a
/// descender's tail below it is little ink), so upright most of the ink between two ruled
/// lines is in the lower half of the gap, and upside down in the upper half. This tells a
/// page written from edge to edge, whose lines' starts and ends say nothing.
///
/// The ruled lines are rows, the skew taken out, where much of the width is ruling: darker
/// than the paper by the ruling's contrast and lighter than ink, or a long straight run. Only regular ruling of 6.5 mm or more counts:
/// Seyès paper's fine lines and 5 mm squares cut the writing's height in pieces that say
/// nothing of its side. `None` below six gaps with writing, or when neither half holds three
/// times the other's ink.
pub(crate) fn text_on_lines(img: &GrayImage, writing: &Writing) -> Option<bool> {
    let (w, h) = img.dimensions();
    let raw = img.as_raw();
    let ruling_below = writing.paper.saturating_sub(RULING_CONTRAST);
    let ink_below = writing.paper.saturating_sub(INK_CONTRAST);
    let (x0, x1) = (w / 40, w - w / 40);
    let (pad, ink) = writing.histogram((w, h));
    let mut ruled = vec![0u32; (h as i32 + 2 * pad) as usize];
    for y in 0..h {
        for x in x0..x1 {
            let i = (y * w + x) as usize;
            // Light ruling is between paper and ink; dark ruling is a straight run.
            if (ink_below..ruling_below).contains(&raw[i]) || writing.line[i] {
                let r = writing.row(x as i32, y as i32) + pad;
                if r >= 0 && (r as usize) < ruled.len() {
                    ruled[r as usize] += 1;
                }
            }
        }
    }
    // Ruled rows: a peak covering 40 % of the width; a line split over two rows counts once.
    let across = (x1 - x0) * 2 / 5;
    let mut lines: Vec<i32> = vec![];
    for r in 1..ruled.len().saturating_sub(1) {
        let c = ruled[r];
        if c >= across && c >= ruled[r - 1] && c >= ruled[r + 1] {
            let r = r as i32 - pad;
            if lines.last().is_none_or(|&l| r - l > 2) {
                lines.push(r);
            }
        }
    }
    let mut gaps: Vec<i32> = lines.windows(2).map(|p| p[1] - p[0]).collect();
    if gaps.len() < 6 {
        return None;
    }
    gaps.sort_unstable();
    let usual = gaps[gaps.len() / 2];
    let px_per_mm = w as f32 / 210.0;
    let regular = gaps
        .iter()
        .filter(|&&g| (g as f32 - usual as f32).abs() <= usual as f32 * 0.2)
        .count();
    if (usual as f32) < 6.5 * px_per_mm || regular * 10 < gaps.len() * 8 {
        return None;
    }
    // The ink of each usual gap, in its upper and lower halves (the middle row shared).
    let (mut upper, mut lower, mut written) = (0u32, 0u32, 0);
    for pair in lines.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if ((b - a) as f32 - usual as f32).abs() > usual as f32 * 0.2 {
            continue;
        }
        let (mut up, mut low) = (0, 0);
        for r in a + 1..b {
            let c = ink.get((r + pad) as usize).copied().unwrap_or(0);
            match (2 * r).cmp(&(a + b)) {
                std::cmp::Ordering::Less => up += c,
                std::cmp::Ordering::Greater => low += c,
                std::cmp::Ordering::Equal => {}
            }
        }
        if up + low > 0 {
            written += 1;
        }
        upper += up;
        lower += low;
    }
    if written < 6 {
        None
    } else if lower >= 3 * upper.max(1) {
        Some(false)
    } else if upper >= 3 * lower.max(1) {
        Some(true)
    } else {
        None
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::synth::{self, PageStyle, Paper};

    /// A preview of a page written from edge to edge on `paper`, no margin line, upright or
    /// turned.
    fn page(paper: Paper, turned: bool, seed: u64) -> GrayImage {
        page_at(paper, turned, seed, 300)
    }

    /// [`page`], its preview `width` pixels across or more.
    pub(crate) fn page_at(paper: Paper, turned: bool, seed: u64, width: u32) -> GrayImage {
        let style = PageStyle {
            paper,
            margin: false,
            line_end: (188.0, 195.0),
            ..PageStyle::default()
        };
        let fonts = synth::handwriting_fonts();
        let page = synth::a4_page_styled(150, None, 30, seed, fonts.get(1), &style);
        let page = if turned {
            crate::raster::rotate(&page, 180)
        } else {
            page
        };
        crate::raster::preview(&synth::scanner_noise(&page, 1.0, 0.3, seed), width)
    }

    fn clues(img: &GrayImage) -> (Option<bool>, Option<bool>) {
        let margin = vec![false; img.width() as usize];
        let w = writing(img, &[], &margin).expect("a written page");
        (text_alignment(img, &w), text_on_lines(img, &w))
    }

    #[test]
    fn writing_on_lined_paper_tells_its_side_where_its_lines_do_not() {
        for seed in [1, 2] {
            // Lines written to the edge: their starts and ends say nothing.
            assert_eq!(clues(&page(Paper::Lined, false, seed)), (None, Some(false)));
            assert_eq!(clues(&page(Paper::Lined, true, seed)), (None, Some(true)));
        }
    }

    #[test]
    fn fine_ruling_and_squares_tell_nothing() {
        for paper in [Paper::Seyes, Paper::Squared, Paper::Plain] {
            for turned in [false, true] {
                assert_eq!(clues(&page(paper, turned, 3)).1, None, "{paper:?}");
            }
        }
    }
}
