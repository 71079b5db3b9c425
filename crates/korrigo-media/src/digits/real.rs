//! The second reference: nearest neighbours among 6,995 real MNIST digits
//! ([`crate::mnist::training`]). A box's ink is put in MNIST's own frame — the longer side
//! scaled to 20 pixels, the centre of mass at the middle of 28 × 28, the slant straightened (so
//! that a sloping hand compares with an upright one) and thin strokes thickened to the data's
//! pen — then compared on a 14 × 14 grid, blurred a little and scaled to unit length.

use std::sync::OnceLock;

use crate::mnist::{self, SIDE};

/// The MNIST reference's share of a box's probabilities (the optdigits one has the rest).
pub(super) const WEIGHT: f32 = 0.7;
/// Neighbours voting.
const K: usize = 6;
/// The feature grid's side.
const G: usize = SIDE / 2;
/// The share of blurred values in the features.
const BLUR: f32 = 0.5;

type Frame = [f32; SIDE * SIDE];
type Features = [f32; G * G];

/// The ink's frame, from a mask `w` wide whose ink lies in `bbox` (inclusive).
pub(super) fn frame_mask(mask: &[bool], w: usize, bbox: (usize, usize, usize, usize)) -> Frame {
    frame(|x, y| if mask[y * w + x] { 1.0 } else { 0.0 }, bbox)
}

/// Ink (0 to 1) at `(x, y)` of a source, framed as MNIST frames its digits.
fn frame(
    ink: impl Fn(usize, usize) -> f32,
    (x0, y0, x1, y1): (usize, usize, usize, usize),
) -> Frame {
    // The centre of mass and the slant (second moments), in source pixels.
    let (mut m, mut mx, mut my) = (0.0f32, 0.0f32, 0.0f32);
    for y in y0..=y1 {
        for x in x0..=x1 {
            let v = ink(x, y);
            m += v;
            mx += v * x as f32;
            my += v * y as f32;
        }
    }
    let mut out = [0.0f32; SIDE * SIDE];
    if m <= 0.0 {
        return out;
    }
    let (cx, cy) = (mx / m, my / m);
    let (mut mu11, mut mu02) = (0.0f32, 0.0f32);
    for y in y0..=y1 {
        for x in x0..=x1 {
            let v = ink(x, y);
            mu11 += v * (x as f32 - cx) * (y as f32 - cy);
            mu02 += v * (y as f32 - cy) * (y as f32 - cy);
        }
    }
    let skew = if mu02 > 1e-3 {
        (mu11 / mu02).clamp(-0.6, 0.6)
    } else {
        0.0
    };
    let (bw, bh) = ((x1 - x0 + 1) as f32, (y1 - y0 + 1) as f32);
    let scale = 20.0 / bw.max(bh);
    // Each frame pixel averages n × n samples of the source (a big source is shrunk by area).
    let n = (1.0 / scale).ceil().clamp(1.0, 4.0) as usize;
    let sample = |u: f32, v: f32| -> f32 {
        let (xi, yi) = (u.floor(), v.floor());
        if xi < x0 as f32 || yi < y0 as f32 || xi > x1 as f32 || yi > y1 as f32 {
            0.0
        } else {
            ink(xi as usize, yi as usize)
        }
    };
    for ty in 0..SIDE {
        for tx in 0..SIDE {
            let mut acc = 0.0;
            for sy in 0..n {
                for sx in 0..n {
                    let fy = ty as f32 + (sy as f32 + 0.5) / n as f32;
                    let fx = tx as f32 + (sx as f32 + 0.5) / n as f32;
                    let v = cy + (fy - SIDE as f32 / 2.0) / scale;
                    let u = cx + (fx - SIDE as f32 / 2.0) / scale + skew * (v - cy);
                    acc += sample(u, v);
                }
            }
            out[ty * SIDE + tx] = acc / (n * n) as f32;
        }
    }
    out
}

/// A stroke's width in frame pixels: twice the inked area over the outline's length.
fn stroke_width(f: &Frame) -> f32 {
    let on = |x: i64, y: i64| {
        (0..SIDE as i64).contains(&x)
            && (0..SIDE as i64).contains(&y)
            && f[y as usize * SIDE + x as usize] > 0.5
    };
    let (mut area, mut outline) = (0.0f32, 0.0f32);
    for y in 0..SIDE as i64 {
        for x in 0..SIDE as i64 {
            if on(x, y) {
                area += 1.0;
                if !on(x - 1, y) || !on(x + 1, y) || !on(x, y - 1) || !on(x, y + 1) {
                    outline += 1.0;
                }
            }
        }
    }
    2.0 * area / outline.max(1.0)
}

