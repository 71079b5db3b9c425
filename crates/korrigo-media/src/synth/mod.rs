//! Synthetic scans for tests and benchmarks: CMEN-like header pages with a known name in the
//! boxes, ruled pages with handwriting-like text, scanner noise and skew, A4 and A3 (*copies
//! doubles*, possibly fed upside down), JPEG or CCITT G4 encoded, assembled into a PDF the way a
//! scanner writes it (one image per page).
//!
//! `page.rs` draws one page (paper, header, handwriting), `files.rs` makes it a scan (noise,
//! skew, A3 sheets, JPEG or CCITT G4, the PDF); this module assembles classes and batches.

mod files;
mod header;
mod label;
mod page;

pub use files::*;
pub use header::{HeaderLayout, Quirk};
pub use label::*;
pub use page::*;

use ab_glyph::FontArc;
use image::GrayImage;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::raster;

/// A student as written on a header.
#[derive(Debug, Clone)]
pub struct SynthStudent {
    pub last_name: String,
    pub first_name: String,
    /// `dd/mm/yyyy`.
    pub birth_date: String,
}

impl SynthStudent {
    /// The student as the matcher sees them (no INE).
    pub fn person(&self, id: i64) -> korrigo_domain::identify::Person {
        korrigo_domain::identify::Person {
            id,
            last_name: self.last_name.clone(),
            first_name: self.first_name.clone(),
            birth_date: self.birth_date.clone(),
            number: None,
        }
    }
}

/// A class as the matcher's roster: each student's id is their rank.
pub fn roster(students: &[SynthStudent]) -> Vec<korrigo_domain::identify::Person> {
    students
        .iter()
        .enumerate()
        .map(|(i, s)| s.person(i as i64))
        .collect()
}

/// How pages are encoded in the PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Jpeg,
    CcittG4,
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthOptions {
    pub dpi: u32,
    /// A3 *copies doubles* (two scans per sheet) instead of A4 pages.
    pub a3: bool,
    /// A4 pages per copy (the first carries the header).
    pub pages_per_copy: u32,
    pub encoding: Encoding,
    /// Indexes of students whose sheet is fed upside down (A3) or whose pages are (A4).
    pub upside_down: Vec<usize>,
    /// Indexes of students who used two A3 sheets (8 pages; only the first has a header).
    pub two_sheets: Vec<usize>,
    /// Maximum skew in degrees (each page gets a random one within ±).
    pub skew_deg: f32,
    /// Specks per thousand pixels.
    pub noise: f32,
    /// Lines of writing per content page.
    pub lines: u32,
    /// Handwriting fonts, one per student in turn (DejaVu Sans when empty).
    pub hand_fonts: Vec<FontArc>,
    /// Identification labels stuck in the header, by student index (none past the end),
    /// each turned by up to ±6°.
    pub labels: Vec<Option<crate::labels::Label>>,
    pub seed: u64,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            dpi: 150,
            a3: false,
            pages_per_copy: 4,
            encoding: Encoding::Jpeg,
            upside_down: Vec::new(),
            two_sheets: Vec::new(),
            skew_deg: 1.0,
            noise: 0.3,
            lines: 8,
            hand_fonts: Vec::new(),
            labels: Vec::new(),
            seed: 1,
        }
    }
}

/// The handwriting-like fonts of the Debian packages `fonts-dkg-handwriting`, `fonts-breip` and
/// `fonts-humor-sans` that are installed (scripts/setup.sh installs them): the hands the
/// reader was tuned on.
pub fn handwriting_fonts() -> Vec<FontArc> {
    load_fonts(&[
        "/usr/share/fonts/truetype/fifthhorseman/dkg.ttf",
        "/usr/share/fonts/truetype/breip/Breip.ttf",
        "/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf",
    ])
}

/// Hands never used while tuning, for held-out measures: the fonts of `fonts-comic-neue`,
/// `fonts-kristi`, `fonts-dancingscript`, `fonts-klee` and `fonts-cabinsketch` that are
/// installed (scripts/setup.sh installs them).
pub fn held_out_handwriting_fonts() -> Vec<FontArc> {
    load_fonts(&[
        "/usr/share/fonts/opentype/comic-neue/ComicNeue-Regular.otf",
        "/usr/share/fonts/truetype/kristi/Kristi.ttf",
        "/usr/share/fonts/opentype/dancingscript/DancingScript-Regular.otf",
        "/usr/share/fonts/truetype/klee/KleeOne-Regular.ttf",
        "/usr/share/fonts/truetype/cabinsketch/CabinSketch-Regular.ttf",
    ])
}

