//! A copy's writer's hand: what the copy's pages turned right (by their header, margin or
//! ruling) teach of it, and what it then tells of the copy's pages nothing else turned right.
//!
//! Two clues, each measured line by line on a page and learnt on the writer's pages:
//! - the **profile**: the share of a line's ink above its core (the letters' bodies) less the
//!   share below ([`HandProfile`]);
//! - the **shapes**: how often each small pattern of ink (the 8 neighbours of an inked pixel,
//!   a stroke's width away) occurs above, in and below the core. Turning a page upside down
//!   turns each pattern and swaps above and below, so only the difference between a pattern
//!   and its turned self counts; a hand repeats its own (where its strokes start and end,
//!   which side its bowls and stems are on), whatever its profile.

use image::GrayImage;

use super::writing::{Writing, writing};

/// How many of a copy's pages turned right teach [`turn_by_hand`] its writer's hand: the
/// first ones, the header page first.
pub const HAND_TEACHERS: usize = 3;

/// How far a clue's mean must be from even, in standard errors, to say a side.
const SURE: f32 = 3.0;
/// The same for a page's shapes along its writer's, higher: a page's shapes along its own
/// writer's stand 10 to 40 standard errors from even, so this costs nothing there and leaves
/// out a page only faintly like its copy's hand (another writer's page put in the copy can
/// stand far on either side: `korrigo bench orientation` measures it).
const SHAPES_SURE: f32 = 5.0;

/// For each of a copy's pages nothing on them turned right (`unsure`, JPEG images as
/// scanned), whether its writer's hand says it is upside down (`Some(true)`), upright
/// (`Some(false)`) or nothing: the hand learnt on the first [`HAND_TEACHERS`] of the copy's
/// pages turned right (`known`: each JPEG image with the rotation that shows it upright and
/// whether it has the name header), each image read at about 600 pixels across.
pub fn turn_by_hand(known: &[(&[u8], u16, bool)], unsure: &[&[u8]]) -> Vec<Option<bool>> {
    let read = |jpeg: &[u8]| super::jpeg_preview(jpeg, 600).ok();
    let upright: Vec<PageHand> = known
        .iter()
        .take(HAND_TEACHERS)
        .filter_map(|&(jpeg, rotation, header)| upright_page_hand(&read(jpeg)?, rotation, header))
        .collect();
    let writer = Writer::learn(&upright);
    unsure
        .iter()
        .map(|jpeg| writer.side(&page_hand(&read(jpeg)?)?))
        .collect()
}

/// A hand's profile on a page, as scanned: on each written line, the share of its ink above
/// the line's core (the letters' bodies) less the share below, in -1..1, averaged over the
/// page's lines.
///
/// Which side holds more depends on the hand (ascenders, capitals and accents above;
/// descenders, and loops as long as some hands draw them, below), so the profile says nothing
/// by itself; but one hand keeps it from page to page, and turning a page upside down turns
/// its sign.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct HandProfile {
    /// The lines' mean.
    pub(crate) mean: f32,
    /// Its standard error: the lines' spread over the square root of their number.
    pub(crate) error: f32,
}

impl HandProfile {
    /// The mean and standard error of the lines' values; `None` below two.
    fn of(values: impl Iterator<Item = f32>) -> Option<HandProfile> {
        let values: Vec<f32> = values.collect();
        if values.len() < 2 {
            return None;
        }
        let n = values.len() as f32;
        let mean = values.iter().sum::<f32>() / n;
        let var = values.iter().map(|d| (d - mean).powi(2)).sum::<f32>() / (n - 1.0);
        Some(HandProfile {
            mean,
            error: (var / n).sqrt(),
        })
    }

    /// Whether the page's own lines say its side: the mean at least three standard errors
    /// from even (and not even itself).
    fn sure(self) -> bool {
        self.mean != 0.0 && self.mean.abs() >= SURE * self.error
    }
}

/// One written line of a page, as the hand's clues measure it.
#[derive(Clone, Debug)]
struct LineHand {
    /// Its share of ink above the core less its share below (see [`HandProfile`]).
    share: f32,
    /// The shapes' clue: for each (zone, pattern), the pattern's frequency in the line less
    /// its turned self's (see [`shape_index`]).
    shapes: Vec<f32>,
}

