//! A header without boxes (a "Nom / Prénom" line written on plain paper) read line by line by
//! the recognition model, as the rows of boxes are: the crop's lines of text are found from
//! its own ink (ruled lines taken out), each line is read once, its printed label ("Nom :",
//! "Prénom(s) :", "Né(e) le :", "Date de naissance :") tells the field, and only the steps
//! after the label — up to the next printed word ("Classe :") — give the field's text and its
//! likelihoods. A printed label is therefore never a name. Without any such label the caller
//! falls back to Tesseract's free text ([`super::free_text`]).

use image::{GrayImage, Luma};
use korrigo_domain::lattice::Lattice;
use korrigo_domain::text::fold;

use super::free_text::PRINTED_WORDS;
use super::model::{Field, RowModel};
use crate::digits;

/// The fields read after their labels.
#[derive(Debug, Default)]
pub(super) struct Labelled {
    pub last_name: Option<(String, Option<Lattice>)>,
    pub first_name: Option<(String, Option<Lattice>)>,
    /// The digits written after the date's label, as the model read them.
    pub date_digits: Option<String>,
    /// The date's eight digits one by one, as the digit reader read them (how likely each
    /// digit is), when the date's ink falls into eight characters (ten with its slashes).
    pub date_boxes: Option<Vec<[f32; 10]>>,
}

/// Reads the labelled lines of `img` (upright, deskewed); `None` when no line has a name's
/// label.
pub(super) fn read(model: &RowModel, img: &GrayImage, px_per_mm: f32) -> Option<Labelled> {
    let ink = ink(img, px_per_mm);
    let mut out = Labelled::default();
    for (y0, y1) in text_lines(&ink.mask, img.width(), px_per_mm) {
        let Some(line) = line_image(img, &ink, (y0, y1), px_per_mm) else {
            continue;
        };
        let Some((probs, n)) = model.run(&line) else {
            continue;
        };
        let chars = model.decode_positions(&probs, n);
        let steps = probs.len() / n;
        let Some((label, from, to)) = labelled_value(&chars, &gaps(&line, steps, px_per_mm), steps)
        else {
            continue;
        };
        let part = &probs[from * n..to * n];
        match label {
            Label::Date => {
                if out.date_digits.is_none() {
                    out.date_digits = Some(date_digits(&model.decode(part, n, Field::Date)));
                    let col = |t: usize| (t * line.width() as usize / steps) as u32;
                    out.date_boxes = date_boxes(&line, (col(from), col(to)), px_per_mm);
                }
            }
            Label::Last | Label::First => {
                let text = model.decode(part, n, Field::Name);
                let lattice = model.lattice(part, n, to - from, &[], false);
                let value = (
                    text.split_whitespace().collect::<Vec<_>>().join(" "),
                    Some(lattice).filter(|l| l.written()),
                );
                let slot = if label == Label::Last {
                    &mut out.last_name
                } else {
                    &mut out.first_name
                };
                slot.get_or_insert(value);
            }
        }
    }
    (out.last_name.is_some() || out.first_name.is_some()).then_some(out)
}

/// The digits of a date written on a line: its slashes, read as slashes or as ones, left out
/// when that makes a plausible date.
fn date_digits(read: &str) -> String {
    let d: String = read.chars().filter(char::is_ascii_digit).collect();
    let without = |at: &[usize]| -> String {
        d.chars()
            .enumerate()
            .filter(|(i, _)| !at.contains(i))
            .map(|(_, c)| c)
            .collect()
    };
    let tries: Vec<String> = match d.len() {
        10 => vec![without(&[2, 5])],
        9 => vec![without(&[2]), without(&[4])],
        _ => Vec::new(),
    };
    tries
        .into_iter()
        .find(|t| super::parse_date_digits(t).is_some())
        .unwrap_or(d)
}

