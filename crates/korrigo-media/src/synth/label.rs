//! A printed identification label stuck on a generated page: the label drawn as the label
//! sheet prints it (QR code, name, class), turned by a few degrees, pasted over the header,
//! and optionally damaged (a corner torn off, a pen stroke across the code).

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use image::GrayImage;

use crate::labels::{LABEL_MM, Label, QR_AT_MM, QR_MM, qr_modules};
use crate::raster;

/// How a label is damaged on the copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Damage {
    None,
    /// The code's right edge torn off below its finder pattern (white): a tenth of the code,
    /// the alignment pattern spared (the reader needs it, as it needs the three finders).
    TornEdge,
    /// A thick pen stroke across the code's middle.
    PenStroke,
    /// Half the code missing: unreadable by design.
    HalfGone,
}

/// The label as printed, at `px_per_mm`.
pub fn label_image(label: &Label, px_per_mm: f32) -> GrayImage {
    let (w, h) = (
        (LABEL_MM.0 * px_per_mm).round() as u32,
        (LABEL_MM.1 * px_per_mm).round() as u32,
    );
    let mut img = raster::white(w, h);
    let (n, dark) = qr_modules(&label.token).expect("tokens fit a QR code");
    let m = QR_MM / n as f32;
    for row in 0..n {
        for col in 0..n {
            if dark[row * n + col] {
                fill(
                    &mut img,
                    (QR_AT_MM.0 + col as f32 * m) * px_per_mm,
                    (QR_AT_MM.1 + row as f32 * m) * px_per_mm,
                    m * px_per_mm,
                    m * px_per_mm,
                    0,
                );
            }
        }
    }
    let font = FontRef::try_from_slice(crate::slips::FONT).expect("the embedded font parses");
    print(
        &mut img,
        &font,
        32.0,
        12.0,
        4.0,
        &label.last_name.to_uppercase(),
        px_per_mm,
    );
    print(
        &mut img,
        &font,
        32.0,
        18.5,
        3.5,
        &label.first_name,
        px_per_mm,
    );
    print(&mut img, &font, 32.0, 25.0, 3.0, &label.class, px_per_mm);
    img
}

fn fill(img: &mut GrayImage, x: f32, y: f32, w: f32, h: f32, v: u8) {
    let (x0, y0) = (x.max(0.0) as u32, y.max(0.0) as u32);
    let (x1, y1) = (
        ((x + w).round() as u32).min(img.width()),
        ((y + h).round() as u32).min(img.height()),
    );
    for yy in y0..y1 {
        for xx in x0..x1 {
            img.put_pixel(xx, yy, image::Luma([v]));
        }
    }
}

fn print(
    img: &mut GrayImage,
    f: &FontRef<'_>,
    x_mm: f32,
    base_mm: f32,
    size_mm: f32,
    text: &str,
    s: f32,
) {
    let scaled = f.as_scaled(PxScale::from(size_mm * s * 1.35));
    let mut x = x_mm * s;
    for c in text.chars() {
        let g = scaled.scaled_glyph(c);
        let adv = scaled.h_advance(g.id);
        let g = ab_glyph::Glyph {
            position: point(x, base_mm * s),
            ..g
        };
        if let Some(o) = f.outline_glyph(g) {
            let b = o.px_bounds();
            o.draw(|gx, gy, cov| {
                let (px, py) = ((b.min.x + gx as f32) as u32, (b.min.y + gy as f32) as u32);
                if cov > 0.3 && px < img.width() && py < img.height() {
                    img.put_pixel(px, py, image::Luma([(255.0 * (1.0 - cov)) as u8]));
                }
            });
        }
        x += adv;
    }
}

/// Sticks `label` on `page` (drawn at `dpi`) with its top-left corner at (`x_mm`, `y_mm`),
/// turned by `angle_deg`, damaged as said.
pub fn stick_label(
    page: &mut GrayImage,
    dpi: u32,
    label: &Label,
    (x_mm, y_mm): (f32, f32),
    angle_deg: f32,
    damage: Damage,
) {
    let s = dpi as f32 / 25.4;
    let mut img = label_image(label, s);
    let qr = |v: f32| v * s;
    let (qx, qy, qs) = (qr(QR_AT_MM.0), qr(QR_AT_MM.1), qr(QR_MM));
    match damage {
        Damage::None => {}
        Damage::TornEdge => fill(&mut img, qx + qs * 0.86, qy + qs * 0.28, qs, qs, 255),
        Damage::PenStroke => fill(
            &mut img,
            qx - qr(1.0),
            qy + qs * 0.45,
            qs + qr(2.0),
            qr(1.0),
            20,
        ),
        Damage::HalfGone => fill(&mut img, qx, qy + qs * 0.5, qs, qs, 255),
    }
    // A margin of paper around the label so that turning it loses none of it.
    let pad = (4.0 * s) as u32;
    let mut padded = raster::white(img.width() + 2 * pad, img.height() + 2 * pad);
    image::imageops::replace(&mut padded, &img, pad as i64, pad as i64);
    let turned = raster::rotate_small(&padded, angle_deg.to_radians());
    let (ox, oy) = (
        (x_mm * s) as i64 - pad as i64,
        (y_mm * s) as i64 - pad as i64,
    );
    // The label's own area (turned) replaces the page; the padding keeps the page as it was.
    let (c, sn) = (angle_deg.to_radians().cos(), angle_deg.to_radians().sin());
    let (cx, cy) = (padded.width() as f32 / 2.0, padded.height() as f32 / 2.0);
    let (hw, hh) = (img.width() as f32 / 2.0, img.height() as f32 / 2.0);
    for y in 0..turned.height() {
        for x in 0..turned.width() {
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            // Back into the label's own frame.
            let (lx, ly) = (dx * c + dy * sn, -dx * sn + dy * c);
            if lx.abs() > hw || ly.abs() > hh {
                continue;
            }
            let (px, py) = (ox + x as i64, oy + y as i64);
            if px >= 0 && py >= 0 && (px as u32) < page.width() && (py as u32) < page.height() {
                page.put_pixel(px as u32, py as u32, *turned.get_pixel(x, y));
            }
        }
    }
}