/// Thickens thin strokes towards `target` width (at most three steps of one pixel).
fn thicken(mut f: Frame, target: f32) -> Frame {
    for _ in 0..3 {
        if stroke_width(&f) >= target {
            break;
        }
        let before = f;
        for y in 0..SIDE {
            for x in 0..SIDE {
                let mut v = before[y * SIDE + x];
                if x > 0 {
                    v = v.max(before[y * SIDE + x - 1]);
                }
                if x + 1 < SIDE {
                    v = v.max(before[y * SIDE + x + 1]);
                }
                if y > 0 {
                    v = v.max(before[(y - 1) * SIDE + x]);
                }
                if y + 1 < SIDE {
                    v = v.max(before[(y + 1) * SIDE + x]);
                }
                f[y * SIDE + x] = v;
            }
        }
    }
    f
}

/// Pooled 2 × 2, blurred a little, scaled to unit length.
fn features(f: &Frame) -> Features {
    let mut pooled = [0.0f32; G * G];
    for y in 0..SIDE {
        for x in 0..SIDE {
            pooled[(y / 2) * G + x / 2] += f[y * SIDE + x] / 4.0;
        }
    }
    let mut out = [0.0f32; G * G];
    for y in 0..G as i64 {
        for x in 0..G as i64 {
            let mut v = 0.0;
            for (dy, wy) in [(-1i64, 1.0f32), (0, 2.0), (1, 1.0)] {
                for (dx, wx) in [(-1i64, 1.0f32), (0, 2.0), (1, 1.0)] {
                    let (nx, ny) = (x + dx, y + dy);
                    if (0..G as i64).contains(&nx) && (0..G as i64).contains(&ny) {
                        v += wx * wy * pooled[(ny * G as i64 + nx) as usize] / 16.0;
                    }
                }
            }
            let i = (y * G as i64 + x) as usize;
            out[i] = BLUR * v + (1.0 - BLUR) * pooled[i];
        }
    }
    let norm = out.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
    out.iter_mut().for_each(|x| *x /= norm);
    out
}

/// The reference: each MNIST digit framed the same way, and the pen width boxes are brought to.
fn reference() -> &'static (Vec<(Features, u8)>, f32) {
    static REF: OnceLock<(Vec<(Features, u8)>, f32)> = OnceLock::new();
    REF.get_or_init(|| {
        let frames: Vec<(Frame, u8)> = mnist::training()
            .iter()
            .map(|d| {
                let px = &d.px;
                let on = |x: usize, y: usize| px[y * SIDE + x] as f32 / 255.0;
                let (mut x0, mut y0, mut x1, mut y1) = (SIDE, SIDE, 0, 0);
                for y in 0..SIDE {
                    for x in 0..SIDE {
                        if on(x, y) > 0.25 {
                            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
                        }
                    }
                }
                let f = if x0 <= x1 {
                    frame(on, (x0, y0, x1, y1))
                } else {
                    [0.0; SIDE * SIDE]
                };
                (f, d.label)
            })
            .collect();
        let mut widths: Vec<f32> = frames.iter().map(|(f, _)| stroke_width(f)).collect();
        widths.sort_by(f32::total_cmp);
        let pen = widths[widths.len() / 2];
        let feats = frames.iter().map(|(f, l)| (features(f), *l)).collect();
        (feats, pen)
    })
}

/// How likely each digit is for a framed box.
pub(super) fn read(f: &Frame) -> [f32; 10] {
    let (data, pen) = reference();
    let x = features(&thicken(*f, pen * 0.8));
    let mut near: Vec<(f32, u8)> = data
        .iter()
        .map(|(t, label)| {
            let dot: f32 = t.iter().zip(&x).map(|(a, b)| a * b).sum();
            (2.0 - 2.0 * dot, *label)
        })
        .collect();
    near.select_nth_unstable_by(K, |a, b| a.0.total_cmp(&b.0));
    near.truncate(K);
    super::vote(&near)
}
