//! A corrector's marks as shapes, with the drawing rules shared by the desk (`drawing.js`) and
//! the final PDF: geometry normalised to the page (0..1 from its top-left), widths and sizes
//! in thousandths of the page's width, the same defaults on both sides. What the corrector saw
//! on screen is what the student gets on paper.

use serde_json::Value;

/// The pen's default colour (a red that reads on grey scans).
pub const DEFAULT_COLOR: [u8; 3] = [0xd7, 0x26, 0x3d];
/// A highlighter stroke's opacity.
pub const HIGHLIGHT_OPACITY: f32 = 0.35;
/// A text box's background card opacity.
pub const CARD_OPACITY: f32 = 0.85;

/// One mark, ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// What to draw.
    pub shape: Shape,
    /// Its colour.
    pub color: [u8; 3],
}

/// The shapes a mark can take; lengths in thousandths of the page's width.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// A pen or highlighter stroke through its points.
    Stroke {
        points: Vec<(f64, f64)>,
        width: f64,
        highlight: bool,
    },
    /// A tick centred on (x, y), `size` wide.
    Tick { x: f64, y: f64, size: f64 },
    /// A cross centred on (x, y), `size` wide.
    Cross { x: f64, y: f64, size: f64 },
    /// A rectangle, an ellipse inscribed in it, or an arrow from (x1, y1) to (x2, y2).
    Box {
        form: BoxForm,
        x1: f64,
        y1: f64,
        x2: f64,
        y2: f64,
        width: f64,
    },
    /// Words on a light card whose top-left is (x, y): a text box, or a stamped comment (a
    /// framed card, its points first: "−1 pt · Unité manquante").
    Text {
        x: f64,
        y: f64,
        lines: Vec<String>,
        size: f64,
        stamp: bool,
    },
}

/// What a [`Shape::Box`] draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoxForm {
    Rect,
    Ellipse,
    Arrow,
}

/// The width of a tick's or a cross's strokes.
pub const TICK_STROKE: f64 = 4.0;
/// The length of an arrow's head.
pub const ARROW_HEAD: f64 = 16.0;
/// The angle between an arrow's shaft and each side of its head, in radians.
pub const ARROW_ANGLE: f64 = 0.45;
/// The padding around a text card's words, its corner radius, and a stamp's frame width.
pub const CARD_PADDING: f64 = 4.0;
/// A stamp card's frame width.
pub const STAMP_FRAME: f64 = 2.0;
/// From the top of a text's box to its first baseline, and between baselines, in font sizes.
pub const FIRST_BASELINE: f64 = 0.9;
/// Between two lines' baselines, in font sizes.
pub const LINE_GAP: f64 = 1.2;

/// Points written as the desk writes them, in French by default ("2,5", "−1"): for stamps.
fn points_label(p: f64, french: bool) -> String {
    let mut s = format!("{:.2}", p);
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.pop();
    }
    if french { s.replace('.', ",") } else { s }
}

fn color(data: &Value) -> [u8; 3] {
    let Some(c) = data.get("color").and_then(Value::as_str) else {
        return DEFAULT_COLOR;
    };
    let hex = |i: usize| c.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok());
    match (c.len(), hex(1), hex(3), hex(5)) {
        (7, Some(r), Some(g), Some(b)) => [r, g, b],
        _ => DEFAULT_COLOR,
    }
}

fn num(data: &Value, key: &str) -> Option<f64> {
    data.get(key)
        .and_then(Value::as_f64)
        .filter(|v| v.is_finite())
}

