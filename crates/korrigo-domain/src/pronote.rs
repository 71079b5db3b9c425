//! The Pronote CSV, exact to the byte (SPEC §4, "Pronote CSV contract"): UTF-8 with a BOM,
//! `;` between fields, CRLF line ends, fields quoted only when they hold `;`, `"` or a line
//! break; the grade out of 20 with a decimal comma and two decimals, the coefficient with one.

use crate::Date;
use crate::exams::Coefficient;
use crate::results::{french_fixed, grade_hundredths};
use crate::scheme::Points;

/// The header line.
pub const HEADER: &str = "NOM;PRENOM;DATE_NAISSANCE;MATIERE;NOTE;COEFF;COMMENTAIRE";
/// The longest comment Pronote takes; longer ones are cut to 497 characters and `...`.
pub const MAX_COMMENT: usize = 500;

/// One graded, identified copy.
#[derive(Clone, Debug)]
pub struct PronoteRow {
    pub last_name: String,
    pub first_name: String,
    pub birth_date: Date,
    /// The copy's total and the scheme's.
    pub total: Points,
    pub scheme_total: Points,
    /// The grade out of 20 (hundredths) after a harmonisation of its corrector's grades,
    /// written instead of the scaled total.
    pub adjusted: Option<u32>,
    /// The appreciation.
    pub comment: String,
}

/// The subject column: the exam's subject in upper case, its name when no subject is set.
pub fn subject(subject: &str, exam_name: &str) -> String {
    let s = if subject.trim().is_empty() {
        exam_name
    } else {
        subject
    };
    s.trim().to_uppercase()
}

/// A comment as Pronote takes it: line breaks turned into spaces, a leading `=`, `+`, `-` or
/// `@` removed (a spreadsheet would run it as a formula), at most 500 characters.
pub fn comment(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if matches!(c, '\r' | '\n') { ' ' } else { c })
        .collect();
    let mut s = one_line.trim();
    while let Some(rest) = s.strip_prefix(['=', '+', '-', '@']) {
        s = rest.trim_start();
    }
    if s.chars().count() > MAX_COMMENT {
        let cut: String = s.chars().take(MAX_COMMENT - 3).collect();
        format!("{cut}...")
    } else {
        s.to_string()
    }
}

/// A field, quoted only when it must be.
fn field(s: &str) -> String {
    if s.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The whole file.
pub fn csv(subject_column: &str, coefficient: Coefficient, rows: &[PronoteRow]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    out.push_str(HEADER);
    out.push_str("\r\n");
    for r in rows {
        let note = r.adjusted.map_or_else(
            || grade_hundredths(r.total, r.scheme_total, 20),
            |a| a.min(2000),
        );
        let cells = [
            field(&r.last_name),
            field(&r.first_name),
            r.birth_date.french(),
            field(subject_column),
            french_fixed(note, 2),
            coefficient.french(),
            field(&comment(&r.comment)),
        ];
        out.push_str(&cells.join(";"));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(last: &str, first: &str, date: &str, total: u32, scheme: u32, c: &str) -> PronoteRow {
        PronoteRow {
            last_name: last.into(),
            first_name: first.into(),
            birth_date: Date::parse(date).unwrap(),
            total: Points(total),
            scheme_total: Points(scheme),
            adjusted: None,
            comment: c.into(),
        }
    }

    /// Written by hand, byte by byte: BOM, `;`, CRLF, quoting, decimal comma, half-up rounding
    /// (x.xx5), scaling from /40, clamping, the formula guard, the 500-character cut, accents,
    /// homonyms.
    #[test]
    fn the_file_is_exactly_what_pronote_expects() {
        let long = "é".repeat(510);
        let rows = [
            // 31/40 → 15,50.
            row(
                "DUPONT",
                "Jean",
                "2008-03-05",
                124,
                160,
                "Bon travail; continuez",
            ),
            // 0.25 / 8 × 20 = 0,625 → 0,63 (half-up), with a line break and a quote.
            row(
                "MARTIN",
                "Zoé",
                "2008-12-31",
                1,
                32,
                "Bien \"vu\"\nmais incomplet",
            ),
            // Homonyms, told by their birth dates; a formula guard.
            row("MARTIN", "Zoé", "2009-01-02", 80, 80, "=SOMME(A1:A2)"),
            // Above the maximum (a lowered scheme): clamped to 20; a cut comment.
            row("SAINT-ANDRÉ", "Éloïse", "2008-07-14", 170, 160, &long),
            // 1.75/16 × 20 = 2,1875 → 2,19; leading "+-" and "@" stripped.
            row(
                "O'NEIL",
                "Anne-Marie",
                "2008-01-01",
                7,
                64,
                "+-@ Peut mieux faire",
            ),
            // A harmonised grade is written instead of the scaled total (10/20 raw).
            PronoteRow {
                adjusted: Some(1050),
                ..row("PETIT", "Léa", "2008-02-29", 40, 80, "")
            },
        ];
        let got = csv(&subject("Mathématiques", "DS 3"), Coefficient(20), &rows);
        let mut want = Vec::new();
        want.extend_from_slice(&[0xEF, 0xBB, 0xBF]);
        want.extend_from_slice(b"NOM;PRENOM;DATE_NAISSANCE;MATIERE;NOTE;COEFF;COMMENTAIRE\r\n");
        want.extend_from_slice(
            "DUPONT;Jean;05/03/2008;MATHÉMATIQUES;15,50;2,0;\"Bon travail; continuez\"\r\n"
                .as_bytes(),
        );
        want.extend_from_slice(
            "MARTIN;Zoé;31/12/2008;MATHÉMATIQUES;0,63;2,0;\"Bien \"\"vu\"\" mais incomplet\"\r\n"
                .as_bytes(),
        );
        want.extend_from_slice(
            "MARTIN;Zoé;02/01/2009;MATHÉMATIQUES;20,00;2,0;SOMME(A1:A2)\r\n".as_bytes(),
        );
        want.extend_from_slice(
            format!(
                "SAINT-ANDRÉ;Éloïse;14/07/2008;MATHÉMATIQUES;20,00;2,0;{}...\r\n",
                "é".repeat(497)
            )
            .as_bytes(),
        );
        want.extend_from_slice(
            "O'NEIL;Anne-Marie;01/01/2008;MATHÉMATIQUES;2,19;2,0;Peut mieux faire\r\n".as_bytes(),
        );
        want.extend_from_slice("PETIT;Léa;29/02/2008;MATHÉMATIQUES;10,50;2,0;\r\n".as_bytes());
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want)
        );
        assert_eq!(got, want);
    }

    #[test]
    fn the_subject_falls_back_on_the_exam_name() {
        assert_eq!(subject("  ", "Bac blanc"), "BAC BLANC");
        assert_eq!(subject("physique-chimie", "DS"), "PHYSIQUE-CHIMIE");
    }

    #[test]
    fn comments_lose_what_pronote_or_a_spreadsheet_would_misread() {
        assert_eq!(comment("- bien\r\nvu"), "bien  vu");
        assert_eq!(comment("@@=x"), "x");
        assert_eq!(comment(&"a".repeat(500)).len(), 500);
        assert_eq!(comment(&"a".repeat(501)), format!("{}...", "a".repeat(497)));
    }
}