/// A date written on a line read digit by digit, as in boxes: the pieces of ink between
/// columns `c0` and `c1` (pieces over one another joined: the bar of a 5), eight of them, or
/// ten with the slashes at the third and sixth places; each read by [`digits::read_digit`].
fn date_boxes(line: &GrayImage, (c0, c1): (u32, u32), px_per_mm: f32) -> Option<Vec<[f32; 10]>> {
    let mut groups: Vec<Component> = Vec::new();
    for c in components(line)
        .into_iter()
        .filter(|c| c.x0 + c.x1 >= 2 * c0 && c.x0 + c.x1 <= 2 * c1)
    {
        match groups.last_mut() {
            // Over the piece before for half its width or more: the same character.
            Some(g)
                if 2 * (g.x1.min(c.x1) + 1).saturating_sub(c.x0.max(g.x0)) > c.x1 - c.x0 + 1 =>
            {
                g.x1 = g.x1.max(c.x1);
                g.pixels.extend(c.pixels);
            }
            _ => groups.push(c),
        }
    }
    let digits = super::eight_digits(groups.iter().collect())?;
    let m = 4;
    digits
        .into_iter()
        .map(|g| {
            let mut cell =
                GrayImage::from_pixel(g.x1 - g.x0 + 1 + 2 * m, line.height(), Luma([255]));
            for &(x, y) in &g.pixels {
                cell.put_pixel(x - g.x0 + m, y, *line.get_pixel(x, y));
            }
            digits::read_digit(&cell, px_per_mm)
        })
        .collect()
}

/// Which field a label names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Label {
    Last,
    First,
    Date,
}

/// A space between inks of a line, as steps of the model's output: where it starts and ends,
/// and how wide it is on paper (mm).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Gap {
    from: usize,
    to: usize,
    mm: f32,
}

/// Wider than a space between a label's words or before its colon: the label is over.
const AFTER_LABEL_MM: f32 = 3.0;
/// Wider than a space between a name's words, or an empty box between letters in boxes whose
/// lines the scan lost: the value is over.
const AFTER_VALUE_MM: f32 = 9.0;

/// In a line read as `(character, step)` with its spaces (`gaps`, left to right), the label and
/// the steps of its value. The label is the line's first run of characters up to a space wider
/// than a label's words leave (or up to its colon, when the writing follows it closely); the
/// value runs from there to a space wider than a name's words leave, or to the next printed
/// word ("Classe :"), or to the end (`steps`).
fn labelled_value(
    chars: &[(char, usize)],
    gaps: &[Gap],
    steps: usize,
) -> Option<(Label, usize, usize)> {
    let first = chars.first()?.1;
    // Where the label ends: its colon, or the first wide space after its first character
    // (its middle: the model may give a letter a step before or after its ink).
    let space = gaps
        .iter()
        .find(|g| g.from > first && g.mm >= AFTER_LABEL_MM)
        .map_or(steps, |g| (g.from + g.to).div_ceil(2));
    let head: Vec<&(char, usize)> = chars.iter().take_while(|c| c.1 < space).collect();
    let colon = head.iter().position(|c| c.0 == ':');
    let label_text: String = head[..colon.unwrap_or(head.len())]
        .iter()
        .map(|c| c.0)
        .collect();
    let label = label_of(&label_text)?;
    let from = match colon {
        Some(k) if k + 1 < head.len() => head[k].1 + 1,
        // The middle of the space: the model may give a letter a step or two before its ink.
        _ => space,
    };
    // The value's end: a wide space after some of it, or a printed word.
    let value_start = chars.iter().find(|c| c.1 >= from).map_or(steps, |c| c.1);
    let wide = gaps
        .iter()
        .find(|g| g.from > value_start && g.mm >= AFTER_VALUE_MM)
        .map_or(steps, |g| (g.from + g.to) / 2);
    // A printed word inside the value's letters, spaces read or not ("MARTINClasse").
    let letters: Vec<(char, usize)> = chars
        .iter()
        .filter(|c| c.1 >= from && c.1 < wide && c.0.is_alphabetic())
        .flat_map(|&(c, t)| {
            fold(&c.to_string())
                .to_uppercase()
                .chars()
                .map(move |u| (u, t))
                .collect::<Vec<_>>()
        })
        .collect();
    let to = (0..letters.len())
        .find(|&k| {
            PRINTED_WORDS.iter().filter(|p| p.len() >= 6).any(|p| {
                letters.len() >= k + p.len()
                    && letters[k..k + p.len()]
                        .iter()
                        .zip(p.chars())
                        .filter(|(a, b)| a.0 != *b)
                        .count()
                        <= 1
            })
        })
        .map_or(wide, |k| letters[k].1);
    (to > from + 1).then_some((label, from, to))
}

