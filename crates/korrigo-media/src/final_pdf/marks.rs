//! The corrector's marks as vectors, in the stored image's pixels, with the desk's geometry
//! (`drawing.js`): the same widths, sizes, arrow heads, text cards and stamp frames.

use korrigo_domain::marks::{
    ARROW_ANGLE, ARROW_HEAD, BoxForm, CARD_OPACITY, CARD_PADDING, FIRST_BASELINE,
    HIGHLIGHT_OPACITY, LINE_GAP, Mark, STAMP_FRAME, Shape, TICK_STROKE,
};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, LineCap, LineJoin, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};

fn paint(c: [u8; 3]) -> krilla::paint::Paint {
    rgb::Color::new(c[0], c[1], c[2]).into()
}

fn stroke(c: [u8; 3], width: f32, opacity: f32) -> Stroke {
    Stroke {
        paint: paint(c),
        width,
        line_cap: LineCap::Round,
        line_join: LineJoin::Round,
        opacity: NormalizedF32::new(opacity).unwrap_or(NormalizedF32::ONE),
        ..Default::default()
    }
}

/// The width of `text` at `size`, from the font's advances (for the text card).
pub(crate) fn text_width(text: &str, size: f32) -> f32 {
    use ab_glyph::{Font as _, FontRef};
    let Ok(f) = FontRef::try_from_slice(crate::slips::FONT) else {
        return text.chars().count() as f32 * size * 0.55;
    };
    let em = f.units_per_em().unwrap_or(2048.0);
    text.chars()
        .map(|c| f.h_advance_unscaled(f.glyph_id(c)))
        .sum::<f32>()
        * size
        / em
}

/// Draws one mark on a page whose stored image is `w` × `h` pixels, shown at `rotation`.
pub(super) fn draw(s: &mut Surface, m: &Mark, w: f32, h: f32, rotation: u16, font: &Font) {
    let u = w / 1000.0;
    let (x, y) = (|v: f64| v as f32 * w, |v: f64| v as f32 * h);
    let c = m.color;
    let mut pb = PathBuilder::new();
    match &m.shape {
        Shape::Stroke {
            points,
            width,
            highlight,
        } => {
            let (first, rest) = points.split_first().expect("a stroke has a point");
            pb.move_to(x(first.0), y(first.1));
            if rest.is_empty() {
                // A dot: a zero-length segment drawn with round caps.
                pb.line_to(x(first.0) + 0.01, y(first.1));
            }
            for p in rest {
                pb.line_to(x(p.0), y(p.1));
            }
            let opacity = if *highlight { HIGHLIGHT_OPACITY } else { 1.0 };
            s.set_stroke(Some(stroke(c, *width as f32 * u, opacity)));
        }
        Shape::Tick { x: cx, y: cy, size } | Shape::Cross { x: cx, y: cy, size } => {
            let sz = *size as f32 * u;
            let (cx, cy) = (x(*cx), y(*cy));
            if matches!(m.shape, Shape::Tick { .. }) {
                pb.move_to(cx - 0.5 * sz, cy);
                pb.line_to(cx - 0.15 * sz, cy + 0.4 * sz);
                pb.line_to(cx + 0.55 * sz, cy - 0.5 * sz);
            } else {
                pb.move_to(cx - 0.4 * sz, cy - 0.4 * sz);
                pb.line_to(cx + 0.4 * sz, cy + 0.4 * sz);
                pb.move_to(cx + 0.4 * sz, cy - 0.4 * sz);
                pb.line_to(cx - 0.4 * sz, cy + 0.4 * sz);
            }
            s.set_stroke(Some(stroke(c, TICK_STROKE as f32 * u, 1.0)));
        }
        Shape::Box {
            form,
            x1,
            y1,
            x2,
            y2,
            width,
        } => {
            let (x1, y1, x2, y2) = (x(*x1), y(*y1), x(*x2), y(*y2));
            match form {
                BoxForm::Rect => {
                    pb.move_to(x1, y1);
                    pb.line_to(x2, y1);
                    pb.line_to(x2, y2);
                    pb.line_to(x1, y2);
                    pb.close();
                }
                BoxForm::Ellipse => ellipse(&mut pb, x1, y1, x2, y2),
                BoxForm::Arrow => {
                    let a = (y2 - y1).atan2(x2 - x1);
                    let head = ARROW_HEAD as f32 * u;
                    pb.move_to(x1, y1);
                    pb.line_to(x2, y2);
                    for da in [ARROW_ANGLE as f32, -(ARROW_ANGLE as f32)] {
                        pb.line_to(x2 - head * (a + da).cos(), y2 - head * (a + da).sin());
                        pb.move_to(x2, y2);
                    }
                }
            }
            let mut st = stroke(c, *width as f32 * u, 1.0);
            if *form == BoxForm::Rect {
                st.line_cap = LineCap::Butt;
                st.line_join = LineJoin::Miter;
            }
            s.set_stroke(Some(st));
        }
        Shape::Text {
            x: tx,
            y: ty,
            lines,
            size,
            stamp,
        } => {
            text(
                s,
                (x(*tx), y(*ty)),
                lines,
                *size as f32 * u,
                *stamp,
                c,
                u,
                rotation,
                font,
            );
            return;
        }
    }
    s.set_fill(None);
    if let Some(path) = pb.finish() {
        s.draw_path(&path);
    }
    s.set_stroke(None);
}

