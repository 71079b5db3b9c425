//! The name header of a generated first page, in several layouts: the one Korrigo was built
//! on, the official CMEN model (grouped date boxes with printed slashes, smaller and fainter
//! boxes, a title and notes), four rows of equal boxes with the date's slashes written in
//! boxes, rows of different lengths, boxes printed lighter or thicker, a partial frame, and no
//! boxes at all (a "Nom / Prénom" line written on plain paper). The corpus varies them
//! independently of the handwriting and the scanning.

use rand::Rng;
use rand::rngs::StdRng;

use super::SynthStudent;
use super::page::Canvas;

/// How the header is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderLayout {
    /// The layout the reader was built on: a frame, rows of 5 mm boxes (28, 28, 12), the date
    /// in 2 + 2 + 4 boxes.
    Korrigo,
    /// The official CMEN model: a title, 4.2 mm boxes drawn fainter, the date's groups
    /// separated by printed slashes, printed notes beside the rows.
    Cmen,
    /// Four rows of 24 equal boxes; the date written in ten boxes with its slashes.
    EqualRows,
    /// Rows of 22, 16, 11 and 8 boxes (the date's eight in one run).
    MixedLengths,
    /// The Korrigo layout with boxes printed light grey and thin.
    LightBoxes,
    /// The Korrigo layout with thick black boxes and frame.
    ThickBoxes,
    /// The Korrigo rows without the surrounding frame (only its top edge).
    PartialFrame,
    /// No boxes: "Nom :", "Prénom :" and "Né(e) le :" printed, the answers written on lines.
    NoBoxes,
}

impl HeaderLayout {
    /// Every layout, the reader's own first.
    pub const ALL: [HeaderLayout; 8] = [
        HeaderLayout::Korrigo,
        HeaderLayout::Cmen,
        HeaderLayout::EqualRows,
        HeaderLayout::MixedLengths,
        HeaderLayout::LightBoxes,
        HeaderLayout::ThickBoxes,
        HeaderLayout::PartialFrame,
        HeaderLayout::NoBoxes,
    ];

    /// A short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            HeaderLayout::Korrigo => "Korrigo",
            HeaderLayout::Cmen => "CMEN model",
            HeaderLayout::EqualRows => "equal rows",
            HeaderLayout::MixedLengths => "rows of different lengths",
            HeaderLayout::LightBoxes => "light boxes",
            HeaderLayout::ThickBoxes => "thick boxes",
            HeaderLayout::PartialFrame => "partial frame",
            HeaderLayout::NoBoxes => "no boxes",
        }
    }
}

/// How a row of boxes is printed.
#[derive(Clone, Copy)]
struct Boxes {
    w: f32,
    h: f32,
    line: f32,
    ink: u8,
    /// The written characters' size, mm.
    size: f32,
}

const USUAL: Boxes = Boxes {
    w: 5.0,
    h: 6.5,
    line: 0.25,
    ink: 70,
    size: 4.6,
};

/// How a student fills in the name boxes beyond one neat character per box: what students do
/// and readers stumble on. The corpus gives each held-out copy one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Quirk {
    /// One character per box, neatly.
    #[default]
    None,
    /// Characters a quarter larger and off-centre, touching or crossing the box edges.
    OverEdges,
    /// Two empty boxes between words, and a one-word name started one box in.
    SkippedBoxes,
    /// A wrong letter written in the last name, crossed out, the name going on in the next box.
    CrossedOut,
    /// A last name longer than its row ([`Quirk::student`] lengthens it; the row cuts it).
    TooLong,
}

impl Quirk {
    /// Every quirk, none first.
    pub const ALL: [Quirk; 5] = [
        Quirk::None,
        Quirk::OverEdges,
        Quirk::SkippedBoxes,
        Quirk::CrossedOut,
        Quirk::TooLong,
    ];

    /// A short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Quirk::None => "neat",
            Quirk::OverEdges => "over the edges",
            Quirk::SkippedBoxes => "skipped boxes",
            Quirk::CrossedOut => "crossed-out letter",
            Quirk::TooLong => "longer than the row",
        }
    }

    /// The student as the roster has them: for [`Quirk::TooLong`], a double-barrelled last name
    /// of 30 letters or more.
    pub fn student(self, s: &SynthStudent) -> SynthStudent {
        const SECOND: [&str; 3] = [
            "Delafontaine-Montgolfier",
            "Beaumarchais-Villeneuve",
            "Castelnau-Durban-Lavergne",
        ];
        let mut s = s.clone();
        if self == Quirk::TooLong {
            s.last_name = format!("{}-{}", s.last_name, SECOND[s.last_name.len() % 3]);
        }
        s
    }
}

