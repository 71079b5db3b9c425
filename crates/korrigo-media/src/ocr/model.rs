//! Reading a row of boxes with a text-recognition model instead of Tesseract: PaddleOCR's
//! PP-OCRv6 tiny recogniser (Apache-2.0; the file and its provenance in `models/`), run by
//! `rten` (pure Rust, no download). The row's box insides, side by side, are one text line 48
//! pixels high; the model gives, per step of 8 pixels, a probability for each of its 6,904
//! characters, a space and "nothing here" (CTC). Only the characters a field may hold are
//! kept (capitals, hyphen, apostrophe, space; digits for numbers), lower case read as upper.

use std::sync::Arc;

use image::GrayImage;
use korrigo_domain::lattice::{self, BLANK, Lattice, SEPARATOR, SYMBOLS};
use rten::{Model, RunOptions, ThreadPool};
use rten_tensor::NdTensor;
use rten_tensor::prelude::*;

static MODEL: &[u8] = include_bytes!("../../models/PP-OCRv6_rec_tiny.onnx");
static DICT: &str = include_str!("../../models/PP-OCRv6_rec_dict.txt");

/// The model's input height.
const HEIGHT: u32 = 48;

/// What a row holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Field {
    /// Capitals (with accents), hyphen, apostrophe, space.
    Name,
    /// Digits and space.
    Number,
    /// Digits, slash and space (a date written on a line).
    Date,
}

/// The loaded recogniser (one per reader; running it is single-threaded).
pub(super) struct RowModel {
    model: Model,
    /// The model's classes: index 0 is "nothing here", then the dictionary, then a space.
    classes: Vec<char>,
    /// The classes a name row keeps, and those a number row keeps ("nothing here" first):
    /// decoding looks at these few dozen, not at the 6,906.
    name_classes: Vec<usize>,
    number_classes: Vec<usize>,
    date_classes: Vec<usize>,
    /// The classes that count in a name row's likelihoods, with their symbol.
    symbols: Vec<(usize, usize)>,
    opts: RunOptions,
}

impl RowModel {
    pub(super) fn new() -> Result<RowModel, String> {
        let model = Model::load_static_slice(MODEL).map_err(|e| e.to_string())?;
        let mut classes = vec!['\0'];
        classes.extend(DICT.split('\n').map(|s| s.chars().next().unwrap_or('\0')));
        classes.push(' ');
        let opts =
            RunOptions::default().with_thread_pool(Some(Arc::new(ThreadPool::with_num_threads(1))));
        // Lower case letters count as their capitals.
        let kept = |allowed: &str| -> Vec<usize> {
            (0..classes.len())
                .filter(|&k| {
                    let c = classes[k];
                    k == 0 || c == ' ' || allowed.contains(c.to_uppercase().next().unwrap_or(c))
                })
                .collect()
        };
        let name_classes = kept(super::LETTERS);
        let number_classes = kept(super::DIGITS);
        let date_classes = kept("0123456789/");
        let symbols = classes
            .iter()
            .enumerate()
            .filter_map(|(k, &c)| {
                if k == 0 {
                    Some((0, BLANK))
                } else {
                    lattice::symbol(c).map(|s| (k, s))
                }
            })
            .collect();
        Ok(RowModel {
            model,
            classes,
            name_classes,
            number_classes,
            date_classes,
            symbols,
            opts,
        })
    }

    /// The text of a line image (dark ink on white), only the characters `field` holds.
    pub(super) fn read(&self, line: &GrayImage, field: Field) -> String {
        match self.run(line) {
            Some((probs, n)) => self.decode(&probs, n, field),
            None => String::new(),
        }
    }

    /// A name row: its text (as [`RowModel::read`]) and its likelihoods (as
    /// [`RowModel::lattice`]), from one run of the model.
    pub(super) fn read_name(
        &self,
        line: &GrayImage,
        gaps: &[bool],
        full: bool,
    ) -> (String, Option<Lattice>) {
        match self.run(line) {
            Some((probs, n)) => (
                self.decode(&probs, n, Field::Name),
                Some(self.lattice(&probs, n, line.width() as usize, gaps, full)),
            ),
            None => (String::new(), None),
        }
    }

