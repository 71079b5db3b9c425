//! The summary page(s) closing a final PDF: the exam, the copy, the total, one line per
//! question with its points and remark, and the appreciation. The words come translated from
//! the caller; long remarks wrap, and a long scheme runs on to another page.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};

use super::marks::text_width;
use super::{FinalPdfError, PAGE_WIDTH};

/// The height of an A4 page, in points.
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 56.0;
const BODY: f32 = 10.5;
const LEADING: f32 = 14.0;

/// What the summary says, already in the reader's language.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// The exam's name.
    pub title: String,
    /// Lines under the title: the copy's code, the student (for the student and managers),
    /// the subject and date.
    pub lines: Vec<String>,
    /// The total line ("Note : 14,5 / 20").
    pub total: String,
    /// A smaller line under it, when the grade needs explaining (a harmonisation).
    pub total_note: Option<String>,
    /// Column headings: question, points, remark.
    pub headings: [String; 3],
    /// One row per question, in the scheme's order.
    pub rows: Vec<SummaryRow>,
    /// "Appréciation" and the text (empty: the section is left out).
    pub appreciation: (String, String),
}

/// One line of the table.
#[derive(Clone, Debug, Default)]
pub struct SummaryRow {
    /// The question's label, indented by its depth in the scheme.
    pub label: String,
    /// 0 for an exercise, 1 for its questions, ...
    pub depth: u8,
    /// "2,5 / 3" (empty for an exercise's own line).
    pub points: String,
    /// The corrector's remark.
    pub remark: String,
}

/// Splits `text` into lines no wider than `width` at `size` (a word longer than the line is
/// cut where it must be).
pub(crate) fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    let mut out = vec![];
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if text_width(&candidate, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            // A word alone wider than the line: cut it.
            let mut piece = String::new();
            for ch in word.chars() {
                piece.push(ch);
                if text_width(&piece, size) > width && piece.chars().count() > 1 {
                    let last = piece.pop().expect("two characters");
                    out.push(std::mem::take(&mut piece));
                    piece.push(last);
                }
            }
            line = piece;
        }
        out.push(line);
    }
    out
}

/// A page being filled from the top, opening the next one when full.
struct Writer<'a> {
    doc: &'a mut Document,
    font: &'a Font,
}

impl Writer<'_> {
    fn with_page(&mut self, f: impl FnOnce(&mut Surface, &Font)) -> Result<(), FinalPdfError> {
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
            .ok_or_else(|| FinalPdfError::Pdf("page size".into()))?;
        let mut page = self.doc.start_page_with(settings);
        let mut s = page.surface();
        f(&mut s, self.font);
        s.finish();
        page.finish();
        Ok(())
    }
}

fn say(s: &mut Surface, font: &Font, x: f32, y: f32, size: f32, gray: u8, text: &str) {
    s.set_fill(Some(Fill {
        paint: rgb::Color::new(gray, gray, gray).into(),
        ..Default::default()
    }));
    s.draw_text(
        Point::from_xy(x, y),
        font.clone(),
        size,
        text,
        false,
        TextDirection::Auto,
    );
}

fn rule(s: &mut Surface, y: f32) {
    let mut pb = PathBuilder::new();
    pb.move_to(MARGIN, y);
    pb.line_to(PAGE_WIDTH - MARGIN, y);
    if let Some(p) = pb.finish() {
        s.set_fill(None);
        s.set_stroke(Some(Stroke {
            paint: rgb::Color::new(170, 170, 170).into(),
            width: 0.6,
            ..Default::default()
        }));
        s.draw_path(&p);
        s.set_stroke(None);
    }
}

/// One laid-out line of the summary: what to draw at which height.
enum Item {
    Text {
        x: f32,
        size: f32,
        gray: u8,
        text: String,
    },
    Row {
        x: f32,
        label: Vec<String>,
        points: String,
        remark: Vec<String>,
    },
    Rule,
    Gap(f32),
}

