//! Quick figure for the page steps alone (no storage): `cargo run --release -p korrigo-media
//! --example page_speed -- [a3]`. The end-to-end benchmark is `scripts/bench-scans.sh`.

use korrigo_media::scan::{Limits, Plan, Readers, process_source_page};
use korrigo_media::synth::{self, SynthOptions};
use std::time::Instant;

fn main() {
    let a3 = std::env::args().any(|a| a == "a3");
    let students = synth::students(10);
    let opts = SynthOptions {
        a3,
        pages_per_copy: 4,
        ..SynthOptions::default()
    };
    let t = Instant::now();
    let pdf = synth::batch_pdf(&students, &opts);
    eprintln!("generated {} bytes in {:?}", pdf.len(), t.elapsed());
    let dir = std::env::temp_dir().join("korrigo-page-speed");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("b.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let t = Instant::now();
    let plan = Plan::open(&path, "b.pdf", Limits::default(), &dir).unwrap();
    let n = plan.pages.len();
    let mut readers = Readers::default();
    let mut out_pages = 0;
    for i in 0..n {
        out_pages += process_source_page(&plan, &mut readers, i, a3, i % 2 == 0, false)
            .unwrap()
            .pages
            .len();
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "{n} source pages, {out_pages} A4 pages in {s:.2} s on one thread: {:.1} A4 pages/s",
        out_pages as f64 / s
    );
}