/// The field a label names, from what the model read of it: its letters (accents folded)
/// nearest one of the labels' spellings, two letters in five misread at most ("PREENOM", "NAM",
/// "NAELE" for "Né(e) le").
fn label_of(text: &str) -> Option<Label> {
    const SPELLINGS: [(&str, Label); 8] = [
        ("NOM", Label::Last),
        ("NOMDEFAMILLE", Label::Last),
        ("PRENOM", Label::First),
        ("PRENOMS", Label::First),
        ("NELE", Label::Date),
        ("NEELE", Label::Date),
        ("DATEDENAISSANCE", Label::Date),
        ("NAISSANCE", Label::Date),
    ];
    let w: String = fold(text)
        .to_uppercase()
        .chars()
        .filter(char::is_ascii_alphabetic)
        .collect();
    if w.is_empty() {
        return None;
    }
    SPELLINGS
        .iter()
        .map(|(s, l)| (levenshtein(&w, s) as f32 / s.len() as f32, *l))
        .filter(|(d, _)| *d <= 0.4)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, l)| l)
}

/// The edit distance between two strings of capitals.
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<u8> = b.bytes().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diag + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The spaces of a line image (columns without ink), as steps of the model's `steps`.
fn gaps(line: &GrayImage, steps: usize, px_per_mm: f32) -> Vec<Gap> {
    let (w, h) = line.dimensions();
    let blank: Vec<bool> = (0..w)
        .map(|x| (0..h).all(|y| line.get_pixel(x, y).0[0] == 255))
        .collect();
    let step = |x: usize| (x * steps / w.max(1) as usize).min(steps);
    super::runs(&blank)
        .into_iter()
        .map(|(a, b)| Gap {
            from: step(a),
            to: step(b),
            mm: (b - a) as f32 / px_per_mm,
        })
        .collect()
}

/// What a crop's pixels are: ink, part of a ruled line, or paper.
struct Ink {
    /// Dark enough to be writing or print, and not a ruled line.
    mask: Vec<bool>,
    /// Part of a ruled line (the answer's line, a frame's edge), its grey fringe included.
    rule: Vec<bool>,
    /// The level above which a pixel is left out of a line image (noise, the paper's grain).
    keep_below: u8,
}

/// Ink against the crop's own paper. Ruled lines are runs of anything darker than the paper
/// longer than 12 mm in a row (breaks of two pixels bridged), and the grey rows beside them.
fn ink(img: &GrayImage, px_per_mm: f32) -> Ink {
    let mut sample: Vec<u8> = img.as_raw().iter().step_by(7).copied().collect();
    let paper = match sample.len() {
        0 => 255,
        n => *sample.select_nth_unstable(n * 4 / 5).1,
    };
    let below = paper.saturating_sub(90).clamp(90, 150);
    let keep_below = paper.saturating_sub(60).clamp(140, 190);
    let (w, h) = (img.width() as usize, img.height() as usize);
    let raw = img.as_raw();
    let light: Vec<bool> = raw.iter().map(|&v| v < keep_below).collect();
    let long = (12.0 * px_per_mm) as usize;
    let mut rule = crate::raster::straight_runs(&light, w, long, 2);
    // The grey fringe of a ruled line, one row either side.
    let core = rule.clone();
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            if !core[i] && raw[i] < keep_below {
                let above = y > 0 && core[i - w];
                let beside = y + 1 < h && core[i + w];
                rule[i] = above || beside;
            }
        }
    }
    let mask = raw
        .iter()
        .zip(&rule)
        .map(|(&v, &r)| v < below && !r)
        .collect();
    Ink {
        mask,
        rule,
        keep_below,
    }
}