/// A page's written lines; at least eight.
#[derive(Clone, Debug)]
struct PageHand {
    lines: Vec<LineHand>,
    /// The hand's look, whichever way up: each (zone, pattern)'s frequency on the page
    /// added to its turned self's (see [`shape_index`]).
    look: Vec<f32>,
}

impl PageHand {
    fn profile(&self) -> Option<HandProfile> {
        HandProfile::of(self.lines.iter().map(|l| l.share))
    }

    /// The page's lines' shapes projected on a writer's `direction`: positive on the
    /// writer's side.
    fn along(&self, direction: &[f32]) -> Option<HandProfile> {
        HandProfile::of(self.lines.iter().map(|l| dot(&l.shapes, direction)))
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The mean of lines' shapes.
fn mean_shapes<'a>(lines: impl Iterator<Item = &'a LineHand>) -> Vec<f32> {
    let mut sum = vec![0.0f32; SHAPES];
    let mut n = 0;
    for l in lines {
        sum.iter_mut().zip(&l.shapes).for_each(|(s, v)| *s += v);
        n += 1;
    }
    sum.iter_mut().for_each(|s| *s /= n.max(1) as f32);
    sum
}

/// How far apart two pages' looks (see [`PageHand::look`]) may be, summed over their
/// (zone, pattern)s, for the pages to be taken as one writer's: in the orientation corpus
/// (seed 1), a page stands 0.06 to 0.38 from its copy's hand, and 0.54 or more from another
/// hand's.
const LOOK_APART: f32 = 0.45;

fn apart(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum()
}

/// What a copy's pages turned right teach of its writer's hand.
struct Writer {
    /// The hand's look: the mean of the pages'; `None` when one of them looks like another
    /// hand's.
    look: Option<Vec<f32>>,
    /// The profile of the writer's pages taken together (their means weighted by their
    /// precision), `None` when there is none or one of the pages is sure of the other side.
    profile: Option<HandProfile>,
    /// The writer's shapes (the mean of the pages' lines), when they hold from page to page:
    /// each page sure of the upright side by the others' shapes (a page alone: each half of
    /// its lines, taken alternately, by the other half's).
    shapes: Option<Vec<f32>>,
}

impl Writer {
    fn learn(upright: &[PageHand]) -> Writer {
        let mut look = vec![0.0f32; SHAPES];
        for p in upright {
            look.iter_mut().zip(&p.look).for_each(|(l, v)| *l += v);
        }
        look.iter_mut()
            .for_each(|l| *l /= upright.len().max(1) as f32);
        let look = (!upright.is_empty()
            && upright.iter().all(|p| apart(&p.look, &look) <= LOOK_APART))
        .then_some(look);
        let profiles: Vec<HandProfile> = upright.iter().filter_map(PageHand::profile).collect();
        let weight = |p: &HandProfile| 1.0 / p.error.max(1e-4).powi(2);
        let total: f32 = profiles.iter().map(weight).sum();
        let profile = (total > 0.0)
            .then(|| HandProfile {
                mean: profiles.iter().map(|p| p.mean * weight(p)).sum::<f32>() / total,
                error: 1.0 / total.sqrt(),
            })
            .filter(|w| {
                !profiles
                    .iter()
                    .any(|p| p.sure() && p.mean.signum() != w.mean.signum())
            });
        let lines: Vec<&LineHand> = upright.iter().flat_map(|p| &p.lines).collect();
        let holds = if upright.len() >= 2 {
            // Each page sure of its side by the others' shapes.
            (0..upright.len()).all(|k| {
                let others = upright.iter().enumerate().filter(|&(i, _)| i != k);
                let direction = mean_shapes(others.flat_map(|(_, p)| &p.lines));
                upright[k]
                    .along(&direction)
                    .is_some_and(|t| t.sure() && t.mean > 0.0)
            })
        } else {
            // One page: each half of its lines (taken alternately) by the other's.
            let halves = [0, 1].map(|k| mean_shapes(lines.iter().skip(k).step_by(2).copied()));
            HandProfile::of(
                lines
                    .iter()
                    .enumerate()
                    .map(|(i, l)| dot(&l.shapes, &halves[1 - i % 2])),
            )
            .is_some_and(|t| t.sure() && t.mean > 0.0)
        };
        let shapes = (holds && !lines.is_empty()).then(|| mean_shapes(lines.iter().copied()));
        Writer {
            look,
            profile,
            shapes,
        }
    }