    /// Greedy CTC decoding over the classes the field keeps.
    pub(super) fn decode(&self, probs: &[f32], n: usize, field: Field) -> String {
        let keep = match field {
            Field::Name => &self.name_classes,
            Field::Number => &self.number_classes,
            Field::Date => &self.date_classes,
        };
        let mut text = String::new();
        let mut last = 0usize;
        for row in probs.chunks_exact(n) {
            let best = keep
                .iter()
                .copied()
                .filter(|&k| k < n)
                .max_by(|&a, &b| row[a].total_cmp(&row[b]))
                .unwrap_or(0);
            if best != 0 && best != last {
                let c = self.classes[best];
                text.extend(c.to_uppercase());
            }
            last = best;
        }
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Greedy CTC decoding over every class, each character with the step it was read at
    /// (where a label ends, where a value starts).
    pub(super) fn decode_positions(&self, probs: &[f32], n: usize) -> Vec<(char, usize)> {
        let mut out = Vec::new();
        let mut last = 0usize;
        for (t, row) in probs.chunks_exact(n).enumerate() {
            let best = (0..n.min(self.classes.len()))
                .max_by(|&a, &b| row[a].total_cmp(&row[b]))
                .unwrap_or(0);
            if best != 0 && best != last {
                out.push((self.classes[best], t));
            }
            last = best;
        }
        out
    }

    /// A name row's likelihoods, step by step, over letters (accents folded), separators and
    /// nothing, the classes a name cannot hold (digits, punctuation) left out. `gaps` tells,
    /// per column of the line (`w` wide), where an empty box was (its steps read as a
    /// separator); `full`, whether the row's last box is written.
    pub(super) fn lattice(
        &self,
        probs: &[f32],
        n: usize,
        w: usize,
        gaps: &[bool],
        full: bool,
    ) -> Lattice {
        let steps = probs.len() / n;
        let mut out = Vec::with_capacity(steps);
        for (t, row) in probs.chunks_exact(n).enumerate() {
            let mut p = [0.0f32; SYMBOLS];
            for &(k, sym) in &self.symbols {
                if let Some(x) = row.get(k) {
                    p[sym] += x;
                }
            }
            let total: f32 = p.iter().sum();
            if total > 0.0 {
                p.iter_mut().for_each(|x| *x /= total);
            }
            // The step's columns mostly over an empty box: nothing there is a separator.
            let (c0, c1) = (t * w / steps, ((t + 1) * w / steps).max(t * w / steps + 1));
            let over_gap = (c0..c1.min(w))
                .filter(|&c| gaps.get(c) == Some(&true))
                .count();
            if 2 * over_gap >= c1 - c0 {
                p[SEPARATOR] += p[BLANK];
                p[BLANK] = 0.0;
            }
            out.push(p);
        }
        Lattice::from_likelihoods(out, full)
    }

    /// The model's output for a line: per step, the likelihood of each of its `n` classes
    /// (returned as the flat list and `n`).
    pub(super) fn run(&self, line: &GrayImage) -> Option<(Vec<f32>, usize)> {
        let (w, h) = line.dimensions();
        if w == 0 || h == 0 {
            return None;
        }
        let width = ((w as f32 * HEIGHT as f32 / h as f32).round() as u32).clamp(16, 4000);
        let img =
            image::imageops::resize(line, width, HEIGHT, image::imageops::FilterType::Triangle);
        let plane: Vec<f32> = img
            .as_raw()
            .iter()
            .map(|&v| v as f32 / 127.5 - 1.0)
            .collect();
        let mut data = Vec::with_capacity(plane.len() * 3);
        for _ in 0..3 {
            data.extend_from_slice(&plane);
        }
        let input = NdTensor::from_data([1, 3, HEIGHT as usize, width as usize], data);
        let out = self
            .model
            .run_one(input.into(), Some(self.opts.clone()))
            .ok()?;
        let out: NdTensor<f32, 3> = out.try_into().ok()?;
        let [_, _, n] = out.shape();
        Some((out.to_vec(), n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};

    /// `text` printed 30 pixels high on a white line.
    fn line(text: &str) -> GrayImage {
        let font = FontRef::try_from_slice(crate::slips::FONT).unwrap();
        let scaled = font.as_scaled(PxScale::from(30.0));
        let mut img = GrayImage::from_pixel(40 + 24 * text.len() as u32, 44, image::Luma([255]));
        let mut x = 12.0;
        for c in text.chars() {
            let g = scaled.scaled_glyph(c);
            let adv = scaled.h_advance(g.id);
            let g = ab_glyph::Glyph {
                position: point(x, 32.0),
                ..g
            };
            if let Some(o) = font.outline_glyph(g) {
                let b = o.px_bounds();
                o.draw(|gx, gy, cov| {
                    let (px, py) = ((b.min.x + gx as f32) as u32, (b.min.y + gy as f32) as u32);
                    if px < img.width() && py < img.height() {
                        img.put_pixel(px, py, image::Luma([(255.0 * (1.0 - cov)) as u8]));
                    }
                });
            }
            x += adv;
        }
        img
    }

    #[test]
    fn a_line_is_read_with_only_the_fields_characters() {
        let m = RowModel::new().unwrap();
        assert_eq!(m.read(&line("SAINT-ANDRE"), Field::Name), "SAINT-ANDRE");
        // Lower case read as capitals; digits are not letters.
        assert_eq!(m.read(&line("Martin"), Field::Name), "MARTIN");
        assert_eq!(m.read(&line("0412"), Field::Number), "0412");
        assert_eq!(
            m.read(
                &GrayImage::from_pixel(200, 40, image::Luma([255])),
                Field::Name
            ),
            ""
        );
        // The name row's likelihoods favour the name written.
        let l = m.read_name(&line("DUBOIS"), &[], false).1.unwrap();
        assert!(l.name_similarity("Dubois") > l.name_similarity("Dupont"));
    }
}