/// A row of `n` boxes at (`x`, `y`) with `text` written in it, one character per box (a space
/// leaves its box empty; what does not fit is left out, as a student runs out of boxes).
fn row(c: &mut Canvas, rng: &mut StdRng, b: Boxes, at: (f32, f32), n: usize, text: &str) {
    quirky_row(c, rng, b, at, n, text, Quirk::None);
}

/// [`row`], filled in with `quirk`.
fn quirky_row(
    c: &mut Canvas,
    rng: &mut StdRng,
    b: Boxes,
    (x, y): (f32, f32),
    n: usize,
    text: &str,
    quirk: Quirk,
) {
    for i in 0..n {
        c.frame(x + i as f32 * b.w, y, b.w, b.h, b.line, b.ink);
    }
    let mut chars: Vec<char> = text.chars().collect();
    let mut crossed = None;
    match quirk {
        Quirk::SkippedBoxes if chars.contains(&' ') => {
            chars = text.replace(' ', "  ").chars().collect();
        }
        Quirk::SkippedBoxes => chars.insert(0, ' '),
        Quirk::CrossedOut if chars.len() >= 3 => {
            let at = rng.random_range(1..chars.len() - 1);
            let wrong = char::from(b'A' + rng.random_range(0..26u8));
            chars.insert(at, wrong);
            crossed = Some(at);
        }
        _ => {}
    }
    for (i, ch) in chars.into_iter().take(n).enumerate() {
        if ch == ' ' {
            continue;
        }
        let left = x + i as f32 * b.w;
        let (size, dx, dy) = if quirk == Quirk::OverEdges {
            (
                b.size * 1.25,
                rng.random_range(-1.0..1.0),
                rng.random_range(-0.2..0.9),
            )
        } else {
            (b.size, rng.random_range(-0.3..0.3), 0.0)
        };
        c.write(
            rng,
            left + b.w * 0.2 + dx,
            y + b.h - 1.2 + dy,
            size,
            &ch.to_string(),
            25,
        );
        if crossed == Some(i) {
            // Crossed out the way pupils do: both diagonals and a zigzag over the letter.
            let (x0, x1, y0, y1) = (left + 0.4, left + b.w - 0.4, y + 0.8, y + b.h - 0.8);
            c.stroke((x0, y0), (x1, y1), 0.4, 25);
            c.stroke((x0, y1), (x1, y0), 0.4, 25);
            for k in 0..3 {
                let yk = y0 + (y1 - y0) * (k as f32 + 0.5) / 3.0;
                c.stroke((x0, yk), (x1, yk - 0.6), 0.4, 25);
            }
        }
    }
}

/// The first name's row: written as the last name's, but the one correction of a header is
/// in the last name.
fn named(quirk: Quirk) -> Quirk {
    if quirk == Quirk::CrossedOut {
        Quirk::None
    } else {
        quirk
    }
}

fn digits(s: &SynthStudent) -> String {
    s.birth_date.chars().filter(|c| *c != '/').collect()
}

/// The date in 2 + 2 + 4 boxes starting at `x`, `gap` mm between groups (a printed slash in
/// it when `slashes`).
fn date_groups(
    c: &mut Canvas,
    rng: &mut StdRng,
    b: Boxes,
    (x, y): (f32, f32),
    gap: f32,
    slashes: bool,
    d: &str,
) {
    let mut at = x;
    for (k, (from, len)) in [(0, 2), (2, 2), (4, 4)].into_iter().enumerate() {
        row(
            c,
            rng,
            b,
            (at, y),
            len,
            d.get(from..from + len).unwrap_or(""),
        );
        at += len as f32 * b.w + gap;
        if slashes && k < 2 {
            c.text(rng, at - gap * 0.75, y + b.h - 1.0, b.h * 0.8, "/", 0);
        }
    }
}