/// The lines of text: bands of rows holding ink, bridged across thin gaps, 1.5 to 16 mm tall,
/// widened by a millimetre each way.
fn text_lines(mask: &[bool], w: u32, px_per_mm: f32) -> Vec<(u32, u32)> {
    let w = w as usize;
    if w == 0 {
        return Vec::new();
    }
    let h = mask.len() / w;
    let least = ((0.4 * px_per_mm) as usize).max(3);
    let inked: Vec<bool> = (0..h)
        .map(|y| mask[y * w..(y + 1) * w].iter().filter(|&&p| p).count() >= least)
        .collect();
    let bridge = (0.8 * px_per_mm) as usize;
    let mut bands: Vec<(usize, usize)> = Vec::new();
    for (y, &on) in inked.iter().enumerate() {
        if !on {
            continue;
        }
        match bands.last_mut() {
            Some(b) if y <= b.1 + bridge => b.1 = y,
            _ => bands.push((y, y)),
        }
    }
    let pad = px_per_mm as usize;
    bands
        .into_iter()
        .filter(|&(a, b)| {
            let mm = (b - a + 1) as f32 / px_per_mm;
            (1.5..=16.0).contains(&mm)
        })
        .map(|(a, b)| (a.saturating_sub(pad) as u32, (b + pad).min(h - 1) as u32))
        .collect()
}

/// A band of the crop as a line for the model: its ink only (ruled lines and faint specks
/// gone), from its first to its last inked column, on a white margin.
fn line_image(
    img: &GrayImage,
    ink: &Ink,
    (y0, y1): (u32, u32),
    px_per_mm: f32,
) -> Option<GrayImage> {
    let w = img.width();
    let at = |x: u32, y: u32| ink.mask[(y * w + x) as usize];
    let cols: Vec<u32> = (0..w).filter(|&x| (y0..=y1).any(|y| at(x, y))).collect();
    let (&x0, &x1) = (cols.first()?, cols.last()?);
    let pad = 12;
    let h = y1 - y0 + 1;
    let mut out = GrayImage::from_pixel(x1 - x0 + 1 + 2 * pad, h + 2 * pad, Luma([255]));
    for y in y0..=y1 {
        for x in x0..=x1 {
            let v = img.get_pixel(x, y).0[0];
            // Kept: ink, and the grey edges of strokes next to it; not the ruled lines.
            let near = at(x, y) || (x > 0 && at(x - 1, y)) || (x + 1 < w && at(x + 1, y));
            if v <= ink.keep_below && near && !ink.rule[(y * w + x) as usize] {
                out.put_pixel(x - x0 + pad, y - y0 + pad, Luma([v]));
            }
        }
    }
    // Specks of the scanner's dust are no writing: they would split the spaces that tell a
    // label from its value.
    // Nor are solid blots as large as a punched hole.
    let least = ((0.4 * px_per_mm).powi(2) as usize).max(4);
    let blot = (2.5 * px_per_mm) as u32;
    for c in components(&out) {
        let (y0, y1) = c
            .pixels
            .iter()
            .fold((u32::MAX, 0), |(a, b), p| (a.min(p.1), b.max(p.1)));
        let (bw, bh) = (c.x1 - c.x0 + 1, y1.saturating_sub(y0) + 1);
        let solid = bw >= blot && bh >= blot && 2 * c.pixels.len() as u32 >= bw * bh;
        if c.pixels.len() < least || solid {
            for &(x, y) in &c.pixels {
                out.put_pixel(x, y, Luma([255]));
            }
        }
    }
    Some(out)
}

/// A connected piece of ink (8-neighbours) of a line image.
struct Component {
    pixels: Vec<(u32, u32)>,
    x0: u32,
    x1: u32,
}

