//! The scan pipeline end to end below HTTP, on both backends: a batch becomes copies with
//! their pages in order and their provenance; duplicates wait for a decision; bad files leave
//! nothing behind; a worker killed midway is resumed to the same result.

use korrigo_app::accounts::system_session;
use korrigo_app::scans::CopiesList;
use korrigo_app::{AppError, ClientInfo};
use korrigo_domain::PageRequest;
use korrigo_media::synth::{self, Encoding, SynthOptions};
use korrigo_store::both_backends;
use korrigo_store::test_support::Which;
use std::time::Duration;
use tokio::sync::watch;

mod common;
use common::{env, env_with, fast};

both_backends!(
    a4_batch_becomes_copies_with_provenance,
    a3_batch_groups_by_headers,
    a3_verso_turns_with_its_recto,
    pages_written_to_the_edge_turn_by_their_writers_hand,
    same_file_twice_waits_for_a_decision,
    bad_files_leave_nothing_behind,
    killed_worker_is_resumed_to_the_same_result,
    copies_are_identified_from_their_headers,
    a_batch_that_keeps_failing_ends_failed_with_its_reason,
    a_batch_never_waits_for_a_job_that_was_not_written,
);

fn a4_pdf(students: usize, pages: u32, upside_down: Vec<usize>) -> Vec<u8> {
    synth::batch_pdf(
        &synth::students(students),
        &SynthOptions {
            dpi: 100,
            pages_per_copy: pages,
            upside_down,
            lines: 4,
            ..SynthOptions::default()
        },
    )
}

async fn a4_batch_becomes_copies_with_provenance(w: Which) {
    let e = env(w).await;
    let exam = e.exam("a4:2").await;
    let path = e.file("lundi.pdf", &a4_pdf(3, 2, vec![1]));
    let id = e.import(exam, &path, None).await.unwrap();
    assert_eq!(e.batch(id).await.status.as_str(), "queued");
    e.run().await;
    let b = e.batch(id).await;
    assert_eq!(b.status.as_str(), "done", "{:?}", b.error);
    assert_eq!((b.pages_total, b.pages_done, b.copies_made), (6, 6, 3));
    assert_eq!(b.sha256.as_deref().map(str::len), Some(64));
    let list = e.copies(exam).await;
    assert_eq!(list.total, 3);
    let codes: std::collections::HashSet<_> = list.items.iter().map(|c| c.code.clone()).collect();
    assert_eq!(codes.len(), 3, "codes are unique");
    for (i, c) in list.items.iter().enumerate() {
        assert_eq!(c.status.as_str(), "READY");
        assert!(!c.unexpected_page_count);
        assert_eq!(c.code.len(), 7);
        let prov: Vec<(i64, i64)> = c
            .pages
            .iter()
            .map(|p| (p.position, p.source_page))
            .collect();
        let first = i as i64 * 2 + 1;
        assert_eq!(prov, [(1, first), (2, first + 1)]);
        assert_eq!(c.pages[0].source_file, "lundi.pdf");
        assert!(c.pages[0].flags.contains(&"header"));
        assert!(c.header_url.is_some());
        let rotation = if i == 1 { 180 } else { 0 };
        assert!(c.pages.iter().all(|p| p.rotation == rotation), "copy {i}");
    }
    e.done().await;
}

async fn a3_batch_groups_by_headers(w: Which) {
    let e = env(w).await;
    let exam = e.exam("a3").await;
    let pdf = synth::batch_pdf(
        &synth::students(3),
        &SynthOptions {
            dpi: 80,
            a3: true,
            encoding: Encoding::CcittG4,
            upside_down: vec![2],
            two_sheets: vec![0],
            lines: 4,
            ..SynthOptions::default()
        },
    );
    let path = e.file("a3.pdf", &pdf);
    let id = e.import(exam, &path, None).await.unwrap();
    e.run().await;
    let b = e.batch(id).await;
    assert_eq!(b.status.as_str(), "done", "{:?}", b.error);
    assert_eq!(
        (b.pages_total, b.copies_made),
        (8, 3),
        "4 sheets scanned recto-verso"
    );
    let list = e.copies(exam).await;
    let counts: Vec<usize> = list.items.iter().map(|c| c.page_count).collect();
    assert_eq!(
        counts,
        [8, 4, 4],
        "the student with two sheets has one 8-page copy"
    );
    // Copy 1, sheet 1: page 1 = recto right, 2 = verso left, 3 = verso right, 4 = recto left.
    let p: Vec<(i64, Option<&str>)> = list.items[0].pages[..4]
        .iter()
        .map(|p| (p.source_page, p.half.as_deref()))
        .collect();
    assert_eq!(
        p,
        [
            (1, Some("right")),
            (2, Some("left")),
            (2, Some("right")),
            (1, Some("left"))
        ]
    );
    // The third student's sheet went through upside down: turned, halves swapped.
    let c = &list.items[2];
    assert!(c.pages.iter().all(|p| p.rotation == 180));
    assert_eq!(
        (c.pages[0].source_page, c.pages[0].half.as_deref()),
        (7, Some("left"))
    );
    e.done().await;
}