/// Draws `s`'s header in `layout` on the page's top 60 mm, the names' boxes filled in with
/// `quirk`.
pub(super) fn draw(
    c: &mut Canvas,
    rng: &mut StdRng,
    s: &SynthStudent,
    layout: HeaderLayout,
    quirk: Quirk,
) {
    let (last, first) = (s.last_name.to_uppercase(), s.first_name.to_uppercase());
    let d = digits(s);
    match layout {
        HeaderLayout::Korrigo
        | HeaderLayout::LightBoxes
        | HeaderLayout::ThickBoxes
        | HeaderLayout::PartialFrame => {
            let (b, frame) = match layout {
                HeaderLayout::LightBoxes => (
                    Boxes {
                        line: 0.15,
                        ink: 175,
                        ..USUAL
                    },
                    0.5,
                ),
                HeaderLayout::ThickBoxes => (
                    Boxes {
                        line: 0.5,
                        ink: 0,
                        ..USUAL
                    },
                    1.2,
                ),
                _ => (USUAL, 0.8),
            };
            if layout == HeaderLayout::PartialFrame {
                c.rect(10.0, 8.0, 120.0, frame, 0);
            } else {
                c.frame(10.0, 8.0, 190.0, 50.0, frame, 0);
            }
            c.text(rng, 13.0, 16.0, 3.0, "Nom de famille :", 0);
            quirky_row(c, rng, b, (55.0, 11.0), 28, &last, quirk);
            c.text(rng, 13.0, 26.0, 3.0, "Pr\u{e9}nom(s) :", 0);
            quirky_row(c, rng, b, (55.0, 21.0), 28, &first, named(quirk));
            c.text(rng, 13.0, 36.0, 3.0, "Num\u{e9}ro d'inscription :", 0);
            row(c, rng, b, (55.0, 31.0), 12, "");
            c.text(rng, 13.0, 46.0, 3.0, "N\u{e9}(e) le :", 0);
            date_groups(c, rng, b, (55.0, 41.0), 3.0, false, &d);
            if layout != HeaderLayout::PartialFrame {
                c.rect(10.0, 53.0, 190.0, 0.5, 0);
            }
        }
        HeaderLayout::Cmen => {
            let b = Boxes {
                w: 4.2,
                h: 5.5,
                line: 0.2,
                ink: 90,
                size: 3.9,
            };
            c.text(rng, 80.0, 6.0, 3.2, "MOD\u{c8}LE CMEN", 0);
            c.frame(8.0, 8.0, 194.0, 52.0, 0.6, 0);
            c.text(rng, 11.0, 15.0, 2.6, "Nom de famille :", 0);
            c.text(
                rng,
                11.0,
                18.5,
                1.8,
                "(Suivi s'il y a lieu, du nom d'usage)",
                60,
            );
            quirky_row(c, rng, b, (60.0, 11.0), 30, &last, quirk);
            c.text(rng, 11.0, 26.0, 2.6, "Pr\u{e9}nom(s) :", 0);
            quirky_row(c, rng, b, (60.0, 21.5), 30, &first, named(quirk));
            c.text(rng, 11.0, 36.0, 2.6, "Num\u{e9}ro Inscription :", 0);
            row(c, rng, b, (60.0, 32.0), 10, "");
            c.text(
                rng,
                108.0,
                36.0,
                2.0,
                "(Le num\u{e9}ro est celui qui figure sur la convocation)",
                60,
            );
            c.text(rng, 11.0, 47.0, 2.6, "N\u{e9}(e) le :", 0);
            date_groups(c, rng, b, (60.0, 42.5), 5.0, true, &d);
            c.text(
                rng,
                120.0,
                56.0,
                1.8,
                "(Remplir cette partie \u{e0} l'aide de la notice)",
                60,
            );
        }
        HeaderLayout::EqualRows => {
            c.frame(10.0, 8.0, 190.0, 50.0, 0.8, 0);
            let date = s.birth_date.clone();
            for (k, (label, text, q)) in [
                ("Nom :", last.as_str(), quirk),
                ("Pr\u{e9}nom :", first.as_str(), named(quirk)),
                ("N\u{b0} candidat :", "", Quirk::None),
                ("Date de naissance :", date.as_str(), Quirk::None),
            ]
            .into_iter()
            .enumerate()
            {
                let y = 11.0 + k as f32 * 10.5;
                c.text(rng, 13.0, y + 5.0, 2.8, label, 0);
                quirky_row(c, rng, USUAL, (60.0, y), 24, text, q);
            }
        }
        HeaderLayout::MixedLengths => {
            c.frame(10.0, 8.0, 190.0, 50.0, 0.8, 0);
            for (k, (label, n, text, q)) in [
                ("NOM :", 22, last.as_str(), quirk),
                ("PR\u{c9}NOM :", 16, first.as_str(), named(quirk)),
                ("NUM\u{c9}RO :", 11, "", Quirk::None),
                ("N\u{c9}(E) LE :", 8, d.as_str(), Quirk::None),
            ]
            .into_iter()
            .enumerate()
            {
                let y = 11.0 + k as f32 * 10.5;
                c.text(rng, 13.0, y + 5.0, 2.8, label, 0);
                quirky_row(c, rng, USUAL, (45.0, y), n, text, q);
            }
        }
        HeaderLayout::NoBoxes => {
            for (k, (label, text)) in [
                ("Nom :", s.last_name.clone()),
                ("Pr\u{e9}nom :", s.first_name.clone()),
                ("N\u{e9}(e) le :", s.birth_date.clone()),
            ]
            .into_iter()
            .enumerate()
            {
                let y = 18.0 + k as f32 * 12.0;
                c.text(rng, 14.0, y, 3.2, label, 0);
                c.rect(38.0, y + 1.0, 100.0, 0.2, 120);
                c.write(rng, 42.0, y, 5.0, &text, 25);
            }
            c.text(rng, 150.0, 18.0, 3.2, "Classe :", 0);
        }
    }
}
