//! A label's code crossed by a pen stroke. The QR detector samples every module under the
//! stroke as dark and, once the sampling errors of a coarse scan add up, more codewords are
//! wrong than level H corrects blind. Yet where the damage lies shows: a straight band of dark
//! modules running across the code, which QR data (masked so that no long run of one colour
//! survives) never draws. Those modules' codewords are erasures — known to be wrong, their
//! value unknown — and Reed–Solomon corrects twice as many erasures as errors it must also
//! find. This reads our own labels' codes only (version 3, level H: see `super::qr_modules`).

use rqrr::{BitGrid, Grid, SimpleGrid};

/// Our labels' codes: version 3 (29 modules), two blocks of 35 codewords, 13 of them data.
const SIZE: usize = 29;
const BLOCKS: usize = 2;
const BLOCK_LEN: usize = 35;
const BLOCK_DATA: usize = 13;
/// Level H in the format's bits.
const LEVEL_H: u16 = 2;
/// Error-correction codewords left unused by a correction: a decoding that needs them all
/// could be a neighbouring codeword; this many spare make a wrong one practically impossible
/// (and the token must still be a student's of the exam).
const SPARE: usize = 2;

/// Whether the module at row `y`, column `x` of a version 3 code is a function pattern
/// (finders with their separators and format, timing, the alignment pattern), not data.
fn reserved(y: usize, x: usize) -> bool {
    let corner = |a: usize| a < 9;
    let far = |a: usize| a + 8 >= SIZE;
    (corner(y) && corner(x))
        || (far(y) && corner(x))
        || (corner(y) && far(x))
        || y == 6
        || x == 6
        || ((20..=24).contains(&y) && (20..=24).contains(&x))
}

/// The data modules in the order their bits are read: two columns at a time from the right,
/// up then down, skipping the timing column.
fn data_modules() -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(BLOCKS * BLOCK_LEN * 8 + 7);
    let mut right = SIZE - 1;
    let mut upward = true;
    loop {
        for step in 0..SIZE {
            let y = if upward { SIZE - 1 - step } else { step };
            for x in [right, right - 1] {
                if !reserved(y, x) {
                    out.push((y, x));
                }
            }
        }
        upward = !upward;
        if right < 3 {
            break;
        }
        right -= 2;
        if right == 6 {
            right = 5;
        }
    }
    out
}

/// Whether the mask flips the module at `(y, x)`.
fn masked(mask: u16, y: usize, x: usize) -> bool {
    match mask {
        0 => (y + x).is_multiple_of(2),
        1 => y.is_multiple_of(2),
        2 => x.is_multiple_of(3),
        3 => (y + x).is_multiple_of(3),
        4 => (y / 2 + x / 3).is_multiple_of(2),
        5 => (y * x) % 2 + (y * x) % 3 == 0,
        6 => ((y * x) % 2 + (y * x) % 3).is_multiple_of(2),
        _ => ((y + x) % 2 + (y * x) % 3).is_multiple_of(2),
    }
}

/// The modules under straight bands of dark modules crossing the code: lines at any angle
/// whose modules, over at least two thirds of the code's width, are nearly all dark (a thick
/// stroke is several such lines side by side).
fn stroke_modules(dark: &[bool]) -> Vec<bool> {
    let n = SIZE as f32;
    let mut hit = vec![false; SIZE * SIZE];
    for step in 0..72 {
        let (sin, cos) = (step as f32 * std::f32::consts::PI / 72.0).sin_cos();
        // Offsets along the line's normal, from one corner's projection to the other's.
        let extent = n * (sin.abs() + cos.abs());
        let low = (n * cos).min(0.0) + (n * sin).min(0.0);
        let mut rho = low;
        while rho <= low + extent {
            let (mut on, mut inked) = (0, 0);
            for y in 0..SIZE {
                for x in 0..SIZE {
                    let d = (x as f32 + 0.5) * cos + (y as f32 + 0.5) * sin - rho;
                    if d.abs() < 0.5 {
                        on += 1;
                        inked += usize::from(dark[y * SIZE + x]);
                    }
                }
            }
            if on as f32 >= n * 2.0 / 3.0 && inked as f32 >= on as f32 * 0.95 {
                for y in 0..SIZE {
                    for x in 0..SIZE {
                        let d = (x as f32 + 0.5) * cos + (y as f32 + 0.5) * sin - rho;
                        if d.abs() < 0.6 {
                            hit[y * SIZE + x] = true;
                        }
                    }
                }
            }
            rho += 0.25;
        }
    }
    hit
}