/// An ellipse inscribed in the box, as four cubic arcs.
fn ellipse(pb: &mut PathBuilder, x1: f32, y1: f32, x2: f32, y2: f32) {
    const K: f32 = 0.552_284_8;
    let (cx, cy) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
    let (rx, ry) = ((x2 - x1).abs() / 2.0, (y2 - y1).abs() / 2.0);
    pb.move_to(cx + rx, cy);
    pb.cubic_to(cx + rx, cy + K * ry, cx + K * rx, cy + ry, cx, cy + ry);
    pb.cubic_to(cx - K * rx, cy + ry, cx - rx, cy + K * ry, cx - rx, cy);
    pb.cubic_to(cx - rx, cy - K * ry, cx - K * rx, cy - ry, cx, cy - ry);
    pb.cubic_to(cx + K * rx, cy - ry, cx + rx, cy - K * ry, cx + rx, cy);
    pb.close();
}

/// Words on a light card from (x, y), turned back so they read upright on the shown page;
/// a stamp's card is framed in its colour.
#[allow(
    clippy::too_many_arguments,
    reason = "one mark's drawing context, passed as it is"
)]
fn text(
    s: &mut Surface,
    (x, y): (f32, f32),
    lines: &[String],
    size: f32,
    stamp: bool,
    c: [u8; 3],
    u: f32,
    rotation: u16,
    font: &Font,
) {
    let turned = !rotation.is_multiple_of(360);
    if turned {
        s.push_transform(&Transform::from_rotate_at(-f32::from(rotation), x, y));
    }
    let width = lines
        .iter()
        .map(|l| text_width(l, size))
        .fold(0.0, f32::max);
    let height =
        size * (FIRST_BASELINE as f32 + LINE_GAP as f32 * (lines.len() as f32 - 1.0)) + size * 0.25;
    let pad = CARD_PADDING as f32 * u;
    if let Some(card) = Rect::from_xywh(x - pad, y - pad, width + 2.0 * pad, height + 2.0 * pad) {
        let mut pb = PathBuilder::new();
        rounded(&mut pb, card, CARD_PADDING as f32 * u);
        if let Some(path) = pb.finish() {
            s.set_fill(Some(Fill {
                paint: rgb::Color::new(255, 255, 255).into(),
                opacity: NormalizedF32::new(CARD_OPACITY).unwrap_or(NormalizedF32::ONE),
                ..Default::default()
            }));
            s.set_stroke(stamp.then(|| Stroke {
                paint: paint(c),
                width: STAMP_FRAME as f32 * u,
                ..Default::default()
            }));
            s.draw_path(&path);
            s.set_stroke(None);
        }
    }
    s.set_fill(Some(Fill {
        paint: paint(c),
        ..Default::default()
    }));
    for (i, line) in lines.iter().enumerate() {
        let baseline = y + size * (FIRST_BASELINE as f32 + LINE_GAP as f32 * i as f32);
        s.draw_text(
            Point::from_xy(x, baseline),
            font.clone(),
            size,
            line,
            false,
            TextDirection::Auto,
        );
    }
    s.set_fill(None);
    if turned {
        s.pop();
    }
}

/// A rectangle with rounded corners of radius `r`.
fn rounded(pb: &mut PathBuilder, b: Rect, r: f32) {
    const K: f32 = 0.552_284_8;
    let (l, t, rt, bt) = (b.left(), b.top(), b.right(), b.bottom());
    let r = r.min(b.width() / 2.0).min(b.height() / 2.0);
    pb.move_to(l + r, t);
    pb.line_to(rt - r, t);
    pb.cubic_to(rt - r + K * r, t, rt, t + r - K * r, rt, t + r);
    pb.line_to(rt, bt - r);
    pb.cubic_to(rt, bt - r + K * r, rt - r + K * r, bt, rt - r, bt);
    pb.line_to(l + r, bt);
    pb.cubic_to(l + r - K * r, bt, l, bt - r + K * r, l, bt - r);
    pb.line_to(l, t + r);
    pb.cubic_to(l, t + r - K * r, l + r - K * r, t, l + r, t);
    pb.close();
}
