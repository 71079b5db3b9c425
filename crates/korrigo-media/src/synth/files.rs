//! A generated page made a scan: scanner noise and skew, A3 sheets, JPEG or CCITT G4 encoding,
//! and the PDF a scanner writes (one image per page).

use image::{GrayImage, Luma};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::Encoding;
use crate::pdf::{MiniWriter, Obj, dict, name};
use crate::raster;

/// Scanner defects: a small rotation and specks.
pub fn scanner_noise(img: &GrayImage, skew_deg: f32, noise: f32, seed: u64) -> GrayImage {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
    let mut out = if skew_deg.abs() > 0.01 {
        raster::rotate_small(img, skew_deg.to_radians())
    } else {
        img.clone()
    };
    let specks = (out.width() as f32 * out.height() as f32 * noise / 1000.0) as u32;
    for _ in 0..specks {
        let (x, y) = (
            rng.random_range(0..out.width()),
            rng.random_range(0..out.height()),
        );
        out.put_pixel(x, y, Luma([rng.random_range(60..180)]));
    }
    out
}

/// Side by side: `[left | right]`.
pub fn a3_sheet(left: &GrayImage, right: &GrayImage) -> GrayImage {
    let (w, h) = left.dimensions();
    let mut out = raster::white(w * 2, h);
    image::imageops::replace(&mut out, left, 0, 0);
    image::imageops::replace(&mut out, right, w as i64, 0);
    out
}

/// Encodes a page as CCITT Group 4 (1 bit per pixel, black below mid-gray).
pub fn ccitt_g4(img: &GrayImage) -> Vec<u8> {
    use fax::{Color, VecWriter, encoder::Encoder};
    let w = img.width() as u16;
    let mut enc = Encoder::new(VecWriter::new());
    for row in img.rows() {
        let line = row.map(|p| {
            if p.0[0] < 160 {
                Color::Black
            } else {
                Color::White
            }
        });
        enc.encode_line(line, w).expect("encoding into memory");
    }
    enc.finish().expect("encoding into memory").finish()
}