/// Hands added once the orientation's clues of the writer's hand were built, never looked
/// at while building them: the fonts of `fonts-bwht` (six hands in capitals),
/// `fonts-femkeklaver`, `fonts-rufscript` and `fonts-kaushanscript` that are installed
/// (scripts/setup.sh installs them).
pub fn unseen_handwriting_fonts() -> Vec<FontArc> {
    load_fonts(&[
        "/usr/share/fonts/opentype/bwht/BecauseWeLearn-Regular.otf",
        "/usr/share/fonts/opentype/bwht/BecauseWeOrganize-Regular.otf",
        "/usr/share/fonts/opentype/bwht/BecauseWeBuild-Regular.otf",
        "/usr/share/fonts/opentype/bwht/BecauseWeConnect-Regular.otf",
        "/usr/share/fonts/opentype/bwht/BecauseWeMentor-Regular.otf",
        "/usr/share/fonts/opentype/bwht/BecauseWeCreate-Regular.otf",
        "/usr/share/fonts/truetype/femkeklaver/femkeklaver.ttf",
        "/usr/share/fonts/truetype/rufscript/Rufscript010.ttf",
        "/usr/share/fonts/opentype/kaushanscript/KaushanScript-Regular.otf",
    ])
}

fn load_fonts(paths: &[&str]) -> Vec<FontArc> {
    paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter_map(|b| FontArc::try_from_vec(b).ok())
        .collect()
}

/// The pages (upright, before noise) of one student's copy, in reading order.
pub fn copy_pages(
    student: &SynthStudent,
    pages: u32,
    dpi: u32,
    lines: u32,
    seed: u64,
    hand: Option<&FontArc>,
) -> Vec<GrayImage> {
    (0..pages)
        .map(|p| {
            let header = (p == 0).then_some(student);
            a4_page_in(
                dpi,
                header,
                if p == 0 { lines / 2 } else { lines },
                seed * 1000 + p as u64,
                hand,
            )
        })
        .collect()
}

/// The scanned images of a whole batch, in scan order.
pub fn batch_images(students: &[SynthStudent], opts: &SynthOptions) -> Vec<ScanImage> {
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let mut out = Vec::new();
    let skew = |rng: &mut StdRng| {
        if opts.skew_deg > 0.0 {
            rng.random_range(-opts.skew_deg..opts.skew_deg)
        } else {
            0.0
        }
    };
    let stick = |page: &mut GrayImage, i: usize, rng: &mut StdRng| {
        if let Some(Some(l)) = opts.labels.get(i) {
            let angle = rng.random_range(-6.0..6.0);
            stick_label(page, opts.dpi, l, (118.0, 14.0), angle, Damage::None);
        }
    };
    for (i, s) in students.iter().enumerate() {
        let flipped = opts.upside_down.contains(&i);
        let seed = opts.seed.wrapping_mul(7919).wrapping_add(i as u64);
        if opts.a3 {
            let sheets = if opts.two_sheets.contains(&i) { 2 } else { 1 };
            let hand =
                (!opts.hand_fonts.is_empty()).then(|| &opts.hand_fonts[i % opts.hand_fonts.len()]);
            let mut pages = copy_pages(s, 4 * sheets, opts.dpi, opts.lines, seed, hand);
            stick(&mut pages[0], i, &mut rng);
            for sheet in 0..sheets as usize {
                let p = &pages[sheet * 4..sheet * 4 + 4];
                for (left, right) in [(&p[3], &p[0]), (&p[1], &p[2])] {
                    let mut img = a3_sheet(left, right);
                    if flipped {
                        img = raster::rotate(&img, 180);
                    }
                    let a = skew(&mut rng);
                    let img = scanner_noise(&img, a, opts.noise, rng.random());
                    out.push(encode(&img, opts.encoding));
                }
            }
        } else {
            let hand =
                (!opts.hand_fonts.is_empty()).then(|| &opts.hand_fonts[i % opts.hand_fonts.len()]);
            let mut pages = copy_pages(s, opts.pages_per_copy, opts.dpi, opts.lines, seed, hand);
            if let Some(first) = pages.first_mut() {
                stick(first, i, &mut rng);
            }
            for page in pages {
                let page = if flipped {
                    raster::rotate(&page, 180)
                } else {
                    page
                };
                let a = skew(&mut rng);
                let img = scanner_noise(&page, a, opts.noise, rng.random());
                out.push(encode(&img, opts.encoding));
            }
        }
    }
    out
}