/// The text of a version 3, level H code that the detector could not decode, when the damage
/// is a stroke across it and the stroke's codewords, taken as erasures, leave it correctable.
pub(super) fn rescue(grid: &dyn BitGrid) -> Option<String> {
    if grid.size() != SIZE {
        return None;
    }
    let dark: Vec<bool> = (0..SIZE * SIZE)
        .map(|i| grid.bit(i / SIZE, i % SIZE))
        .collect();
    let stroke = stroke_modules(&dark);
    if !stroke.iter().any(|&s| s) {
        return None;
    }
    // The mask as the format says, first; a stroke along row or column 8 damages both copies
    // of the format, and then each of the eight masks is tried (our codes are all level H).
    let modules = data_modules();
    let copy = SimpleGrid::from_func(SIZE, |x, y| dark[y * SIZE + x]);
    let read = match Grid::new(copy).get_raw_data() {
        Ok((meta, _)) if meta.ecc_level == LEVEL_H => Some(meta.mask),
        _ => None,
    };
    read.into_iter()
        .chain((0..8).filter(|&m| Some(m) != read))
        .find_map(|mask| {
            (1..=4).find_map(|least| read_through(&modules, &dark, &stroke, mask, least))
        })
}

/// The text of the code whose modules are `dark` (its data modules, in reading order, are
/// `modules`) with `mask`, the codewords with at least `least` of their eight modules under
/// `stroke` taken as erasures. Erasing a codeword the
/// stroke left right wastes one correction: a codeword barely touched is often right (the
/// module under the stroke was dark already), so fewer erasures are tried too.
fn read_through(
    modules: &[(usize, usize)],
    dark: &[bool],
    stroke: &[bool],
    mask: u16,
    least: usize,
) -> Option<String> {
    // The raw codewords, interleaved as read, and how many modules of each the stroke covers.
    let mut raw = [0u8; BLOCKS * BLOCK_LEN];
    let mut covered = [0usize; BLOCKS * BLOCK_LEN];
    for (i, &(y, x)) in modules.iter().take(raw.len() * 8).enumerate() {
        let bit = dark[y * SIZE + x] != masked(mask, y, x);
        raw[i / 8] |= u8::from(bit) << (7 - i % 8);
        covered[i / 8] += usize::from(stroke[y * SIZE + x]);
    }
    let erased = covered.map(|c| c >= least);
    // Blocks de-interleaved: data codewords alternate, then the error-correction ones.
    let mut data = Vec::with_capacity(BLOCKS * BLOCK_DATA);
    let mut blocks = vec![Vec::new(); BLOCKS];
    let mut erasures = vec![Vec::new(); BLOCKS];
    for (b, block) in blocks.iter_mut().enumerate() {
        for j in 0..BLOCK_LEN {
            let at = if j < BLOCK_DATA {
                j * BLOCKS + b
            } else {
                BLOCK_DATA * BLOCKS + (j - BLOCK_DATA) * BLOCKS + b
            };
            block.push(raw[at]);
            if erased[at] {
                erasures[b].push(j as u8);
            }
        }
    }
    let parity = BLOCK_LEN - BLOCK_DATA;
    let decoder = reed_solomon::Decoder::new(parity);
    for (block, erasures) in blocks.iter().zip(&erasures) {
        if erasures.len() + SPARE > parity {
            return None;
        }
        let known = (!erasures.is_empty()).then_some(erasures.as_slice());
        let (fixed, errors) = decoder.correct_err_count(block, known).ok()?;
        // `errors` counts the erasures too: what is left are errors found blind, each costing
        // two codewords.
        let found = errors.saturating_sub(erasures.len());
        if erasures.len() + 2 * found + SPARE > parity {
            return None;
        }
        data.extend_from_slice(fixed.data());
    }
    alphanumeric(&data)
}

