//! Activation slips: a PDF of A4 pages with ten slips each (two columns, five rows) to cut out
//! and hand to students: name, class, login, one-time activation code and where to use it.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke, StrokeDash};
use krilla::text::{Font, TextDirection};
use std::sync::Arc;

/// The embedded font (DejaVu Sans, its licence in `fonts/DejaVu-LICENSE`): every French
/// letter, no system font needed.
pub(crate) const FONT: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const COLS: usize = 2;
const ROWS: usize = 5;

/// One slip's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slip {
    /// The student's name as printed ("DUPONT Marie").
    pub name: String,
    /// Their class.
    pub class: String,
    /// Their login.
    pub username: String,
    /// The one-time activation code.
    pub code: String,
}

/// The texts around the slips, in the reader's language.
#[derive(Clone, Debug)]
pub struct SlipTexts {
    /// Title of each slip ("Korrigo — votre compte").
    pub title: String,
    /// Label before the login.
    pub login: String,
    /// Label before the code.
    pub code: String,
    /// Where to activate (the URL of the activation page).
    pub instructions: String,
}

/// Why the PDF could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SlipError {
    /// The embedded font could not be loaded (a build problem).
    #[error("the embedded font could not be loaded")]
    Font,
    /// The PDF writer failed.
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

/// Writes the slips as a PDF.
pub fn slips_pdf(slips: &[Slip], texts: &SlipTexts) -> Result<Vec<u8>, SlipError> {
    let font = Font::new(Arc::new(FONT.to_vec()).into(), 0).ok_or(SlipError::Font)?;
    let mut doc = Document::new();
    let per_page = COLS * ROWS;
    let pages = slips.chunks(per_page).collect::<Vec<_>>();
    for chunk in if pages.is_empty() {
        vec![&[][..]]
    } else {
        pages
    } {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| SlipError::Pdf("page size".into()))?;
        let mut page = doc.start_page_with(settings);
        let mut s = page.surface();
        let cell_w = PAGE_W / COLS as f32;
        let cell_h = PAGE_H / ROWS as f32;
        // Dashed cut lines.
        s.set_fill(None);
        s.set_stroke(Some(Stroke {
            paint: rgb::Color::new(150, 150, 150).into(),
            width: 0.6,
            dash: Some(StrokeDash {
                array: vec![4.0, 3.0],
                offset: 0.0,
            }),
            ..Default::default()
        }));
        let mut pb = PathBuilder::new();
        for c in 1..COLS {
            pb.move_to(cell_w * c as f32, 0.0);
            pb.line_to(cell_w * c as f32, PAGE_H);
        }
        for r in 1..ROWS {
            pb.move_to(0.0, cell_h * r as f32);
            pb.line_to(PAGE_W, cell_h * r as f32);
        }
        if let Some(path) = pb.finish() {
            s.draw_path(&path);
        }
        s.set_stroke(None);
        for (i, slip) in chunk.iter().enumerate() {
            let x = cell_w * (i % COLS) as f32 + 18.0;
            let y = cell_h * (i / COLS) as f32 + 26.0;
            let mut line = |dy: f32, size: f32, gray: u8, text: &str| {
                s.set_fill(Some(Fill {
                    paint: rgb::Color::new(gray, gray, gray).into(),
                    ..Default::default()
                }));
                s.draw_text(
                    Point::from_xy(x, y + dy),
                    font.clone(),
                    size,
                    text,
                    false,
                    TextDirection::Auto,
                );
            };
            line(0.0, 9.0, 90, &texts.title);
            line(22.0, 13.0, 0, &slip.name);
            line(38.0, 10.0, 60, &slip.class);
            line(62.0, 10.0, 0, &format!("{} {}", texts.login, slip.username));
            line(82.0, 12.0, 0, &format!("{} {}", texts.code, slip.code));
            for (k, part) in wrap(&texts.instructions, 52).iter().enumerate() {
                line(106.0 + 11.0 * k as f32, 8.0, 90, part);
            }
        }
        s.finish();
        page.finish();
    }
    doc.finish().map_err(|e| SlipError::Pdf(format!("{e:?}")))
}

/// Splits text into lines of at most `width` characters at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![];
    let mut cur = String::new();
    for word in text.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts() -> SlipTexts {
        SlipTexts {
            title: "Korrigo — votre compte".into(),
            login: "Identifiant :".into(),
            code: "Code d'activation :".into(),
            instructions: "Rendez-vous sur https://korrigo.lycee.fr/student/activate pour choisir votre mot de passe. Ce code ne sert qu'une fois.".into(),
        }
    }

    #[test]
    fn slips_make_a_pdf_with_one_page_per_ten_students() {
        let slips: Vec<Slip> = (0..23)
            .map(|i| Slip {
                name: format!("SAINT-ANDRÉ Éloïse {i}"),
                class: "TG2".into(),
                username: format!("eloise.saint-andre{i}"),
                code: "ABCD-EFGH-JKLM".into(),
            })
            .collect();
        let pdf = slips_pdf(&slips, &texts()).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        if let Ok(dir) = std::env::var("KORRIGO_KEEP_TEST_PDF") {
            std::fs::write(std::path::Path::new(&dir).join("slips.pdf"), &pdf).unwrap();
        }
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Count 3"), "23 slips on 3 pages");
        assert_eq!(
            text.matches("/Type/Page/").count()
                + text.matches("/Type/Page\n").count()
                + text.matches("/Type/Page>").count(),
            3
        );
    }

    #[test]
    fn lines_wrap_at_spaces() {
        assert_eq!(wrap("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
    }
}