/// A batch PDF.
pub fn batch_pdf(students: &[SynthStudent], opts: &SynthOptions) -> Vec<u8> {
    pdf_of_images(&batch_images(students, opts), opts.dpi)
}

/// A roster CSV (Pronote-like: `Nom;Prénom;Né(e) le;Classe`) of these students in `class`.
pub fn roster_csv(students: &[SynthStudent], class: &str) -> String {
    let mut csv = String::from("Nom;Pr\u{e9}nom;N\u{e9}(e) le;Classe\n");
    for s in students {
        csv.push_str(&format!(
            "{};{};{};{class}\n",
            s.last_name, s.first_name, s.birth_date
        ));
    }
    csv
}

/// A class of students with French names (accents, hyphens, apostrophes).
pub fn students(n: usize) -> Vec<SynthStudent> {
    const LAST: &[&str] = &[
        "MARTIN",
        "BERNARD",
        "DUBOIS",
        "THOMAS",
        "ROBERT",
        "RICHARD",
        "PETIT",
        "DURAND",
        "LEROY",
        "MOREAU",
        "SIMON",
        "LAURENT",
        "LEFEBVRE",
        "MICHEL",
        "GARCIA",
        "DAVID",
        "BERTRAND",
        "ROUX",
        "VINCENT",
        "FOURNIER",
        "MOREL",
        "GIRARD",
        "ANDR\u{c9}",
        "MERCIER",
        "DUPONT",
        "LAMBERT",
        "BONNET",
        "FRAN\u{c7}OIS",
        "MARTINEZ",
        "BEN SALAH",
        "N'DIAYE",
        "LE GALL",
        "C\u{d4}T\u{c9}",
        "SAINT-JUST",
        "H\u{c9}BERT",
    ];
    const FIRST: &[&str] = &[
        "Emma",
        "Louise",
        "Jade",
        "Alice",
        "Chlo\u{e9}",
        "Lina",
        "L\u{e9}a",
        "Anna",
        "Rose",
        "Gabriel",
        "Rapha\u{eb}l",
        "L\u{e9}o",
        "Louis",
        "Lucas",
        "Adam",
        "Hugo",
        "Jules",
        "Arthur",
        "Ma\u{eb}l",
        "Nathan",
        "Jean-Baptiste",
        "Zo\u{e9}",
        "In\u{e8}s",
        "No\u{e9}mie",
        "Th\u{e9}o",
    ];
    (0..n)
        .map(|i| SynthStudent {
            last_name: LAST[i % LAST.len()].to_string(),
            first_name: FIRST[(i * 7 + i / LAST.len()) % FIRST.len()].to_string(),
            birth_date: format!("{:02}/{:02}/{}", 1 + i % 28, 1 + i % 12, 2009 + i % 2),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raster::analyze;

    #[test]
    fn generated_pages_are_recognised_by_the_analysis() {
        let s = &students(1)[0];
        let header = a4_page(100, Some(s), 4, 1);
        let small = raster::resize_to_width(&header, 300);
        let a = analyze(&small);
        assert!(a.header_top, "{a:?}");
        assert_eq!(a.upside_down(), Some(false));
        let content = scanner_noise(&a4_page(100, None, 8, 2), 1.2, 0.3, 3);
        let a = analyze(&raster::resize_to_width(
            &raster::rotate(&content, 180),
            300,
        ));
        assert!(!a.header_top && !a.blank, "{a:?}");
        assert_eq!(a.upside_down(), Some(true));
        let blank = a4_page(100, None, 0, 4);
        assert!(analyze(&raster::resize_to_width(&blank, 300)).blank);
    }

    #[test]
    fn ccitt_pages_are_much_smaller_than_raw() {
        let page = a4_page(100, None, 6, 5);
        let g4 = ccitt_g4(&page);
        assert!(!g4.is_empty() && g4.len() < (page.width() * page.height() / 8 / 4) as usize);
    }
}
