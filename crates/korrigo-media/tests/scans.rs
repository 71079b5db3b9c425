//! The scan pipeline's page steps on generated batches: validation, extraction, A3 split and
//! reordering, orientation, derived images.

use korrigo_media::scan::{Half, Limits, Plan, Readers, ScanError, process_source_page};
use korrigo_media::synth::{self, Encoding, SynthOptions};
use std::path::PathBuf;

fn tmp() -> PathBuf {
    let d = std::env::temp_dir().join(format!("korrigo-media-{}", rand_id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn rand_id() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        ^ std::process::id() as u64
}

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn a4_jpeg_batch_keeps_the_jpeg_and_turns_upside_down_pages() {
    let dir = tmp();
    let students = synth::students(2);
    let opts = SynthOptions {
        dpi: 100,
        pages_per_copy: 2,
        upside_down: vec![1],
        ..SynthOptions::default()
    };
    let images = synth::batch_images(&students, &opts);
    let pdf = synth::pdf_of_images(&images, opts.dpi);
    let path = write(&dir, "batch.pdf", &pdf);
    let plan = Plan::open(&path, "batch.pdf", Limits::default(), &dir).unwrap();
    assert_eq!(plan.pages.len(), 4);
    assert_eq!(
        (plan.pages[2].file.as_str(), plan.pages[2].page),
        ("batch.pdf", 3)
    );
    let mut readers = Readers::default();
    let outs: Vec<_> = (0..4)
        .map(|i| process_source_page(&plan, &mut readers, i, false, true, false).unwrap())
        .collect();
    let pages: Vec<_> = outs
        .into_iter()
        .map(|o| o.pages.into_iter().next().unwrap())
        .collect();
    // The viewer image is the scanner's JPEG, byte for byte.
    assert!(pages[0].viewer_reused);
    assert_eq!(pages[0].viewer, images[0].bytes);
    assert!(pages[0].analysis.header_top && pages[0].header.is_some());
    assert_eq!(pages[0].rotation, 0);
    assert!(pages[1].header.is_none() && !pages[1].analysis.header_top);
    // Student 2's pages went through upside down: detected, header crop taken upright.
    assert_eq!(pages[2].rotation, 180);
    assert!(pages[2].header.is_some());
    assert_eq!(pages[3].rotation, 180);
    assert!(
        pages
            .iter()
            .all(|p| !p.thumb.is_empty() && !p.unsure_orientation)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a3_ccitt_sheets_split_reorder_and_turn() {
    let dir = tmp();
    let students = synth::students(2);
    let opts = SynthOptions {
        dpi: 100,
        a3: true,
        encoding: Encoding::CcittG4,
        upside_down: vec![1],
        ..SynthOptions::default()
    };
    let pdf = synth::batch_pdf(&students, &opts);
    let path = write(&dir, "a3.pdf", &pdf);
    let plan = Plan::open(&path, "a3.pdf", Limits::default(), &dir).unwrap();
    assert_eq!(plan.pages.len(), 4, "two sheets, recto and verso");
    let mut readers = Readers::default();
    let mut order = Vec::new();
    for i in 0..4 {
        let out = process_source_page(&plan, &mut readers, i, true, i % 2 == 0, false).unwrap();
        assert_eq!(out.pages.len(), 2);
        for p in out.pages {
            assert!(!p.viewer_reused);
            order.push((i / 2, p.sheet_page, p.half, p.rotation, p.header.is_some()));
        }
    }
    order.sort_by_key(|o| (o.0, o.1));
    // Sheet 1 upright: page 1 is the recto's right half, with the header.
    assert_eq!(order[0], (0, 1, Some(Half::Right), 0, true));
    assert_eq!(order[1], (0, 2, Some(Half::Left), 0, false));
    assert_eq!(order[3], (0, 4, Some(Half::Left), 0, false));
    // Sheet 2 upside down: page 1 is the recto's left half, turned.
    assert_eq!(order[4], (1, 1, Some(Half::Left), 180, true));
    assert_eq!(order[5], (1, 2, Some(Half::Right), 180, false));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn vector_pages_are_rendered() {
    let dir = tmp();
    let path = write(&dir, "typed.pdf", &synth::vector_pdf(2));
    let plan = Plan::open(&path, "typed.pdf", Limits::default(), &dir).unwrap();
    let out = process_source_page(&plan, &mut Readers::default(), 0, false, true, false).unwrap();
    let p = &out.pages[0];
    assert!(!p.viewer_reused);
    assert!(
        (1239..=1240).contains(&p.width) && p.height == 1754,
        "A4 at 150 dpi"
    );
    assert!(!p.analysis.blank);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bad_files_are_refused_with_a_precise_message() {
    let dir = tmp();
    let limits = Limits {
        max_pages: 3,
        max_pixels: 2_000_000,
    };
    let check = |name: &str, bytes: &[u8]| {
        let path = write(&dir, name, bytes);
        Plan::open(&path, name, limits, &dir).unwrap_err()
    };
    assert!(matches!(
        check("notes.txt", b"hello"),
        ScanError::UnknownFormat { .. }
    ));
    let good = synth::pdf_of_images(
        &synth::batch_images(
            &synth::students(1),
            &SynthOptions {
                dpi: 60,
                pages_per_copy: 2,
                ..SynthOptions::default()
            },
        ),
        60,
    );
    let e = check("cut.pdf", &good[..good.len() / 2]);
    assert!(e.to_string().contains("truncated"), "{e}");
    let four = synth::pdf_of_images(
        &synth::batch_images(
            &synth::students(1),
            &SynthOptions {
                dpi: 60,
                pages_per_copy: 4,
                ..SynthOptions::default()
            },
        ),
        60,
    );
    let e = check("many.pdf", &four);
    assert_eq!(
        e.to_string(),
        "many.pdf: 4 pages is more than the limit of 3 per file; split the file"
    );
    // A page declaring a huge image (the bomb check reads the declaration, not the data).
    let bomb_path = write(&dir, "bomb.pdf", &good);
    let tight = Limits {
        max_pages: 3,
        max_pixels: 100_000,
    };
    let e = Plan::open(&bomb_path, "bomb.pdf", tight, &dir).unwrap_err();
    assert_eq!(
        e.to_string(),
        "bomb.pdf, page 1: the image declares 496 × 702 pixels, more than the limit of 100000 (a corrupt or hostile file)"
    );
    let e = check("empty.pdf", &synth::empty_pdf());
    assert_eq!(e.to_string(), "empty.pdf: the file has no pages");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Header and orientation detection over a class of generated copies (skew up to ±1°, noise,
/// every seventh sheet upside down): no page may be misread, since a missed header merges two
/// students' copies.
#[test]
fn headers_and_orientation_are_found_on_a_whole_class() {
    let dir = tmp();
    for a3 in [false, true] {
        let students = synth::students(30);
        let opts = SynthOptions {
            dpi: 150,
            a3,
            upside_down: (0..30).step_by(7).collect(),
            seed: 42,
            ..SynthOptions::default()
        };
        let path = write(&dir, "class.pdf", &synth::batch_pdf(&students, &opts));
        let plan = Plan::open(&path, "class.pdf", Limits::default(), &dir).unwrap();
        let mut readers = Readers::default();
        let mut wrong = Vec::new();
        for i in 0..plan.pages.len() {
            let out = process_source_page(&plan, &mut readers, i, a3, i % 2 == 0, false).unwrap();
            for p in out.pages {
                let student = if a3 { i / 2 } else { i / 4 };
                let expect_header = if a3 {
                    i % 2 == 0 && p.sheet_page == 1
                } else {
                    i % 4 == 0
                };
                let expect_rotation = if student % 7 == 0 { 180 } else { 0 };
                let has = p.analysis.header_top || p.analysis.header_bottom;
                if has != expect_header || p.rotation != expect_rotation || p.unsure_orientation {
                    wrong.push((i, p.sheet_page, has, p.rotation));
                }
            }
        }
        assert!(wrong.is_empty(), "a3={a3}: misread pages {wrong:?}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// A ZIP of a PDF and single images (JPEG and PNG) from a phone or a sheet-fed scanner: every
/// entry's pages, in the natural order of the entry names, each with its own provenance.
#[test]
fn zip_of_pdfs_and_images_is_read_in_name_order() {
    use std::io::Write;
    let dir = tmp();
    let s = &synth::students(1)[0];
    let page = synth::a4_page(60, Some(s), 2, 1);
    let jpeg = korrigo_media::raster::encode_jpeg(&page, 80);
    let mut png = Vec::new();
    image::DynamicImage::ImageLuma8(page.clone())
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let pdf = synth::pdf_of_images(
        &synth::batch_images(
            &synth::students(1),
            &SynthOptions {
                dpi: 60,
                pages_per_copy: 2,
                ..SynthOptions::default()
            },
        ),
        60,
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default();
        for (name, bytes) in [
            ("scan10.png", &png),
            ("scan2.jpg", &jpeg),
            ("__MACOSX/._scan2.jpg", &jpeg),
            ("scan1.pdf", &pdf),
        ] {
            z.start_file(name, o).unwrap();
            z.write_all(bytes).unwrap();
        }
        z.finish().unwrap();
    }
    let path = write(&dir, "lot.zip", buf.get_ref());
    let plan = Plan::open(&path, "lot.zip", Limits::default(), &dir).unwrap();
    let prov: Vec<(String, u32)> = plan
        .pages
        .iter()
        .map(|p| (p.file.clone(), p.page))
        .collect();
    assert_eq!(
        prov,
        [
            ("lot.zip/scan1.pdf".to_string(), 1),
            ("lot.zip/scan1.pdf".to_string(), 2),
            ("lot.zip/scan2.jpg".to_string(), 1),
            ("lot.zip/scan10.png".to_string(), 1),
        ]
    );
    let mut readers = Readers::default();
    let jpg = process_source_page(&plan, &mut readers, 2, false, true, false).unwrap();
    assert!(jpg.pages[0].viewer_reused, "a JPEG file is served as it is");
    assert_eq!(jpg.pages[0].viewer, jpeg);
    let png_out = process_source_page(&plan, &mut readers, 3, false, true, false).unwrap();
    assert!(png_out.pages[0].analysis.header_top);
    // A ZIP inside the ZIP is refused by name.
    let mut nested = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut nested);
        z.start_file("inner.zip", zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(buf.get_ref()).unwrap();
        z.finish().unwrap();
    }
    let path = write(&dir, "nested.zip", nested.get_ref());
    let e = Plan::open(&path, "nested.zip", Limits::default(), &dir).unwrap_err();
    assert!(e.to_string().contains("inner.zip is itself a ZIP"), "{e}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// The header reader finds the boxes of a skewed, noisy CMEN-like header and reads the names
/// written in them (locally, with Tesseract).
#[test]
fn header_boxes_are_found_and_read() {
    let fonts = synth::handwriting_fonts();
    assert!(
        !fonts.is_empty(),
        "handwriting fonts missing: run scripts/setup.sh"
    );
    let mut reader = korrigo_media::ocr::HeaderReader::new().expect("tesseract-ocr-fra installed");
    let students = synth::students(6);
    let (mut exact, mut digits_right) = (0, 0);
    for (i, s) in students.iter().enumerate() {
        let skew = if i % 2 == 0 { 1.2 } else { -0.9 };
        let page = synth::a4_page_in(150, Some(s), 1, i as u64, Some(&fonts[i % fonts.len()]));
        let crop =
            korrigo_media::raster::header_crop(&synth::scanner_noise(&page, skew, 0.3, i as u64));
        let r = reader.read(&crop);
        assert!(r.boxes, "copy {i}: the boxes were not found");
        assert!(
            (r.skew_deg - skew).abs() < 0.3,
            "copy {i}: skew {} for {skew}",
            r.skew_deg
        );
        let fold = |t: &str| {
            t.chars()
                .filter(|c| c.is_alphabetic())
                .map(|c| c.to_ascii_uppercase())
                .collect::<String>()
        };
        if fold(&r.last_name) == fold(&s.last_name) {
            exact += 1;
        }
        // The birth date's eight boxes, each read as one digit.
        assert_eq!(r.date_boxes.len(), 8, "copy {i}: date boxes");
        let truth = s.birth_date.bytes().filter(u8::is_ascii_digit);
        digits_right += truth
            .zip(&r.date_boxes)
            .filter(|(d, p)| korrigo_media::digits::best(p) == d - b'0')
            .count();
    }
    assert!(exact >= 3, "only {exact} of 6 last names read exactly");
    assert!(
        digits_right >= 36,
        "only {digits_right} of 48 birth-date digits read right"
    );
}
