//! `korrigo bench orientation`: the page checks on the orientation corpus (body pages on
//! several papers, with and without a margin line, several hands, resolutions and skews), per
//! variant, the variants used for tuning apart from the held-out ones.

use anyhow::Result;
use korrigo_media::corpus::{OrientationScore, orientation_variants, score_orientation};
use std::process::ExitCode;

pub(crate) fn run(pages: usize, seed: u64) -> Result<ExitCode> {
    let mut tuned = OrientationScore::default();
    let mut held = OrientationScore::default();
    let mut before = [OrientationScore::default(); 2];
    println!("orientation of body pages, {pages} per variant (half upside down), seed {seed}:");
    for v in orientation_variants() {
        let (s, b) = score_orientation(&v, pages, seed).map_err(anyhow::Error::msg)?;
        let old = &mut before[usize::from(v.held_out)];
        old.pages += b.pages;
        old.unsure += b.unsure;
        old.wrong += b.wrong;
        let total = if v.held_out { &mut held } else { &mut tuned };
        total.pages += s.pages;
        total.right += s.right;
        total.unsure += s.unsure;
        total.wrong += s.wrong;
        println!(
            "  {:<9} {:<58} right {:>3} · unsure {:>3} ({:>5.1} %) · wrong {} (margin line only: unsure {}, wrong {})",
            if v.held_out { "held-out" } else { "tuning" },
            v.name,
            s.right,
            s.unsure,
            100.0 * s.unsure as f64 / s.pages.max(1) as f64,
            s.wrong,
            b.unsure,
            b.wrong
        );
    }
    for (label, t, b) in [("tuning", tuned, before[0]), ("held-out", held, before[1])] {
        println!(
            "{label}: {} pages · right {:.1} % · unsure {:.1} % · wrong {} (margin line only: unsure {:.1} %, wrong {})",
            t.pages,
            100.0 * t.right as f64 / t.pages.max(1) as f64,
            100.0 * t.unsure as f64 / t.pages.max(1) as f64,
            t.wrong,
            100.0 * b.unsure as f64 / b.pages.max(1) as f64,
            b.wrong
        );
    }
    Ok(ExitCode::SUCCESS)
}