/// A scanned image as a PDF page: the image filter, its bytes, and its size in pixels.
pub struct ScanImage {
    pub encoding: Encoding,
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Encodes a page image.
pub fn encode(img: &GrayImage, encoding: Encoding) -> ScanImage {
    ScanImage {
        encoding,
        bytes: match encoding {
            Encoding::Jpeg => raster::encode_jpeg(img, 75),
            Encoding::CcittG4 => ccitt_g4(img),
        },
        width: img.width(),
        height: img.height(),
    }
}

/// Writes a PDF with one image per page, as a scanner does.
pub fn pdf_of_images(images: &[ScanImage], dpi: u32) -> Vec<u8> {
    let mut w = MiniWriter::default();
    let catalog = w.reserve();
    let pages = w.reserve();
    let mut kids = Vec::new();
    let mut objs = Vec::new();
    for _ in images {
        let (p, i, c) = (w.reserve(), w.reserve(), w.reserve());
        kids.push(Obj::Ref(p, 0));
        objs.push((p, i, c));
    }
    w.put(
        catalog,
        &dict(&[("Type", name("Catalog")), ("Pages", Obj::Ref(pages, 0))]),
        None,
    );
    w.put(
        pages,
        &dict(&[
            ("Type", name("Pages")),
            ("Count", Obj::Int(images.len() as i64)),
            ("Kids", Obj::Array(kids)),
        ]),
        None,
    );
    for (img, (p, i, c)) in images.iter().zip(objs) {
        let (wp, hp) = (
            img.width as f64 * 72.0 / dpi as f64,
            img.height as f64 * 72.0 / dpi as f64,
        );
        w.put(
            p,
            &dict(&[
                ("Type", name("Page")),
                ("Parent", Obj::Ref(pages, 0)),
                (
                    "MediaBox",
                    Obj::Array(vec![Obj::Int(0), Obj::Int(0), Obj::Real(wp), Obj::Real(hp)]),
                ),
                (
                    "Resources",
                    dict(&[("XObject", dict(&[("Im0", Obj::Ref(i, 0))]))]),
                ),
                ("Contents", Obj::Ref(c, 0)),
            ]),
            None,
        );
        let mut entries = vec![
            ("Type", name("XObject")),
            ("Subtype", name("Image")),
            ("Width", Obj::Int(img.width as i64)),
            ("Height", Obj::Int(img.height as i64)),
            ("ColorSpace", name("DeviceGray")),
        ];
        match img.encoding {
            Encoding::Jpeg => {
                entries.push(("BitsPerComponent", Obj::Int(8)));
                entries.push(("Filter", name("DCTDecode")));
            }
            Encoding::CcittG4 => {
                entries.push(("BitsPerComponent", Obj::Int(1)));
                entries.push(("Filter", name("CCITTFaxDecode")));
                entries.push((
                    "DecodeParms",
                    dict(&[
                        ("K", Obj::Int(-1)),
                        ("Columns", Obj::Int(img.width as i64)),
                        ("Rows", Obj::Int(img.height as i64)),
                    ]),
                ));
            }
        }
        w.put(i, &dict(&entries), Some(&img.bytes));
        let content = format!("q {wp:.3} 0 0 {hp:.3} 0 0 cm /Im0 Do Q");
        w.put(c, &dict(&[]), Some(content.as_bytes()));
    }
    w.finish(catalog)
}

/// A well-formed PDF without any page.
pub fn empty_pdf() -> Vec<u8> {
    let mut w = MiniWriter::default();
    let (catalog, pages) = (w.reserve(), w.reserve());
    w.put(
        catalog,
        &dict(&[("Type", name("Catalog")), ("Pages", Obj::Ref(pages, 0))]),
        None,
    );
    w.put(
        pages,
        &dict(&[
            ("Type", name("Pages")),
            ("Kids", Obj::Array(vec![])),
            ("Count", Obj::Int(0)),
        ]),
        None,
    );
    w.finish(catalog)
}

/// A PDF page drawn with vectors and text (no image), as an office printer or a word processor
/// would produce; the pipeline renders it.
pub fn vector_pdf(pages: u32) -> Vec<u8> {
    let mut w = MiniWriter::default();
    let catalog = w.reserve();
    let tree = w.reserve();
    let font_obj = w.reserve();
    let mut kids = Vec::new();
    let mut objs = Vec::new();
    for _ in 0..pages {
        let (p, c) = (w.reserve(), w.reserve());
        kids.push(Obj::Ref(p, 0));
        objs.push((p, c));
    }
    w.put(
        catalog,
        &dict(&[("Type", name("Catalog")), ("Pages", Obj::Ref(tree, 0))]),
        None,
    );
    w.put(
        tree,
        &dict(&[
            ("Type", name("Pages")),
            ("Count", Obj::Int(pages as i64)),
            ("Kids", Obj::Array(kids)),
            (
                "MediaBox",
                Obj::Array(vec![Obj::Int(0), Obj::Int(0), Obj::Int(595), Obj::Int(842)]),
            ),
        ]),
        None,
    );
    w.put(
        font_obj,
        &dict(&[
            ("Type", name("Font")),
            ("Subtype", name("Type1")),
            ("BaseFont", name("Helvetica")),
        ]),
        None,
    );
    for (n, (p, c)) in objs.into_iter().enumerate() {
        w.put(
            p,
            &dict(&[
                ("Type", name("Page")),
                ("Parent", Obj::Ref(tree, 0)),
                (
                    "Resources",
                    dict(&[("Font", dict(&[("F1", Obj::Ref(font_obj, 0))]))]),
                ),
                ("Contents", Obj::Ref(c, 0)),
            ]),
            None,
        );
        let content = format!(
            "4 w 0 G 28 700 540 110 re S BT /F1 14 Tf 40 780 Td (Devoir - page {}) Tj ET 0.5 w 70 0 m 70 842 l S",
            n + 1
        );
        w.put(c, &dict(&[]), Some(content.as_bytes()));
    }
    w.finish(catalog)
}