/// A sheet fed upside down through a duplex scanner has both faces turned. Its verso has no
/// header and (here) no margin lines to tell its orientation by itself: it must follow its
/// recto, not stay upright with pages 2 and 3 swapped.
async fn a3_verso_turns_with_its_recto(w: Which) {
    let e = env(w).await;
    let exam = e.exam("a3").await;
    let opts = SynthOptions {
        dpi: 80,
        a3: true,
        encoding: Encoding::Jpeg,
        upside_down: vec![0, 2],
        ..SynthOptions::default()
    };
    let mut images = synth::batch_images(&synth::students(3), &opts);
    // Each verso (scans 2, 4, 6) becomes plain paper with a few lines of writing across it:
    // no header, no margin line, nothing to tell which way up it is.
    let (w, h) = {
        let first = synth::a3_sheet(
            &synth::a4_page_in(80, None, 0, 1, None),
            &synth::a4_page_in(80, None, 0, 2, None),
        );
        first.dimensions()
    };
    for verso in [1, 3, 5] {
        let mut paper = image::GrayImage::from_pixel(w, h, image::Luma([250]));
        for y in [h / 3, h / 2, 2 * h / 3] {
            for x in w / 10..w * 9 / 10 {
                paper.put_pixel(x, y, image::Luma([40]));
            }
        }
        images[verso] = synth::encode(&paper, Encoding::Jpeg);
    }
    let pdf = synth::pdf_of_images(&images, opts.dpi);
    let path = e.file("a3-upside-down.pdf", &pdf);
    let id = e.import(exam, &path, None).await.unwrap();
    e.run().await;
    let b = e.batch(id).await;
    assert_eq!(b.status.as_str(), "done", "{:?}", b.error);
    let list = e.copies(exam).await;
    assert_eq!(list.items.len(), 3);
    for (i, c) in list.items.iter().enumerate() {
        let upside_down = i != 1;
        let recto = (2 * i + 1) as i64;
        let verso = recto + 1;
        let order: Vec<(i64, Option<&str>, i64)> = c
            .pages
            .iter()
            .map(|p| (p.source_page, p.half.as_deref(), p.rotation))
            .collect();
        let expected = if upside_down {
            // Turned: recto [1 | 4], verso [3 | 2].
            [
                (recto, Some("left"), 180),
                (verso, Some("right"), 180),
                (verso, Some("left"), 180),
                (recto, Some("right"), 180),
            ]
        } else {
            [
                (recto, Some("right"), 0),
                (verso, Some("left"), 0),
                (verso, Some("right"), 0),
                (recto, Some("left"), 0),
            ]
        };
        assert_eq!(order, expected, "copy {i}");
        assert!(
            c.pages
                .iter()
                .all(|p| !p.flags.contains(&"unsure_orientation")),
            "copy {i}: the recto's header decides for the whole sheet: {:?}",
            c.pages.iter().map(|p| &p.flags).collect::<Vec<_>>()
        );
    }
    e.done().await;
}

