//! The header reader on every header layout of the identification corpus, a small class
//! generated at test time for each: the rows of boxes found where there are boxes, the fields
//! assigned (the date read in its row), no printed word ever read as a name, and only safe
//! automatic identifications.

use korrigo_domain::identify::{self, Person, Thresholds};
use korrigo_media::ocr::HeaderReader;
use korrigo_media::raster;
use korrigo_media::synth::{self, HeaderLayout, PageStyle};

#[test]
fn every_layout_reads_its_fields_and_never_a_printed_word() {
    let fonts = synth::handwriting_fonts();
    assert!(!fonts.is_empty(), "run scripts/setup.sh: handwriting fonts");
    let mut reader = HeaderReader::new().expect("run scripts/setup.sh: Tesseract");
    let class = synth::students(4);
    let roster: Vec<Person> = class
        .iter()
        .enumerate()
        .map(|(i, s)| s.person(i as i64))
        .collect();
    for layout in HeaderLayout::ALL {
        let style = PageStyle {
            header: layout,
            ..PageStyle::default()
        };
        let mut readings = Vec::new();
        let mut dates_in_their_row = 0;
        for (i, s) in class.iter().enumerate() {
            let page = synth::a4_page_styled(
                150,
                Some(s),
                2,
                40 + i as u64,
                Some(&fonts[i % fonts.len()]),
                &style,
            );
            let header = raster::header_crop(&synth::scanner_noise(&page, 0.8, 0.3, i as u64));
            let r = reader.read(&header);
            assert_eq!(
                r.boxes,
                layout != HeaderLayout::NoBoxes,
                "{}: rows of boxes found only where there are boxes",
                layout.name()
            );
            for word in
                format!("{} {}", r.last_name, r.first_name).split(|c: char| !c.is_alphanumeric())
            {
                assert!(
                    !korrigo_media::ocr::PRINTED_WORDS.contains(&identify::key(word).as_str()),
                    "{}: the printed word {word:?} read as a name ({r:?})",
                    layout.name()
                );
            }
            // The date row found and read (written in ten boxes with slashes in "equal rows").
            let truth: String = s.birth_date.chars().filter(char::is_ascii_digit).collect();
            let read: String = r.date_digits.chars().filter(char::is_ascii_digit).collect();
            if strsim::normalized_levenshtein(&read, &truth) >= 0.6 {
                dates_in_their_row += 1;
            }
            readings.push(r.to_reading());
            if layout != HeaderLayout::NoBoxes {
                // Rows of boxes give the matcher the model's likelihoods, and the name written
                // is what they favour.
                let l = r
                    .last_name_lattice
                    .as_ref()
                    .expect("likelihoods of the name row");
                assert!(
                    l.name_similarity(&s.last_name)
                        > l.name_similarity(&class[(i + 1) % 4].last_name),
                    "{}: {} not favoured by its own likelihoods",
                    layout.name(),
                    s.last_name
                );
            }
        }
        assert!(
            dates_in_their_row >= 2,
            "{}: dates not read in their row",
            layout.name()
        );
        let decisions = identify::assign(&readings, &roster, &[false; 4], Thresholds::default());
        for (i, d) in decisions.iter().enumerate() {
            if d.auto {
                assert_eq!(
                    d.student,
                    Some(i as i64),
                    "{}: a wrong automatic identification",
                    layout.name()
                );
            }
        }
        // The reading does its job: the right student in the top 3 for most copies.
        let top3 = readings
            .iter()
            .enumerate()
            .filter(|(i, r)| {
                identify::candidates(r, &roster, 3)
                    .iter()
                    .any(|c| c.student == *i as i64)
            })
            .count();
        assert!(
            top3 >= 3,
            "{}: right student in the top 3 for {top3} of 4",
            layout.name()
        );
    }
}