/// The line image's pieces of ink (anything not white), left to right by their first column.
fn components(img: &GrayImage) -> Vec<Component> {
    let (w, h) = img.dimensions();
    let mut seen = vec![false; (w * h) as usize];
    let mut out = Vec::new();
    for x in 0..w {
        for y in 0..h {
            let i = (y * w + x) as usize;
            if seen[i] || img.get_pixel(x, y).0[0] == 255 {
                continue;
            }
            seen[i] = true;
            let mut stack = vec![(x, y)];
            let mut c = Component {
                pixels: Vec::new(),
                x0: x,
                x1: x,
            };
            while let Some((px, py)) = stack.pop() {
                c.pixels.push((px, py));
                c.x0 = c.x0.min(px);
                c.x1 = c.x1.max(px);
                for ny in py.saturating_sub(1)..=(py + 1).min(h - 1) {
                    for nx in px.saturating_sub(1)..=(px + 1).min(w - 1) {
                        let j = (ny * w + nx) as usize;
                        if !seen[j] && img.get_pixel(nx, ny).0[0] != 255 {
                            seen[j] = true;
                            stack.push((nx, ny));
                        }
                    }
                }
            }
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line as the model reads it: each character two steps on, a space one step, and the
    /// spaces of the line (`wide`: the characters after which a space is wider, with its mm).
    fn read(s: &str, wide: &[(usize, f32)]) -> (Vec<(char, usize)>, Vec<Gap>) {
        let chars: Vec<(char, usize)> = s
            .chars()
            .enumerate()
            .filter(|(_, c)| *c != ' ')
            .map(|(i, c)| (c, i * 2))
            .collect();
        let gaps = s
            .chars()
            .enumerate()
            .filter(|(_, c)| *c == ' ')
            .map(|(i, _)| {
                let mm = wide.iter().find(|w| w.0 == i).map_or(1.0, |w| w.1);
                Gap {
                    from: i * 2,
                    to: i * 2 + 2,
                    mm,
                }
            })
            .collect();
        (chars, gaps)
    }

    #[test]
    fn a_labels_value_runs_from_its_label_to_a_wide_space_or_a_printed_word() {
        // "Nom : Martin    Classe : 1A", no colon read: the value is "Martin" alone, after
        // the space that follows the label.
        let (c, g) = read("Nom Martin Classe 1A", &[(3, 12.0), (10, 3.0)]);
        assert_eq!(labelled_value(&c, &g, 60), Some((Label::Last, 7, 22)));
        // The space before "Classe" wide: the value ends there too.
        let (c, g) = read("Nom Martin Classe 1A", &[(3, 12.0), (10, 9.0)]);
        assert_eq!(labelled_value(&c, &g, 60), Some((Label::Last, 7, 21)));
        // The whole label ("Nom de famille :"), its words close together; a particle is part
        // of the name.
        let (c, g) = read("Nom de famille : Le Goff", &[(16, 10.0)]);
        assert_eq!(labelled_value(&c, &g, 60), Some((Label::Last, 33, 60)));
        // "Classe" misread and written against the name: still left out.
        let (c, g) = read("Nom MARTINCiasse", &[(3, 12.0)]);
        assert_eq!(labelled_value(&c, &g, 40), Some((Label::Last, 7, 20)));
        // Writing close after the colon: the value starts after the colon.
        let (c, g) = read("Prénom:Chloé", &[]);
        assert_eq!(labelled_value(&c, &g, 30), Some((Label::First, 13, 30)));
        let (c, g) = read("Né(e) le : 03/04/2008", &[(10, 8.0)]);
        assert_eq!(labelled_value(&c, &g, 60).unwrap().0, Label::Date);
        // A label with nothing after it, or a line without a label: nothing.
        let (c, g) = read("Nom :", &[]);
        assert_eq!(labelled_value(&c, &g, 10), None);
        let (c, g) = read("Exercice 1 : suites", &[(8, 4.0)]);
        assert_eq!(labelled_value(&c, &g, 60), None);
        // A date's slashes read as ones.
        assert_eq!(date_digits("0610612010"), "06062010");
        assert_eq!(date_digits("06/0612010"), "06062010");
        assert_eq!(date_digits("061062010"), "06062010");
        assert_eq!(date_digits("12/11/2009"), "12112009");
        // Labels misread a little are still labels; words are not.
        assert_eq!(label_of("Peénom"), Some(Label::First));
        assert_eq!(label_of("Préēnom"), Some(Label::First));
        assert_eq!(label_of("Nére)le"), Some(Label::Date));
        assert_eq!(label_of("NAElle"), Some(Label::Date));
        assert_eq!(label_of("Nam"), Some(Label::Last));
        assert_eq!(label_of("Nom de famille"), Some(Label::Last));
        assert_eq!(label_of("Exercice"), None);
        assert_eq!(label_of("MARTIN"), None);
    }
}