impl Mark {
    /// The mark stored as (kind, data), already checked by [`crate::grading::check_annotation`]
    /// when it was written; `None` for a kind this version does not draw. `french` writes a
    /// stamp's points with a decimal comma.
    pub fn from_stored(kind: &str, data: &Value, french: bool) -> Option<Mark> {
        let at = |k: &str| num(data, k).map(|v| v.clamp(0.0, 1.0));
        let shape = match kind {
            "pen" | "highlight" => {
                let highlight = kind == "highlight";
                let points = data
                    .get("points")?
                    .as_array()?
                    .iter()
                    .filter_map(|p| {
                        let p = p.as_array()?;
                        Some((p.first()?.as_f64()?, p.get(1)?.as_f64()?))
                    })
                    .collect::<Vec<_>>();
                if points.is_empty() {
                    return None;
                }
                Shape::Stroke {
                    points,
                    width: num(data, "width").unwrap_or(if highlight { 14.0 } else { 2.5 }),
                    highlight,
                }
            }
            "tick" | "cross" => {
                let (x, y) = (at("x")?, at("y")?);
                let size = num(data, "size").unwrap_or(30.0);
                if kind == "tick" {
                    Shape::Tick { x, y, size }
                } else {
                    Shape::Cross { x, y, size }
                }
            }
            "rect" | "ellipse" | "arrow" => Shape::Box {
                form: match kind {
                    "rect" => BoxForm::Rect,
                    "ellipse" => BoxForm::Ellipse,
                    _ => BoxForm::Arrow,
                },
                x1: at("x1")?,
                y1: at("y1")?,
                x2: at("x2")?,
                y2: at("y2")?,
                width: num(data, "width").unwrap_or(3.0),
            },
            "text" | "stamp" => {
                let stamp = kind == "stamp";
                let text = data.get("text")?.as_str()?;
                let label = match num(data, "points_value").filter(|p| stamp && *p != 0.0) {
                    Some(p) => format!("{} pt · {text}", points_label(p, french)),
                    None => text.to_string(),
                };
                Shape::Text {
                    x: at("x")?,
                    y: at("y")?,
                    lines: label.split('\n').map(str::to_string).collect(),
                    size: num(data, "size").unwrap_or(if stamp { 17.0 } else { 16.0 }),
                    stamp,
                }
            }
            _ => return None,
        };
        Some(Mark {
            shape,
            color: color(data),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stored_marks_take_the_desks_defaults() {
        let pen = Mark::from_stored("pen", &json!({"points": [[0.1, 0.2], [0.3, 0.4]]}), true);
        assert_eq!(
            pen,
            Some(Mark {
                shape: Shape::Stroke {
                    points: vec![(0.1, 0.2), (0.3, 0.4)],
                    width: 2.5,
                    highlight: false
                },
                color: DEFAULT_COLOR
            })
        );
        let hl = Mark::from_stored(
            "highlight",
            &json!({"points": [[0.1, 0.2]], "color": "#ffd400"}),
            true,
        )
        .unwrap();
        assert_eq!(hl.color, [0xff, 0xd4, 0x00]);
        assert!(matches!(
            hl.shape,
            Shape::Stroke {
                width: 14.0,
                highlight: true,
                ..
            }
        ));
        let tick = Mark::from_stored("tick", &json!({"x": 0.5, "y": 0.5}), true).unwrap();
        assert_eq!(
            tick.shape,
            Shape::Tick {
                x: 0.5,
                y: 0.5,
                size: 30.0
            }
        );
        assert_eq!(Mark::from_stored("laser", &json!({}), true), None);
    }

    #[test]
    fn a_stamp_shows_its_points_first_in_the_readers_notation() {
        let data = json!({"x": 0.2, "y": 0.3, "text": "Unité manquante\nvoir cours", "points_value": -0.5});
        let fr = Mark::from_stored("stamp", &data, true).unwrap();
        let Shape::Text {
            lines, size, stamp, ..
        } = fr.shape
        else {
            panic!("a text")
        };
        assert_eq!(lines, ["-0,5 pt · Unité manquante", "voir cours"]);
        assert_eq!((size, stamp), (17.0, true));
        let en = Mark::from_stored("stamp", &data, false).unwrap();
        assert!(
            matches!(&en.shape, Shape::Text { lines, .. } if lines[0] == "-0.5 pt · Unité manquante")
        );
        let plain = Mark::from_stored("text", &json!({"x": 0.2, "y": 0.3, "text": "Bien"}), true);
        assert!(matches!(
            plain.unwrap().shape,
            Shape::Text {
                size: 16.0,
                stamp: false,
                ..
            }
        ));
    }
}