    /// Whether a page (as scanned) is upside down by the writer's hand: each clue the writer
    /// holds says the side the page's own lines are sure of; `None` when the page does not
    /// look like the writer's hand (another writer's page, or the teaching pages not alike),
    /// when neither clue is sure, or when the two disagree.
    fn side(&self, page: &PageHand) -> Option<bool> {
        if self
            .look
            .as_ref()
            .is_none_or(|l| apart(l, &page.look) > LOOK_APART)
        {
            return None;
        }
        let by_profile = self
            .profile
            .filter(|w| w.sure())
            .zip(page.profile().filter(|p| p.sure()))
            .map(|(w, p)| p.mean.signum() != w.mean.signum());
        let by_shapes = self
            .shapes
            .as_deref()
            .and_then(|d| page.along(d))
            .filter(|p| p.mean.abs() >= SHAPES_SURE * p.error)
            .map(|p| p.mean < 0.0);
        match (by_profile, by_shapes) {
            (Some(a), Some(b)) if a != b => None,
            (a, b) => a.or(b),
        }
    }
}

/// The written lines of a page (see [`LineHand`]); `None` below eight. Made for images about
/// 600 pixels across (3 pixels a millimetre: a preview's 1.5 blur the letters' bodies into
/// their ascenders).
fn page_hand(img: &GrayImage) -> Option<PageHand> {
    let margin = vec![false; img.width() as usize];
    let writing = writing(img, &[], &margin)?;
    let (lines, look) = line_hands(img, &writing);
    (lines.len() >= 8).then_some(PageHand { lines, look })
}

/// A page's lines turned upright by `rotation` (0 or 180), the header's part cut off when it
/// has one (boxes of capitals are not the hand's lines): what the writer's hand is learnt on.
fn upright_page_hand(img: &GrayImage, rotation: u16, header: bool) -> Option<PageHand> {
    let upright = super::rotate(img, rotation);
    if !header {
        return page_hand(&upright);
    }
    let top = (upright.height() as f32 * super::HEADER_FRACTION) as u32;
    let body = image::imageops::crop_imm(&upright, 0, top, upright.width(), upright.height() - top);
    page_hand(&body.to_image())
}

/// Zones of a line: above its core, the core, below.
const ZONES: usize = 3;
/// The patterns of an inked pixel's 8 neighbours.
const PATTERNS: usize = 256;
/// The length of a line's shapes.
const SHAPES: usize = ZONES * PATTERNS;

/// Where a pattern in a zone counts in a line's shapes, and where it goes once the page is
/// turned: the zones above and below swap, and each neighbour goes to the opposite one
/// (neighbour `k` is at angle `k × 45°`, so the bits turn by four).
fn shape_index(zone: usize, pattern: u8) -> (usize, usize) {
    (
        zone * PATTERNS + pattern as usize,
        (ZONES - 1 - zone) * PATTERNS + pattern.rotate_left(4) as usize,
    )
}

/// Each written line's clues: its share of ink above its core less below (the core: the
/// rows around the line's busiest holding half its ink or more; each line's reach taken
/// halfway to its neighbours'), and its shapes. Lines with little ink (a word, a page
/// number) are left out.
fn line_hands(img: &GrayImage, writing: &Writing) -> (Vec<LineHand>, Vec<f32>) {
    let (w, h) = img.dimensions();
    let (pad, hist) = writing.histogram((w, h));
    let n = hist.len();
    // Smoothed over three rows, the lines' cores are the peaks at least a third of the
    // busiest line's, apart by at least 4 mm.
    let smooth: Vec<u32> = (0..n)
        .map(|r| hist[r.saturating_sub(1)] + hist[r] + hist[(r + 1).min(n - 1)])
        .collect();
    let top = smooth.iter().copied().max().unwrap_or(0);
    let apart = (4.0 * w as f32 / 210.0).round() as usize;
    let mut peaks: Vec<usize> = vec![];
    for r in 1..n.saturating_sub(1) {
        if smooth[r] * 3 >= top && smooth[r] >= smooth[r - 1] && smooth[r] > smooth[r + 1] {
            match peaks.last() {
                Some(&p) if r - p < apart => {
                    if smooth[r] > smooth[p] {
                        *peaks.last_mut().expect("one peak") = r;
                    }
                }
                _ => peaks.push(r),
            }
        }
    }
    // Each line's reach (rows up..down) and core (rows a..=b).
    let mut lines: Vec<(usize, usize, usize, usize)> = vec![];
    for (i, &p) in peaks.iter().enumerate() {
        let half = hist[p] / 2;
        let (mut a, mut b) = (p, p);
        while a > 0 && hist[a - 1] >= half {
            a -= 1;
        }
        while b + 1 < n && hist[b + 1] >= half {
            b += 1;
        }
        // Up to halfway to the neighbouring lines' peaks (or as far as the line's pitch).
        let up = if i > 0 {
            (peaks[i - 1] + p) / 2
        } else {
            p.saturating_sub(apart)
        };
        let down = peaks
            .get(i + 1)
            .map_or((p + apart).min(n - 1), |&q| (p + q) / 2);
        lines.push((up.min(a), a, b, down.max(b + 1)));
    }
    // Each line's ink by zone and pattern, the neighbours a stroke's width away.
    let mut counts = vec![vec![0u32; SHAPES]; lines.len()];
    let mut inked = vec![false; (w * h) as usize];
    for &(x, y) in &writing.ink {
        inked[(y as u32 * w + x as u32) as usize] = true;
    }
    let d = (w as f32 / 300.0).round().max(1.0) as i32;
    let around = [
        (d, 0),
        (d, -d),
        (0, -d),
        (-d, -d),
        (-d, 0),
        (-d, d),
        (0, d),
        (d, d),
    ];
    // Each row's line (the first whose reach holds it).
    let mut line_of: Vec<Option<usize>> = vec![None; n];
    for (l, &(up, _, _, down)) in lines.iter().enumerate() {
        for slot in &mut line_of[up..down] {
            slot.get_or_insert(l);
        }
    }
    for &(x, y) in &writing.ink {
        let r = writing.row(x, y) + pad;
        let Some(l) = usize::try_from(r)
            .ok()
            .and_then(|r| line_of.get(r).copied().flatten())
        else {
            continue;
        };
        let r = r as usize;
        let (_, a, b, _) = lines[l];
        let zone = if r < a {
            0
        } else if r <= b {
            1
        } else {
            2
        };
        let mut pattern = 0u8;
        for (k, (dx, dy)) in around.iter().enumerate() {
            let (nx, ny) = (x + dx, y + dy);
            if nx >= 0 && ny >= 0 && (nx as u32) < w && (ny as u32) < h {
                pattern |= u8::from(inked[(ny as u32 * w + nx as u32) as usize]) << k;
            }
        }
        counts[l][shape_index(zone, pattern).0] += 1;
    }
    let sum = |lo: usize, hi: usize| (lo..hi).map(|r| hist[r]).sum::<u32>();
    let lines: Vec<(u32, u32, u32, Vec<u32>)> = lines
        .into_iter()
        .zip(counts)
        .map(|((up, a, b, down), c)| {
            let (above, below) = (sum(up, a), sum(b + 1, down));
            (above, below, above + sum(a, b + 1) + below, c)
        })
        .collect();
    let mut totals: Vec<u32> = lines.iter().map(|l| l.2).collect();
    totals.sort_unstable();
    let usual = totals.get(totals.len() / 2).copied().unwrap_or(0);
    let lines: Vec<_> = lines
        .into_iter()
        .filter(|l| l.2 > 0 && l.2 * 3 >= usual)
        .collect();
    let mut page = vec![0u32; SHAPES];
    for l in &lines {
        page.iter_mut().zip(&l.3).for_each(|(p, c)| *p += c);
    }
    let n = page.iter().sum::<u32>().max(1) as f32;
    let look: Vec<f32> = (0..SHAPES)
        .map(|i| {
            let (zone, pattern) = (i / PATTERNS, (i % PATTERNS) as u8);
            (page[i] + page[shape_index(zone, pattern).1]) as f32 / n
        })
        .collect();
    let lines = lines
        .into_iter()
        .map(|(above, below, total, c)| {
            let n = c.iter().sum::<u32>().max(1) as f32;
            let mut shapes = vec![0.0f32; SHAPES];
            for zone in 0..ZONES {
                for pattern in 0..=255u8 {
                    let (i, turned) = shape_index(zone, pattern);
                    shapes[i] = (c[i] as f32 - c[turned] as f32) / n;
                }
            }
            LineHand {
                share: (above as f32 - below as f32) / total as f32,
                shapes,
            }
        })
        .collect();
    (lines, look)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raster::writing::tests::page_at;
    use crate::synth::Paper;

    fn line(share: f32) -> LineHand {
        LineHand {
            share,
            shapes: vec![0.0; SHAPES],
        }
    }

    /// A page whose lines' profile has this mean and standard error (ten lines).
    fn page(mean: f32, error: f32) -> PageHand {
        // Ten values ±s around the mean: standard error s / √10 · √(10/9).
        let s = error * 3.0;
        PageHand {
            lines: (0..10)
                .map(|i| line(mean + if i % 2 == 0 { s } else { -s }))
                .collect(),
            look: vec![0.0; SHAPES],
        }
    }

    fn turned_by_hand(upright: &[PageHand], p: PageHand) -> Option<bool> {
        Writer::learn(upright).side(&p)
    }

    #[test]
    fn a_turned_pattern_is_the_pattern_of_the_turned_page() {
        // Ink to the east only, above the core: turned, ink to the west, below the core.
        assert_eq!(shape_index(0, 0b0000_0001), (1, 2 * PATTERNS + 0b0001_0000));
        // A pattern its own turned self, in the core: counts for nothing.
        let (i, turned) = shape_index(1, 0b0001_0001);
        assert_eq!(i, turned);
        // Turning twice is the identity.
        for zone in 0..ZONES {
            for pattern in 0..=255u8 {
                let (i, t) = shape_index(zone, pattern);
                let back = shape_index(ZONES - 1 - zone, pattern.rotate_left(4));
                assert_eq!((back.0, back.1), (t, i));
            }
        }
    }

    #[test]
    fn a_copys_pages_turned_right_teach_its_hand_to_the_others() {
        let sure = |mean| page(mean, 0.01);
        let unsure = |mean| page(mean, 0.05);
        // A hand with more ink above its lines: a page with more below is upside down.
        assert_eq!(turned_by_hand(&[sure(0.06)], sure(-0.05)), Some(true));
        assert_eq!(turned_by_hand(&[sure(0.06)], sure(0.05)), Some(false));
        // And a hand with more below (long loops): the other way round.
        assert_eq!(turned_by_hand(&[sure(-0.04)], sure(-0.05)), Some(false));
        // Nothing sure to learn from, the writer's pages disagreeing, or a page not sure of
        // its own side: nothing said.
        assert_eq!(turned_by_hand(&[], sure(0.05)), None);
        assert_eq!(turned_by_hand(&[unsure(0.06)], sure(0.05)), None);
        // Pages not sure alone, sure together (two standard errors each: 2.8 together, not
        // enough; three such pages: 3.5).
        let weak = || page(0.04, 0.02);
        assert_eq!(turned_by_hand(&[weak(), weak()], sure(-0.05)), None);
        assert_eq!(
            turned_by_hand(&[weak(), weak(), weak()], sure(-0.05)),
            Some(true)
        );
        assert_eq!(turned_by_hand(&[sure(0.06), sure(-0.06)], sure(0.05)), None);
        assert_eq!(turned_by_hand(&[sure(0.06)], unsure(-0.05)), None);
        // Lines all alike, and even: no side.
        assert!(
            !HandProfile {
                mean: 0.0,
                error: 0.0
            }
            .sure()
        );
        // A page not sure of its side weighs little in the writer's.
        assert_eq!(
            turned_by_hand(&[unsure(-0.04), sure(0.06)], sure(-0.05)),
            Some(true)
        );
    }

    /// A page of ten lines whose shapes lean along `lean` (plus a line-to-line wobble), its
    /// profile even.
    fn shaped(lean: &[(usize, f32)], wobble: f32) -> PageHand {
        PageHand {
            lines: (0..10)
                .map(|i| {
                    let mut l = line(0.0);
                    for &(at, v) in lean {
                        let (i0, t) = shape_index(at / PATTERNS, (at % PATTERNS) as u8);
                        let v = v + if i % 2 == 0 { wobble } else { -wobble };
                        l.shapes[i0] = v;
                        l.shapes[t] = -v;
                    }
                    l
                })
                .collect(),
            look: vec![0.0; SHAPES],
        }
    }

    #[test]
    fn a_hand_even_above_and_below_is_told_by_its_shapes() {
        // Strokes ending to the east above the core, more often than to the west below it.
        let hand = [(0b0000_0001, 0.02), (PATTERNS + 0b0000_0011, 0.01)];
        let turned = [(0b0000_0001, -0.02), (PATTERNS + 0b0000_0011, -0.01)];
        let learnt = [shaped(&hand, 0.004), shaped(&hand, 0.004)];
        assert_eq!(turned_by_hand(&learnt, shaped(&hand, 0.004)), Some(false));
        assert_eq!(turned_by_hand(&learnt, shaped(&turned, 0.004)), Some(true));
        // A page that does not look like the writer's hand (another writer's, put in the
        // copy): nothing said, however sure its shapes.
        let mut foreign = shaped(&turned, 0.004);
        foreign.look[0] = LOOK_APART + 0.01;
        assert_eq!(turned_by_hand(&learnt, foreign), None);
        // Nor when the writer's own pages do not look alike.
        let mut odd_teacher = shaped(&hand, 0.004);
        odd_teacher.look[0] = 2.0 * LOOK_APART + 0.02;
        let unlike = [shaped(&hand, 0.004), odd_teacher];
        assert_eq!(turned_by_hand(&unlike, shaped(&turned, 0.004)), None);
        // Shapes that wobble more than they lean, on the writer's pages or on the page:
        // nothing said.
        assert_eq!(turned_by_hand(&learnt, shaped(&turned, 0.05)), None);
        let wobbly = [shaped(&hand, 0.05), shaped(&hand, 0.05)];
        assert_eq!(turned_by_hand(&wobbly, shaped(&turned, 0.004)), None);
        // The profile and the shapes disagreeing: nothing said.
        let mut odd = shaped(&turned, 0.004);
        odd.lines.iter_mut().enumerate().for_each(|(i, l)| {
            l.share = 0.06 + if i % 2 == 0 { 0.03 } else { -0.03 };
        });
        let mut learnt = learnt;
        learnt.iter_mut().for_each(|p| {
            p.lines.iter_mut().enumerate().for_each(|(i, l)| {
                l.share = 0.06 + if i % 2 == 0 { 0.03 } else { -0.03 };
            })
        });
        assert_eq!(turned_by_hand(&learnt, odd), None);
    }

    #[test]
    fn a_measured_page_turns_its_hand_with_it() {
        let upright = page_hand(&page_at(Paper::Plain, false, 4, 600)).unwrap();
        let turned = page_hand(&page_at(Paper::Plain, true, 4, 600)).unwrap();
        let (pu, pt) = (upright.profile().unwrap(), turned.profile().unwrap());
        assert!(pu.sure() && pt.sure(), "{pu:?} {pt:?}");
        let learnt = [page_hand(&page_at(Paper::Plain, false, 5, 600)).unwrap()];
        assert_eq!(turned_by_hand(&learnt, turned.clone()), Some(true));
        assert_eq!(turned_by_hand(&learnt, upright.clone()), Some(false));
        // The shapes alone, the profile taken out: the same.
        let even = |mut p: PageHand| {
            p.lines.iter_mut().for_each(|l| l.share = 0.0);
            p
        };
        let learnt = [even(learnt[0].clone())];
        assert_eq!(turned_by_hand(&learnt, even(turned)), Some(true));
        assert_eq!(turned_by_hand(&learnt, even(upright)), Some(false));
    }
}
