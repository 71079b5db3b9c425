use super::*;
use korrigo_domain::marks::Mark;
use serde_json::json;
use std::io::Read;

fn page(seed: u64, rotation: u16) -> FinalPage {
    let img = crate::synth::a4_page(150, None, 20, seed);
    let marks = [
        ("pen", json!({"points": [[0.1, 0.1], [0.2, 0.15], [0.3, 0.1]], "width": 3})),
        ("highlight", json!({"points": [[0.1, 0.3], [0.6, 0.3]], "color": "#ffd400"})),
        ("tick", json!({"x": 0.8, "y": 0.2})),
        ("cross", json!({"x": 0.8, "y": 0.3, "color": "#1a64c8"})),
        ("rect", json!({"x1": 0.1, "y1": 0.5, "x2": 0.4, "y2": 0.6})),
        ("ellipse", json!({"x1": 0.5, "y1": 0.5, "x2": 0.7, "y2": 0.6})),
        ("arrow", json!({"x1": 0.2, "y1": 0.7, "x2": 0.5, "y2": 0.75})),
        ("text", json!({"x": 0.1, "y": 0.8, "text": "Très bien vu\nmais justifiez"})),
        ("stamp", json!({"x": 0.5, "y": 0.85, "text": "Unité manquante", "points_value": -0.5, "comment": 3})),
    ]
    .iter()
    .map(|(k, d)| Mark::from_stored(k, d, true).unwrap())
    .collect();
    FinalPage {
        jpeg: Arc::new(crate::raster::encode_jpeg(&img, 75)),
        width: img.width(),
        height: img.height(),
        rotation,
        marks,
    }
}

fn summary() -> Summary {
    Summary {
        title: "Devoir surveillé n° 3 — Équations".into(),
        lines: vec!["Copie K7M-4Q2".into(), "Élève : SAINT-ANDRÉ Éloïse".into()],
        total: "Note : 14,5 / 20".into(),
        total_note: None,
        headings: ["Question".into(), "Points".into(), "Remarque".into()],
        rows: vec![
            SummaryRow {
                label: "Exercice 1".into(),
                depth: 0,
                ..Default::default()
            },
            SummaryRow {
                label: "a) Résoudre l’équation".into(),
                depth: 1,
                points: "2,5 / 3".into(),
                remark: "Bien justifié, mais l’unité manque à la dernière ligne ; revoyez la conversion des km/h en m/s avant le prochain contrôle.".into(),
            },
        ],
        appreciation: ("Appréciation".into(), "Bon travail, soigné.\nContinuez ainsi !".into()),
    }
}

/// Every stream of the file, decompressed when it is Flate-encoded.
fn streams(pdf: &[u8]) -> Vec<Vec<u8>> {
    let mut out = vec![];
    let mut at = 0;
    while let Some(i) = pdf[at..].windows(6).position(|w| w == b"stream") {
        let start = at + i + 6;
        let start = start + usize::from(pdf.get(start) == Some(&b'\r')) + 1;
        let Some(len) = pdf[start..].windows(9).position(|w| w == b"endstream") else {
            break;
        };
        let raw = &pdf[start..start + len];
        let mut d = Vec::new();
        if flate2::read::ZlibDecoder::new(raw)
            .read_to_end(&mut d)
            .is_ok()
        {
            out.push(d);
        } else {
            out.push(raw.to_vec());
        }
        at = start + len + 9;
    }
    out
}

#[test]
fn pages_keep_their_jpeg_bytes_and_carry_the_marks_as_vectors() {
    let pages = [page(1, 0), page(2, 180)];
    let pdf = final_pdf(&pages, &summary()).unwrap();
    if let Ok(dir) = std::env::var("KORRIGO_KEEP_TEST_PDF") {
        std::fs::write(std::path::Path::new(&dir).join("final.pdf"), &pdf).unwrap();
    }
    let mut f = crate::pdf::PdfFile::open(std::io::Cursor::new(pdf.clone())).unwrap();
    assert_eq!(
        f.pages(100).unwrap().len(),
        3,
        "two scanned pages and the summary"
    );
    for p in &pages {
        let found = pdf.windows(p.jpeg.len()).any(|w| w == p.jpeg.as_slice());
        assert!(found, "the scan's JPEG is in the PDF byte for byte");
    }
    let contents = streams(&pdf);
    // Strokes (m … l … S), Bézier arcs (c) of the ellipse and the cards, filled cards.
    let ops = |op: &str| {
        contents
            .iter()
            .map(|c| {
                String::from_utf8_lossy(c)
                    .split_whitespace()
                    .filter(|t| *t == op)
                    .count()
            })
            .sum::<usize>()
    };
    assert!(
        ops("l") >= 2 * 12,
        "line segments of the marks: {}",
        ops("l")
    );
    assert!(ops("c") >= 2 * 4, "curves of the ellipse: {}", ops("c"));
    assert!(ops("S") + ops("B") >= 2 * 7, "stroked paths");
    // The highlighter's transparency is an extended graphics state.
    assert!(String::from_utf8_lossy(&pdf).contains("/CA 0.35"));
    // The size stays close to the images'.
    let images: usize = pages.iter().map(|p| p.jpeg.len()).sum();
    assert!(
        pdf.len() < images + images / 10 + 40_000,
        "{} bytes for {images} of images",
        pdf.len()
    );
}

#[test]
fn the_summary_reads_back_with_its_accents() {
    let sum = Summary {
        total_note: Some("Note harmonisée : 14 / 20 avant harmonisation (+0,5 point)".into()),
        ..summary()
    };
    let pdf = final_pdf(&[page(3, 0)], &sum).unwrap();
    let flat = crate::pdf_text::pdf_text(&pdf).unwrap();
    for want in [
        "Devoir surveillé n° 3 — Équations",
        "Élève : SAINT-ANDRÉ Éloïse",
        "Note : 14,5 / 20",
        "Note harmonisée : 14 / 20 avant harmonisation (+0,5 point)",
        "a) Résoudre l’équation",
        "2,5 / 3",
        "Appréciation",
        "Bon travail, soigné.",
        "Continuez ainsi !",
    ] {
        assert!(
            flat.contains(want),
            "`{want}` not in the summary's text: {flat}"
        );
    }
}

#[test]
fn a_turned_page_is_shown_upright() {
    assert_eq!(upright(0, 100.0, 200.0), Transform::identity());
    // A quarter turn maps the image's top-left corner to the displayed top-right.
    let t = upright(90, 100.0, 200.0);
    assert_eq!((t.tx(), t.ty()), (200.0, 0.0));
    let t = upright(180, 100.0, 200.0);
    assert_eq!((t.tx(), t.ty()), (100.0, 200.0));
}

#[test]
fn summary_lines_wrap_within_the_column() {
    let lines = summary::wrap(
        "Bien justifié, mais l’unité manque à la dernière ligne",
        10.5,
        120.0,
    );
    assert!(lines.len() >= 3, "{lines:?}");
    for l in &lines {
        assert!(marks::text_width(l, 10.5) <= 120.0, "{l}");
    }
    let long = summary::wrap(&"x".repeat(200), 10.5, 100.0);
    assert!(long.len() > 1 && long.iter().all(|l| marks::text_width(l, 10.5) <= 100.0));
}

#[test]
fn a_damaged_image_is_named_by_its_page() {
    let mut p = page(3, 0);
    p.jpeg = Arc::new(b"not a jpeg".to_vec());
    let err = final_pdf(&[page(4, 0), p], &summary()).unwrap_err();
    assert!(matches!(err, FinalPdfError::Image { page: 2, .. }), "{err}");
}