/// The text of an alphanumeric segment (our labels' only one) in a code's data codewords.
fn alphanumeric(data: &[u8]) -> Option<String> {
    const TABLE: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    let bits = data.len() * 8;
    let mut at = 0;
    let mut take = |n: usize| -> Option<usize> {
        if at + n > bits {
            return None;
        }
        let v = (at..at + n).fold(0, |v, i| {
            v << 1 | usize::from(data[i / 8] >> (7 - i % 8) & 1)
        });
        at += n;
        Some(v)
    };
    if take(4)? != 0b0010 {
        return None;
    }
    let count = take(9)?;
    let mut text = String::with_capacity(count);
    for _ in 0..count / 2 {
        let pair = take(11)?;
        let (a, b) = (pair / 45, pair % 45);
        if a >= 45 {
            return None;
        }
        text.push(TABLE[a] as char);
        text.push(TABLE[b] as char);
    }
    if count % 2 == 1 {
        text.push(*TABLE.get(take(6)?)? as char);
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use korrigo_domain::labels::token_of_payload;

    const TOKEN: &str = "K7QXMB2ZRT4WNPAH9CEV";

    fn code() -> Vec<bool> {
        let (n, dark) = super::super::qr_modules(TOKEN).unwrap();
        assert_eq!(n, SIZE, "our labels' codes are version 3");
        dark
    }

    fn grid(dark: &[bool]) -> SimpleGrid {
        SimpleGrid::from_func(SIZE, |x, y| dark[y * SIZE + x])
    }

    fn read(dark: &[bool]) -> Option<String> {
        rescue(&grid(dark)).and_then(|t| token_of_payload(&t).map(str::to_string))
    }

    /// Dark modules within `half` of the line through the code at `angle` degrees from the
    /// horizontal, `at` modules below its centre.
    fn stroke(dark: &mut [bool], angle: f32, at: f32, half: f32) {
        let (sin, cos) = (angle.to_radians() + std::f32::consts::FRAC_PI_2).sin_cos();
        let c = SIZE as f32 / 2.0;
        for y in 0..SIZE {
            for x in 0..SIZE {
                let d = (x as f32 + 0.5 - c) * cos + (y as f32 + 0.5 - c) * sin - at;
                if d.abs() <= half {
                    dark[y * SIZE + x] = true;
                }
            }
        }
    }

    #[test]
    fn the_modules_read_are_the_codes_bits() {
        // Version 3: 29² modules less the function patterns are 70 codewords and 7 bits.
        assert_eq!(data_modules().len(), 70 * 8 + 7);
        // A clean code has no stroke, so nothing to rescue with; its data reads all the same
        // once a stroke is drawn through what is already dark: none.
        let clean = code();
        assert!(!stroke_modules(&clean).iter().any(|&s| s));
        assert_eq!(read(&clean), None);
    }

    /// A pseudo-random order of the modules (sampling errors fall anywhere).
    fn shuffled(seed: u32) -> Vec<usize> {
        let mut order: Vec<usize> = (0..SIZE * SIZE).collect();
        let mut x = seed;
        for i in (1..order.len()).rev() {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            order.swap(i, (x >> 8) as usize % (i + 1));
        }
        order
    }

    #[test]
    fn a_stroke_across_the_code_is_read_through() {
        // A stroke at several angles (one along the format's row), then modules off it
        // flipped one by one (a coarse scan's sampling errors) until the detector's blind
        // correction gives up: read through all the same.
        for (k, (angle, at, half)) in [
            (0.0, 0.7, 1.0),
            (0.0, -5.0, 1.2),
            (90.0, 2.0, 1.0),
            (25.0, 0.0, 1.0),
        ]
        .into_iter()
        .enumerate()
        {
            let mut dark = code();
            stroke(&mut dark, angle, at, half);
            let under = stroke_modules(&dark);
            let data: Vec<usize> = data_modules().iter().map(|&(y, x)| y * SIZE + x).collect();
            let mut flipped = 0;
            for m in shuffled(k as u32 + 1) {
                if rqrr::Grid::new(grid(&dark)).decode().is_err() {
                    break;
                }
                if !under[m] && data.contains(&m) {
                    dark[m] = !dark[m];
                    flipped += 1;
                }
            }
            assert!(rqrr::Grid::new(grid(&dark)).decode().is_err());
            assert_eq!(
                read(&dark).as_deref(),
                Some(TOKEN),
                "{angle}° at {at}, {flipped} modules flipped besides"
            );
        }
    }

    #[test]
    fn a_stroke_and_more_damage_than_is_left_to_correct_is_no_reading() {
        // The stroke, then a third of the code's modules flipped at random: never a token
        // read wrong, whatever the decoder makes of it.
        let mut seed = 7u32;
        for _ in 0..40 {
            let mut dark = code();
            stroke(&mut dark, 0.0, 0.5, 1.0);
            for m in dark.iter_mut() {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                if (seed >> 16).is_multiple_of(3) {
                    *m = !*m;
                }
            }
            let got = read(&dark);
            assert!(got.is_none() || got.as_deref() == Some(TOKEN), "{got:?}");
        }
    }
}