async fn pages_written_to_the_edge_turn_by_their_writers_hand(w: Which) {
    let e = env(w).await;
    let exam = e.exam("a4:3").await;
    // Two copies of a header page and two body pages, written from edge to edge on plain
    // paper without a margin line: nothing on a body page tells which way up it is, but the
    // hand's ink above and below its lines, learnt on the header page, does.
    let style = synth::PageStyle {
        paper: synth::Paper::Plain,
        margin: false,
        line_end: (188.0, 195.0),
        ..synth::PageStyle::default()
    };
    let fonts = synth::handwriting_fonts();
    let class = synth::students(2);
    // (header, turned) page by page: the second copy's header page and first body page turned.
    let sheets = [
        (true, false),
        (false, false),
        (false, true),
        (true, true),
        (false, true),
        (false, false),
    ];
    let images: Vec<_> = sheets
        .iter()
        .enumerate()
        .map(|(i, &(header, turned))| {
            let student = header.then(|| &class[i / 3]);
            let page =
                synth::a4_page_styled(150, student, 30, 40 + i as u64, fonts.first(), &style);
            let page = if turned {
                korrigo_media::raster::rotate(&page, 180)
            } else {
                page
            };
            synth::encode(
                &synth::scanner_noise(&page, 0.8, 0.3, i as u64),
                Encoding::Jpeg,
            )
        })
        .collect();
    let path = e.file("bord-a-bord.pdf", &synth::pdf_of_images(&images, 150));
    let id = e.import(exam, &path, None).await.unwrap();
    e.run().await;
    let b = e.batch(id).await;
    assert_eq!(b.status.as_str(), "done", "{:?}", b.error);
    assert_eq!(b.pages_flagged, 0, "no page left to look at");
    let list = e.copies(exam).await;
    assert_eq!(list.items.len(), 2);
    for (i, c) in list.items.iter().enumerate() {
        let rotations: Vec<i64> = c.pages.iter().map(|p| p.rotation).collect();
        let expected: Vec<i64> = sheets[i * 3..i * 3 + 3]
            .iter()
            .map(|&(_, turned)| if turned { 180 } else { 0 })
            .collect();
        assert_eq!(rotations, expected, "copy {i}");
        assert!(
            c.pages
                .iter()
                .all(|p| !p.flags.contains(&"unsure_orientation")),
            "copy {i}"
        );
    }
    e.done().await;
}

async fn same_file_twice_waits_for_a_decision(w: Which) {
    let e = env(w).await;
    let exam = e.exam("a4:2").await;
    let path = e.file("b.pdf", &a4_pdf(1, 2, vec![]));
    let first = e.import(exam, &path, None).await.unwrap();
    e.run().await;
    let second = e.import(exam, &path, None).await.unwrap();
    e.run().await;
    let b = e.batch(second).await;
    assert_eq!(b.status.as_str(), "duplicate");
    assert_eq!(b.duplicate_of, Some(first));
    assert_eq!(e.copies(exam).await.total, 1, "nothing imported twice yet");
    e.app
        .accept_duplicate(&system_session(), second, &ClientInfo::default())
        .await
        .unwrap();
    e.run().await;
    assert_eq!(e.batch(second).await.status.as_str(), "done");
    assert_eq!(e.copies(exam).await.total, 2);
    e.done().await;
}

async fn bad_files_leave_nothing_behind(w: Which) {
    let e = env_with(w, |c| {
        c.scan_max_pages = 10;
        c.scan_max_pixels = 1_000_000;
    })
    .await;
    let exam = e.exam("a4:2").await;
    let good = a4_pdf(1, 2, vec![]);
    let at = good.windows(6).rposition(|w| w == b"/Root ").unwrap();
    let encrypted = [&good[..at], b"/Encrypt 99 0 R ", &good[at..]].concat();
    let empty = synth::empty_pdf();
    let big = synth::batch_pdf(
        &synth::students(1),
        &SynthOptions {
            dpi: 150,
            pages_per_copy: 1,
            lines: 1,
            ..SynthOptions::default()
        },
    );
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "notes.txt",
            b"just text".to_vec(),
            "not a PDF, a ZIP or a JPEG/PNG image",
        ),
        ("cut.pdf", good[..good.len() / 2].to_vec(), "truncated"),
        ("locked.pdf", encrypted, "encrypted or password-protected"),
        ("empty.pdf", empty, "the file has no pages"),
        (
            "long.pdf",
            a4_pdf(3, 4, vec![]),
            "12 pages is more than the limit of 10 per file",
        ),
        (
            "bomb.pdf",
            big,
            "page 1: the image declares 1240 × 1754 pixels, more than the limit of 1000000",
        ),
    ];
    for (name, bytes, expected) in cases {
        let path = e.file(name, &bytes);
        let err = e.import(exam, &path, None).await.unwrap_err();
        assert!(err.to_string().contains(expected), "{name}: {err}");
    }
    let batches = e.app.list_batches(&system_session(), exam).await.unwrap();
    assert!(batches.is_empty(), "no batch recorded for refused files");
    assert_eq!(e.stored_files(), 0, "nothing written to the store");
    // The same refusal when the file arrives by upload: the job records why, and nothing else.
    let batch = e
        .app
        .start_upload(
            &system_session(),
            exam,
            &korrigo_app::scans::UploadStart {
                file_name: "cut.pdf".into(),
                size: (good.len() / 2) as i64,
                grouping: None,
            },
        )
        .await
        .unwrap();
    e.app
        .upload_chunk(
            &system_session(),
            batch.batch.id,
            0,
            &good[..good.len() / 2],
            &ClientInfo::default(),
        )
        .await
        .unwrap();
    e.run().await;
    let b = e.batch(batch.batch.id).await;
    assert_eq!(b.status.as_str(), "failed");
    assert!(
        b.error
            .as_deref()
            .unwrap()
            .contains("cut.pdf: the PDF is truncated"),
        "{:?}",
        b.error
    );
    assert_eq!(e.copies(exam).await.total, 0);
    assert!(e.copies(exam).await.loose_pages.is_empty());
    assert_eq!(e.stored_files(), 0, "the refused upload is removed");
    e.done().await;
}

