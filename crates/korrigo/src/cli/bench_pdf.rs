//! `korrigo bench pdf`: final PDFs of generated copies, each page carrying 30 marks of every
//! kind, written on every core: prints pages per second and the output's size against the
//! scan images it holds.

use anyhow::Result;
use korrigo_domain::marks::Mark;
use korrigo_media::final_pdf::{FinalPage, Summary, SummaryRow, final_pdf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

/// 30 marks spread over the page: strokes, highlights, ticks, crosses, shapes, texts, stamps.
fn marks(seed: u64) -> Vec<Mark> {
    let kinds = [
        "pen",
        "highlight",
        "tick",
        "cross",
        "rect",
        "ellipse",
        "arrow",
        "text",
        "stamp",
    ];
    (0..30u64)
        .map(|i| {
            let k = kinds[((i + seed) % kinds.len() as u64) as usize];
            let x = 0.05 + 0.03 * (i % 25) as f64;
            let y = 0.05 + 0.03 * i as f64;
            let data = match k {
                "pen" | "highlight" => serde_json::json!({"points": (0..40).map(|j| [x + 0.004 * j as f64, y + 0.01 * ((j % 7) as f64 / 7.0)]).collect::<Vec<_>>()}),
                "tick" | "cross" => serde_json::json!({"x": x, "y": y}),
                "text" => serde_json::json!({"x": x, "y": y, "text": "Attention à l’unité\nrevoir la méthode"}),
                "stamp" => serde_json::json!({"x": x, "y": y, "text": "Très bien", "points_value": 0.5, "comment": 1}),
                _ => serde_json::json!({"x1": x, "y1": y, "x2": x + 0.2, "y2": y + 0.05}),
            };
            Mark::from_stored(k, &data, true).expect("a known kind")
        })
        .collect()
}

pub(super) fn run(copies: usize, pages_per_copy: usize, dpi: u32) -> Result<ExitCode> {
    // Distinct generated scans (so that no two pages share an image), as a scanner makes them.
    let images: Vec<(Arc<Vec<u8>>, u32, u32)> = (0..8u64)
        .map(|seed| {
            let img = korrigo_media::synth::scanner_noise(
                &korrigo_media::synth::a4_page(dpi, None, 24, seed),
                0.4,
                2.0,
                seed,
            );
            (
                Arc::new(korrigo_media::raster::encode_jpeg(&img, 80)),
                img.width(),
                img.height(),
            )
        })
        .collect();
    let summary = Summary {
        title: "Bac blanc de mathématiques — sujet A".into(),
        lines: vec!["Copie K7M-4Q2".into(), "Élève : SAINT-ANDRÉ Éloïse".into()],
        total: "Note : 14,5 / 20".into(),
        total_note: None,
        headings: ["Question".into(), "Points".into(), "Remarque".into()],
        rows: (1..=12)
            .map(|i| SummaryRow {
                label: format!("Question {i}"),
                depth: 1,
                points: "1,5 / 2".into(),
                remark: "Démarche correcte, mais la conclusion manque de précision.".into(),
            })
            .collect(),
        appreciation: ("Appréciation".into(), "Bon travail dans l’ensemble.".into()),
    };
    let copy_pages = |c: usize| -> Vec<FinalPage> {
        (0..pages_per_copy)
            .map(|p| {
                let (jpeg, width, height) = images[(c + p) % images.len()].clone();
                FinalPage {
                    jpeg,
                    width,
                    height,
                    rotation: 0,
                    marks: marks((c + p) as u64),
                }
            })
            .collect()
    };
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let start = Instant::now();
    let results: Vec<(usize, usize)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (copy_pages, summary) = (&copy_pages, &summary);
                scope.spawn(move || {
                    (t..copies)
                        .step_by(threads)
                        .map(|c| {
                            let pages = copy_pages(c);
                            let images: usize = pages.iter().map(|p| p.jpeg.len()).sum();
                            let pdf = final_pdf(&pages, summary).expect("a final PDF");
                            (pdf.len(), images)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a writer thread"))
            .collect()
    });
    let secs = start.elapsed().as_secs_f64();
    let pages = copies * pages_per_copy;
    let (out, images): (usize, usize) =
        results.iter().fold((0, 0), |(a, b), (o, i)| (a + o, b + i));
    println!(
        "final PDFs: {copies} copies of {pages_per_copy} pages ({pages} pages, 30 marks each, {dpi} dpi scans) on {threads} threads"
    );
    println!(
        "  {:.0} pages/s ({:.1} ms per copy), {:.2} s in all",
        pages as f64 / secs,
        secs * 1000.0 / copies as f64 * threads as f64,
        secs
    );
    println!(
        "  size: {:.1} MB of PDF for {:.1} MB of scan images ({:+.1} %)",
        out as f64 / 1e6,
        images as f64 / 1e6,
        (out as f64 / images as f64 - 1.0) * 100.0
    );
    Ok(ExitCode::SUCCESS)
}
