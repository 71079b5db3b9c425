use super::*;
use crate::raster;
use crate::synth::{Damage, SynthStudent, a4_page, scanner_noise, stick_label};

fn label(i: usize) -> Label {
    // Tokens as the application makes them: 20 characters of the domain's alphabet.
    let alphabet = korrigo_domain::labels::TOKEN_ALPHABET;
    let token: String = (0..20)
        .map(|k| alphabet[(i * 7 + k * 13) % alphabet.len()] as char)
        .collect();
    Label {
        token,
        last_name: format!("Saint-André-Delacroix {i}"),
        first_name: "Éloïse-Marie".into(),
        class: "TG2".into(),
    }
}

fn student() -> SynthStudent {
    SynthStudent {
        last_name: "Martin".into(),
        first_name: "Chloé".into(),
        birth_date: "03/04/2008".into(),
    }
}

/// A scanned header with `label` stuck on it: the page's header crop after a scanner's skew,
/// specks and a JPEG round trip at quality 60.
fn scanned_header(
    l: &Label,
    dpi: u32,
    angle: f32,
    skew: f32,
    damage: Damage,
    seed: u64,
) -> GrayImage {
    let mut page = a4_page(dpi, Some(&student()), 3, seed);
    stick_label(&mut page, dpi, l, (118.0, 14.0), angle, damage);
    let scanned = scanner_noise(&page, skew, 0.5, seed);
    let jpeg = raster::encode_jpeg(&scanned, 60);
    let back = raster::jpeg_full_gray(&jpeg).expect("decodes");
    raster::header_crop(&back)
}

#[test]
fn labels_are_read_on_skewed_scans_at_150_dpi_and_above() {
    let mut n = 0;
    for (k, dpi) in [150u32, 200, 300].into_iter().enumerate() {
        for (j, angle) in [-8.0f32, -2.5, 0.0, 4.0, 12.0].into_iter().enumerate() {
            let l = label(k * 10 + j);
            let skew = if j % 2 == 0 { 1.5 } else { -3.0 };
            let img = scanned_header(&l, dpi, angle, skew, Damage::None, (k * 10 + j) as u64);
            assert_eq!(
                read_label(&img).as_deref(),
                Some(l.token.as_str()),
                "{dpi} dpi, label turned {angle}°, page skewed {skew}°"
            );
            n += 1;
        }
    }
    assert_eq!(n, 15);
}

#[test]
fn a_partly_covered_label_is_still_read_and_a_ruined_one_reads_as_none() {
    for (i, damage) in [Damage::TornEdge, Damage::PenStroke]
        .into_iter()
        .enumerate()
    {
        for dpi in [150u32, 300] {
            let l = label(40 + i);
            let img = scanned_header(&l, dpi, 3.0, 1.0, damage, i as u64);
            assert_eq!(
                read_label(&img).as_deref(),
                Some(l.token.as_str()),
                "{damage:?} at {dpi} dpi"
            );
        }
    }
    // Half the code gone: nothing read, and above all no other token.
    let img = scanned_header(&label(50), 200, 2.0, 0.5, Damage::HalfGone, 5);
    assert_eq!(read_label(&img), None);
}

#[test]
fn only_headers_with_a_code_are_looked_at_further() {
    use crate::synth::{HeaderLayout, PageStyle, Quirk, a4_page_styled};
    // Every header layout (thick boxes and frames included), filled in every way (letters
    // crossed out, names too long), scanned grey and black and white: no code there.
    for (i, layout) in HeaderLayout::ALL.into_iter().enumerate() {
        for (j, quirk) in Quirk::ALL.into_iter().enumerate() {
            let style = PageStyle {
                header: layout,
                quirk,
                ..PageStyle::default()
            };
            let dpi = if (i + j) % 2 == 0 { 150 } else { 300 };
            let page = a4_page_styled(dpi, Some(&student()), 3, (i * 5 + j) as u64, None, &style);
            let mut header = raster::header_crop(&scanner_noise(&page, 1.0, 0.3, 7));
            assert!(!may_hold_code(&header), "{layout:?}, {quirk:?}, {dpi} dpi");
            header
                .pixels_mut()
                .for_each(|p| p.0[0] = if p.0[0] < 128 { 0 } else { 255 });
            assert!(!may_hold_code(&header), "{layout:?}, {quirk:?}, bilevel");
        }
    }
    // A label, whole, torn or crossed by a pen, turned: looked at.
    for (i, damage) in [Damage::None, Damage::TornEdge, Damage::PenStroke]
        .into_iter()
        .enumerate()
    {
        for (dpi, angle) in [(150u32, 12.0f32), (300, -8.0)] {
            let img = scanned_header(&label(60 + i), dpi, angle, 2.0, damage, i as u64);
            assert!(may_hold_code(&img), "{damage:?} at {dpi} dpi");
        }
    }
}

#[test]
fn a_header_without_a_label_or_with_another_qr_code_has_no_token() {
    let page = a4_page(200, Some(&student()), 3, 9);
    assert_eq!(read_label(&raster::header_crop(&page)), None);
    // A school's own QR code (a link) in the header is not a label.
    let code = qrcode::QrCode::new("https://lycee-exemple.fr/bac-blanc").unwrap();
    let (n, dark) = (code.width(), code.to_colors());
    let mut page = a4_page(200, Some(&student()), 3, 10);
    let m = 6;
    for r in 0..n {
        for c in 0..n {
            if dark[r * n + c] == qrcode::Color::Dark {
                for y in 0..m {
                    for x in 0..m {
                        page.put_pixel(
                            (1200 + c * m + x) as u32,
                            (120 + r * m + y) as u32,
                            image::Luma([0]),
                        );
                    }
                }
            }
        }
    }
    assert_eq!(read_label(&raster::header_crop(&page)), None);
}

#[test]
fn label_sheets_start_each_class_on_a_new_page_and_print_every_name() {
    // 30 students of a first class, after 5 positions already used; 3 of a second class.
    let first: Vec<Label> = (0..30).map(label).collect();
    let second: Vec<Label> = (30..33)
        .map(|i| Label {
            class: "1re3".into(),
            ..label(i)
        })
        .collect();
    let pdf = labels_pdf(&[first, second], 5, "À coller dans l'en-tête").unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    if let Ok(dir) = std::env::var("KORRIGO_KEEP_TEST_PDF") {
        std::fs::write(std::path::Path::new(&dir).join("labels.pdf"), &pdf).unwrap();
    }
    // 19 labels fill the first sheet after the 5 used, 11 the second, the second class a third.
    assert!(String::from_utf8_lossy(&pdf).contains("/Count 3"));
    let text = crate::pdf_text::pdf_text(&pdf).unwrap();
    for i in [0, 18, 19, 29, 32] {
        assert!(
            text.contains(&format!("SAINT-ANDRÉ-DELACROIX {i}")),
            "label {i} missing: {text}"
        );
    }
    assert!(text.contains("Éloïse-Marie") && text.contains("1re3"));
    // The code itself names nobody: only the token is in it.
    assert_eq!(qr_modules(&label(0).token).unwrap().0, 29);
}