async fn killed_worker_is_resumed_to_the_same_result(w: Which) {
    let e = env(w).await;
    let pdf = a4_pdf(12, 4, vec![3]);
    let path = e.file("big.pdf", &pdf);
    // Reference: an uninterrupted run.
    let reference_exam = e.exam("a4:4").await;
    e.import(reference_exam, &path, None).await.unwrap();
    e.run().await;
    let reference = e.copies(reference_exam).await;
    // Interrupted run: a worker is killed once some pages are recorded.
    let exam = e.exam("a4:4").await;
    let id = e.import(exam, &path, None).await.unwrap();
    let (stop, rx) = watch::channel(false);
    let handles = e.app.spawn_workers(1, fast(), rx.clone());
    let mut progressed = false;
    for _ in 0..2000 {
        let b = e.batch(id).await;
        if b.pages_done > 0 {
            assert_eq!(
                b.status.as_str(),
                "processing",
                "killed midway, not after the end"
            );
            progressed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(progressed, "the worker started");
    for h in &handles {
        h.abort();
    }
    let b = e.batch(id).await;
    assert!(
        b.pages_done < b.pages_total,
        "{} of {}",
        b.pages_done,
        b.pages_total
    );
    // A new worker takes the job over once the dead one's lease expires.
    let handles2 = e.app.spawn_workers(1, fast(), rx);
    for _ in 0..2000 {
        if e.batch(id).await.status.as_str() == "done" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.send(true).unwrap();
    for h in handles2 {
        h.await.unwrap();
    }
    let b = e.batch(id).await;
    assert_eq!(b.status.as_str(), "done", "{:?}", b.error);
    let got = e.copies(exam).await;
    let shape = |l: &CopiesList| {
        l.items
            .iter()
            .map(|c| {
                c.pages
                    .iter()
                    .map(|p| (p.source_page, p.rotation, p.flags.clone()))
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(got.total, 12, "no duplicate copy");
    assert_eq!(
        shape(&got),
        shape(&reference),
        "same copies, same pages, same order"
    );
    // The headers' reading queued with the copies still waits (and a read the stopped worker
    // left goes back to the queue once its lease runs out): run it to the end.
    tokio::time::sleep(fast().lease + Duration::from_millis(100)).await;
    e.run().await;
    e.done().await;
}

async fn copies_are_identified_from_their_headers(w: Which) {
    let e = env(w).await;
    let class = synth::students(6);
    e.import_class(&class, "1A").await;
    let exam = e.exam("a4:2").await;
    let fonts = synth::handwriting_fonts();
    let pdf = synth::batch_pdf(
        &class,
        &SynthOptions {
            dpi: 150,
            pages_per_copy: 2,
            lines: 2,
            skew_deg: 0.8,
            hand_fonts: vec![fonts[fonts.len() - 1].clone()],
            ..SynthOptions::default()
        },
    );
    let path = e.file("classe.pdf", &pdf);
    e.import(exam, &path, None).await.unwrap();
    e.run().await;
    let list = e.copies(exam).await;
    assert_eq!(list.total, 6);
    let mut auto = 0;
    for (i, c) in list.items.iter().enumerate() {
        assert!(!c.candidates.is_empty(), "copy {i} has suggestions");
        if c.identification == Some(korrigo_domain::identify::IdMethod::Auto) {
            auto += 1;
            let s = c.student.as_ref().unwrap();
            assert_eq!(
                s["last_name"], class[i].last_name,
                "no wrong automatic identification"
            );
        }
    }
    assert!(auto >= 4, "only {auto} of 6 identified automatically");
    // The six copies read made one match of the exam, not six.
    let jobs_of = async |kind: &str| {
        let mut c = e.tdb.db.read().await.unwrap();
        let f = korrigo_store::jobs::JobFilter {
            kind: Some(kind.to_string()),
            status: None,
        };
        korrigo_store::jobs::list(c.conn(), &f, PageRequest::new(None, Some(50)))
            .await
            .unwrap()
            .total
    };
    assert_eq!(
        jobs_of(korrigo_app::identify::MATCH_EXAM).await,
        1,
        "one match for the exam's copies read"
    );
    // A manager identifies a pending copy (or corrects one); a taken student asks first.
    let desk = e
        .app
        .identification_desk(&system_session(), exam, "all")
        .await
        .unwrap();
    assert_eq!(desk.total, 6);
    // The desk shows what was read, birth-date digits included.
    let dates_read = desk
        .items
        .iter()
        .filter_map(|c| c.read.as_ref())
        .filter(|r| r["date_digits"].as_str().is_some_and(|d| d.len() == 8))
        .count();
    assert!(dates_read >= 4, "only {dates_read} of 6 dates read whole");
    let first = &desk.items[0];
    let second = &desk.items[1];
    let taken = second
        .student
        .clone()
        .unwrap_or_else(|| second.suggestions[0].student.clone());
    if second.student.is_none() {
        e.app
            .identify_copy(
                &system_session(),
                second.id,
                &korrigo_app::identify::IdentifyInput {
                    student: Some(taken.id),
                    not_student: false,
                    swap: true,
                },
                &ClientInfo::default(),
            )
            .await
            .unwrap();
    }
    let input = korrigo_app::identify::IdentifyInput {
        student: Some(taken.id),
        not_student: false,
        swap: false,
    };
    let err = e
        .app
        .identify_copy(&system_session(), first.id, &input, &ClientInfo::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::ConfirmationRequired { .. }),
        "{err}"
    );
    let input = korrigo_app::identify::IdentifyInput {
        swap: true,
        ..input
    };
    e.app
        .identify_copy(&system_session(), first.id, &input, &ClientInfo::default())
        .await
        .unwrap();
    let desk = e
        .app
        .identification_desk(&system_session(), exam, "all")
        .await
        .unwrap();
    assert_eq!(desk.items[0].student.as_ref().unwrap().id, taken.id);
    assert_eq!(
        desk.items[0].method,
        Some(korrigo_domain::identify::IdMethod::Manual)
    );
    assert!(
        desk.items[1].student.is_none(),
        "the other copy went back to pending"
    );
    // Type-ahead ignores case, accents, spaces and hyphens.
    for q in ["dubois", "DUBOÏS", "du-bois"] {
        let found = e
            .app
            .search_exam_students(&system_session(), exam, q)
            .await
            .unwrap();
        assert_eq!(found.len(), 1, "{q}");
        assert_eq!(found[0].last_name, "DUBOIS");
    }
    // Every identification is journaled with its method.
    let journal = e
        .app
        .audit_log(
            &system_session(),
            &korrigo_store::audit::AuditFilter {
                action: Some(korrigo_domain::audit::AuditAction::CopyIdentified),
                ..Default::default()
            },
            PageRequest::new(None, Some(100)),
        )
        .await
        .unwrap();
    let methods: Vec<String> = journal
        .items
        .iter()
        .map(|j| {
            serde_json::from_str::<serde_json::Value>(&j.details).unwrap()["method"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(methods.iter().filter(|m| *m == "auto").count(), auto);
    assert!(methods.iter().any(|m| m == "manual"));
    // Reading every header again (asked twice before the workers get to it) reads each copy
    // once more and leaves the identified copies as they are.
    for _ in 0..2 {
        let queued = e
            .app
            .rerun_identification(&system_session(), exam)
            .await
            .unwrap();
        assert_eq!(queued, 6);
    }
    assert_eq!(jobs_of(korrigo_app::identify::READ_COPY).await, 12);
    e.run().await;
    let again = e
        .app
        .identification_desk(&system_session(), exam, "all")
        .await
        .unwrap();
    assert_eq!(again.items[0].student.as_ref().unwrap().id, taken.id);
    assert_eq!(
        again.items[0].method,
        Some(korrigo_domain::identify::IdMethod::Manual)
    );
    for (before, after) in desk.items.iter().zip(&again.items).skip(2) {
        assert_eq!(
            before.student.as_ref().map(|s| s.id),
            after.student.as_ref().map(|s| s.id)
        );
        assert!(after.read.is_some(), "copy {} read again", after.id);
    }
    assert_ne!(
        again.items[1].student.as_ref().map(|s| s.id),
        Some(taken.id),
        "a student taken by hand is not given again"
    );
    e.done().await;
}

async fn a_batch_that_keeps_failing_ends_failed_with_its_reason(w: Which) {
    let e = env(w).await;
    let exam = e.exam("a4:2").await;
    let path = e.file("gone.pdf", &a4_pdf(1, 2, vec![]));
    let id = e.import(exam, &path, None).await.unwrap();
    // The stored file disappears (a disk problem): every attempt fails.
    std::fs::remove_dir_all(e.dir.join("files").join("exams")).unwrap();
    for _ in 0..200 {
        e.run().await;
        if e.batch(id).await.status.as_str() == "failed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let b = e.batch(id).await;
    assert_eq!(
        b.status.as_str(),
        "failed",
        "not left as processing for ever"
    );
    assert!(
        b.error
            .as_deref()
            .unwrap()
            .contains("cannot read the uploaded file"),
        "{:?}",
        b.error
    );
    assert_eq!(e.copies(exam).await.total, 0);
    // The failed job is what this test looks at.
    e.done_leaving_jobs().await;
}

/// Renames the job queue's table (so that queuing a job fails) or puts it back.
async fn break_the_queue(db: &korrigo_store::Db, broken: bool) {
    let sql = if broken {
        "ALTER TABLE jobs RENAME TO jobs_unavailable"
    } else {
        "ALTER TABLE jobs_unavailable RENAME TO jobs"
    };
    let mut tx = db.begin().await.unwrap();
    korrigo_store::on_conn!(tx.conn(), c => sqlx::query(sql).execute(&mut *c).await.map(|r| r.rows_affected()))
        .unwrap();
    tx.commit().await.unwrap();
}

/// A batch and its processing job are written together: when the job cannot be queued, the
/// batch is not left `queued` for ever (it stays resumable, or is not recorded at all), and
/// once the queue works again the same upload completes and is processed.
async fn a_batch_never_waits_for_a_job_that_was_not_written(w: Which) {
    use korrigo_app::scans::UploadStart;
    let e = env(w).await;
    let exam = e.exam("a4:2").await;
    let pdf = a4_pdf(2, 2, vec![]);
    let s = system_session();
    let client = ClientInfo::default();
    // A browser upload whose last chunk arrives while the queue is unavailable.
    let b = e
        .app
        .start_upload(
            &s,
            exam,
            &UploadStart {
                file_name: "lot.pdf".into(),
                size: pdf.len() as i64,
                grouping: None,
            },
        )
        .await
        .unwrap();
    let id = b.batch.id;
    let half = pdf.len() / 2;
    e.app
        .upload_chunk(&s, id, 0, &pdf[..half], &client)
        .await
        .unwrap();
    break_the_queue(&e.app.db, true).await;
    assert!(
        e.app
            .upload_chunk(&s, id, half as i64, &pdf[half..], &client)
            .await
            .is_err(),
        "the last chunk cannot be acknowledged without its job"
    );
    let after = e.batch(id).await;
    assert_eq!(
        after.status.as_str(),
        "uploading",
        "not `queued` without a job"
    );
    assert_eq!(after.received, half as i64, "resumable from where it was");
    // The CLI import of a file: nothing recorded, nothing left in the file store.
    let files_before = e.stored_files();
    let path = e.file("cli.pdf", &pdf);
    assert!(e.import(exam, &path, None).await.is_err());
    assert_eq!(e.stored_files(), files_before, "no orphan file");
    break_the_queue(&e.app.db, false).await;
    // The client resends the last chunk: the batch is queued with its job and processed.
    e.app
        .upload_chunk(&s, id, half as i64, &pdf[half..], &client)
        .await
        .unwrap();
    e.run().await;
    let done = e.batch(id).await;
    assert_eq!(done.status.as_str(), "done", "{:?}", done.error);
    assert_eq!(e.copies(exam).await.total, 2);
    e.done().await;
}