/// Adds the summary's pages to `doc`.
pub(super) fn draw(doc: &mut Document, sum: &Summary, font: &Font) -> Result<(), FinalPdfError> {
    let inner = PAGE_WIDTH - 2.0 * MARGIN;
    let (label_w, points_w) = (inner * 0.42, inner * 0.16);
    let remark_x = MARGIN + label_w + points_w;
    let remark_w = inner - label_w - points_w;
    let mut items = vec![];
    for l in wrap(&sum.title, 18.0, inner) {
        items.push(Item::Text {
            x: MARGIN,
            size: 18.0,
            gray: 0,
            text: l,
        });
    }
    items.push(Item::Gap(4.0));
    for line in &sum.lines {
        for l in wrap(line, 11.0, inner) {
            items.push(Item::Text {
                x: MARGIN,
                size: 11.0,
                gray: 60,
                text: l,
            });
        }
    }
    items.push(Item::Gap(8.0));
    for l in wrap(&sum.total, 15.0, inner) {
        items.push(Item::Text {
            x: MARGIN,
            size: 15.0,
            gray: 0,
            text: l,
        });
    }
    if let Some(note) = &sum.total_note {
        for l in wrap(note, 11.0, inner) {
            items.push(Item::Text {
                x: MARGIN,
                size: 11.0,
                gray: 60,
                text: l,
            });
        }
    }
    items.push(Item::Gap(10.0));
    items.push(Item::Row {
        x: MARGIN,
        label: vec![sum.headings[0].clone()],
        points: sum.headings[1].clone(),
        remark: vec![sum.headings[2].clone()],
    });
    items.push(Item::Rule);
    for r in &sum.rows {
        let indent = 12.0 * f32::from(r.depth.min(4));
        items.push(Item::Row {
            x: MARGIN + indent,
            label: wrap(&r.label, BODY, label_w - indent - 6.0),
            points: r.points.clone(),
            remark: wrap(&r.remark, BODY, remark_w),
        });
    }
    items.push(Item::Rule);
    if !sum.appreciation.1.trim().is_empty() {
        items.push(Item::Gap(12.0));
        items.push(Item::Text {
            x: MARGIN,
            size: 12.0,
            gray: 0,
            text: sum.appreciation.0.clone(),
        });
        for l in wrap(&sum.appreciation.1, BODY, inner) {
            items.push(Item::Text {
                x: MARGIN,
                size: BODY,
                gray: 20,
                text: l,
            });
        }
    }
    let mut w = Writer { doc, font };
    let mut rest = items.as_slice();
    while !rest.is_empty() {
        let mut taken = 0;
        let mut y = MARGIN + 14.0;
        for it in rest {
            let h = match it {
                Item::Text { size, .. } => size * 1.35,
                Item::Row { label, remark, .. } => row_height(label, remark),
                Item::Rule => 6.0,
                Item::Gap(g) => *g,
            };
            if y + h > PAGE_HEIGHT - MARGIN && taken > 0 {
                break;
            }
            y += h;
            taken += 1;
        }
        let (now, later) = rest.split_at(taken);
        w.with_page(|s, font| {
            let mut y = MARGIN + 14.0;
            for it in now {
                match it {
                    Item::Text {
                        x,
                        size,
                        gray,
                        text,
                    } => {
                        say(s, font, *x, y + size * 0.9, *size, *gray, text);
                        y += size * 1.35;
                    }
                    Item::Row {
                        x,
                        label,
                        points,
                        remark,
                    } => {
                        for (i, l) in label.iter().enumerate() {
                            say(s, font, *x, y + BODY + LEADING * i as f32, BODY, 0, l);
                        }
                        say(s, font, MARGIN + label_w, y + BODY, BODY, 0, points);
                        for (i, l) in remark.iter().enumerate() {
                            say(
                                s,
                                font,
                                remark_x,
                                y + BODY + LEADING * i as f32,
                                BODY,
                                40,
                                l,
                            );
                        }
                        y += row_height(label, remark);
                    }
                    Item::Rule => {
                        rule(s, y + 2.0);
                        y += 6.0;
                    }
                    Item::Gap(g) => y += g,
                }
            }
        })?;
        rest = later;
    }
    Ok(())
}

/// A table row's height: its longer column, and a little air.
fn row_height(label: &[String], remark: &[String]) -> f32 {
    LEADING * label.len().max(remark.len()).max(1) as f32 + 4.0
}
