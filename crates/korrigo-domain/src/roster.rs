//! Student rosters: the CSV files French schools export (Pronote, SIECLE-like), parsed into
//! students, with every rejected row named by its line number and reason.
//!
//! Accepted: `;`, `,` or tab separators (detected from the header), UTF-8 with or without BOM,
//! or Windows-1252 (detected when the bytes are not UTF-8); header aliases (`Nom`, `Prénom`,
//! `Né(e) le`, `Date de naissance`, `Classe`, `Groupe`, `Adresse E-mail`, `Email`, `INE`), or
//! one `Élèves` column holding "NOM Prénom" where the leading upper-case words are the last
//! name; dates `dd/mm/yyyy` and `yyyy-mm-dd`.

use crate::Email;
use crate::date::Date;
use crate::text::fold;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Where a roster import is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// Checked and queued, or being applied.
    Pending,
    /// Every valid row applied.
    Done,
    /// Stopped; `error` says why.
    Failed,
}

impl ImportStatus {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportStatus::Pending => "pending",
            ImportStatus::Done => "done",
            ImportStatus::Failed => "failed",
        }
    }
}

/// The stored form read back (an unknown status is a corrupt row).
impl TryFrom<String> for ImportStatus {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        [
            ImportStatus::Pending,
            ImportStatus::Done,
            ImportStatus::Failed,
        ]
        .into_iter()
        .find(|i| i.as_str() == s)
        .ok_or_else(|| format!("unknown import status `{s}`"))
    }
}

/// One student as read from a roster row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StudentRecord {
    /// Last name, as written (spaces collapsed).
    pub last_name: String,
    /// First name(s), as written.
    pub first_name: String,
    /// Birth date.
    pub birth_date: Date,
    /// Class (`TG2`, `1ère S3`), if given.
    pub class: Option<String>,
    /// Group, if given.
    pub group: Option<String>,
    /// E-mail, if given.
    pub email: Option<String>,
    /// National student id (INE), if given.
    pub ine: Option<String>,
}

impl StudentRecord {
    /// The identity key used to match a re-imported row to a stored student (with the INE,
    /// which wins when both sides have one): folded last name, first name and birth date.
    pub fn key(&self) -> String {
        student_key(&self.last_name, &self.first_name, &self.birth_date)
    }
}

/// The identity key of a student (see [`StudentRecord::key`]).
pub fn student_key(last: &str, first: &str, birth: &Date) -> String {
    format!(
        "{}|{}|{}",
        fold(last.trim()),
        fold(first.trim()),
        birth.iso()
    )
}

/// Why a row was not imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum RowProblem {
    /// The row has more or fewer fields than the header.
    #[error("{found} fields where the header has {expected}")]
    WrongColumnCount {
        /// Fields in the header.
        expected: usize,
        /// Fields in the row.
        found: usize,
    },
    /// No last name.
    #[error("the last name is missing")]
    MissingLastName,
    /// No first name.
    #[error("the first name is missing")]
    MissingFirstName,
    /// The combined "NOM Prénom" value cannot be split.
    #[error(
        "cannot tell the last name from the first name in `{value}` (expected the last name in capitals first)"
    )]
    AmbiguousName {
        /// The value.
        value: String,
    },
    /// No birth date.
    #[error("the birth date is missing")]
    MissingBirthDate,
    /// An unreadable birth date.
    #[error("invalid birth date: {message}")]
    BadBirthDate {
        /// What is wrong.
        message: String,
    },
    /// No e-mail (teachers log in with it).
    #[error("the e-mail is missing")]
    MissingEmail,
    /// An unreadable e-mail.
    #[error("invalid e-mail: {message}")]
    BadEmail {
        /// What is wrong.
        message: String,
    },
    /// The same student appears on an earlier line.
    #[error("duplicate of line {line}")]
    Duplicate {
        /// The earlier line.
        line: usize,
    },
}

/// A rejected row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    /// 1-based line number in the file (the header is line 1).
    pub line: usize,
    /// Why.
    pub reason: String,
    /// The reason's machine code and facts.
    pub problem: RowProblem,
    /// The row's fields as read, so that the office can fix its source file (empty in reports
    /// made before they were kept).
    #[serde(default)]
    pub fields: Vec<String>,
}

/// A whole-file problem: nothing can be imported.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RosterError {
    /// 0 bytes.
    #[error("the file is empty")]
    Empty,
    /// NUL bytes: not a text file.
    #[error("this is not a CSV file (it contains binary data)")]
    Binary,
    /// No recognisable header.
    #[error(
        "no recognisable header: found columns {found:?}; expected at least a last name (Nom), a first name (Prénom) and a birth date (Né(e) le), or an Élèves column with a birth date"
    )]
    NoHeader {
        /// The first line's columns.
        found: Vec<String>,
    },
    /// No recognisable header in a staff file.
    #[error(
        "no recognisable header: found columns {found:?}; expected a last name (Nom) and an e-mail (Adresse e-mail)"
    )]
    NoTeacherHeader {
        /// The first line's columns.
        found: Vec<String>,
    },
    /// A staff import was given a student roster (it has a birth date or a class column).
    #[error(
        "this file is a student roster (it has a {column} column): import it from Students (Élèves), not as staff"
    )]
    StudentRosterAsStaff {
        /// The student column found.
        column: String,
    },
    /// The CSV structure itself is broken (e.g. an unclosed quote).
    #[error("unreadable CSV near line {line}: {message}")]
    Unreadable {
        /// Where.
        line: usize,
        /// What.
        message: String,
    },
}

/// The result of parsing a roster file.
#[derive(Clone, Debug, Serialize)]
pub struct ParsedRoster {
    /// Valid rows with their line numbers.
    pub rows: Vec<(usize, StudentRecord)>,
    /// Rejected rows, in file order.
    pub rejected: Vec<Rejected>,
    /// The detected separator.
    pub separator: char,
    /// The detected encoding (`utf-8` or `windows-1252`).
    pub encoding: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Field {
    Last,
    First,
    Combined,
    Birth,
    Class,
    Group,
    Email,
    Ine,
}

fn normalize_header(h: &str) -> String {
    let f = fold(h.trim());
    let kept: String = f
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c
            } else if c == ' ' || c == '_' {
                ' '
            } else {
                '\0'
            }
        })
        .filter(|c| *c != '\0')
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn field_of(header: &str) -> Option<Field> {
    let h = normalize_header(header);
    let f = match h.as_str() {
        "nom" | "nom de famille" | "nom d usage" | "nom dusage" | "nom eleve" | "last name"
        | "lastname" | "surname" => Field::Last,
        "prenom" | "prenoms" | "prenom s" | "prenom eleve" | "first name" | "firstname"
        | "prenom 1" => Field::First,
        "eleves" | "eleve" | "nom prenom" | "nom et prenom" | "nom et prenoms" | "student"
        | "students" => Field::Combined,
        "nee le" | "ne le" | "ne e le" | "date de naissance" | "date naissance" | "naissance"
        | "ddn" | "birth date" | "birthdate" | "date of birth" => Field::Birth,
        "classe" | "classes" | "division" | "class" => Field::Class,
        "groupe" | "groupes" | "group" | "groups" => Field::Group,
        "adresse email"
        | "adresse e mail"
        | "adresse mail"
        | "email"
        | "e mail"
        | "mail"
        | "courriel"
        | "adresse electronique" => Field::Email,
        "ine" | "numero ine" | "n ine" | "no ine" | "identifiant national" => Field::Ine,
        _ => return None,
    };
    Some(f)
}

/// Decodes the bytes: UTF-8 (BOM stripped) when valid, else Windows-1252.
fn decode(bytes: &[u8]) -> (String, &'static str) {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(b) {
        Ok(s) => (s.to_string(), "utf-8"),
        Err(_) => (b.iter().map(|&x| cp1252(x)).collect(), "windows-1252"),
    }
}

fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

fn detect_separator(first_line: &str) -> u8 {
    let mut counts = [(b';', 0usize), (b',', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in first_line.bytes() {
        if c == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (s, n) in counts.iter_mut() {
                if c == *s {
                    *n += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map(|(s, _)| *s)
        .unwrap_or(b';')
}

fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Splits "NOM Prénom" where the leading words written in capitals are the last name.
pub fn split_combined_name(value: &str) -> Result<(String, String), RowProblem> {
    let words: Vec<&str> = value.split_whitespace().collect();
    let is_upper = |w: &str| {
        w.chars().any(char::is_alphabetic)
            && w.chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase)
    };
    let n_upper = words.iter().take_while(|w| is_upper(w)).count();
    if n_upper == 0 || n_upper == words.len() {
        return Err(RowProblem::AmbiguousName {
            value: clean(value),
        });
    }
    Ok((words[..n_upper].join(" "), words[n_upper..].join(" ")))
}

/// A CSV file read into lines of trimmed fields, with its detected separator and encoding.
#[derive(Clone, Debug)]
pub struct Table {
    /// The header's fields.
    pub header: Vec<String>,
    /// Every non-empty line after the header: its 1-based line number and fields.
    pub rows: Vec<(usize, Vec<String>)>,
    /// The detected separator.
    pub separator: char,
    /// The detected encoding.
    pub encoding: &'static str,
}

/// Reads a school CSV export: encoding and separator detected, blank lines skipped, line
/// numbers as a spreadsheet shows them.
pub fn read_table(bytes: &[u8]) -> Result<Table, RosterError> {
    if bytes.is_empty() {
        return Err(RosterError::Empty);
    }
    if bytes.contains(&0) {
        return Err(RosterError::Binary);
    }
    let (text, encoding) = decode(bytes);
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let sep = detect_separator(first_line);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    // Line numbers are computed from byte offsets: the CSV reader does not count the blank
    // lines it skips.
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |r: &csv::StringRecord| {
        let mut byte = r.position().map(|p| p.byte() as usize).unwrap_or(0);
        // The recorded position may sit on the blank lines before the record.
        while matches!(text.as_bytes().get(byte), Some(b'\n' | b'\r')) {
            byte += 1;
        }
        line_starts.partition_point(|&s| s <= byte)
    };
    let mut header: Option<Vec<String>> = None;
    let mut rows = vec![];
    for rec in reader.records() {
        let rec = rec.map_err(unreadable)?;
        if rec.iter().all(str::is_empty) {
            continue;
        }
        let fields: Vec<String> = rec.iter().map(str::to_string).collect();
        if header.is_none() {
            header = Some(fields);
        } else {
            rows.push((line_of(&rec), fields));
        }
    }
    Ok(Table {
        header: header.ok_or(RosterError::NoHeader { found: vec![] })?,
        rows,
        separator: char::from(sep),
        encoding,
    })
}

/// Which column holds each known field (the first one, when a header repeats).
fn columns_of(header: &[String]) -> HashMap<Field, usize> {
    let mut columns = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        if let Some(f) = field_of(h) {
            columns.entry(f).or_insert(i);
        }
    }
    columns
}

/// Parses a roster file.
pub fn parse_roster(bytes: &[u8]) -> Result<ParsedRoster, RosterError> {
    let table = read_table(bytes)?;
    let columns = columns_of(&table.header);
    let has_names = (columns.contains_key(&Field::Last) && columns.contains_key(&Field::First))
        || columns.contains_key(&Field::Combined);
    if !has_names || !columns.contains_key(&Field::Birth) {
        return Err(RosterError::NoHeader {
            found: table.header.clone(),
        });
    }
    let expected = table.header.len();
    let mut out = ParsedRoster {
        rows: vec![],
        rejected: vec![],
        separator: table.separator,
        encoding: table.encoding,
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (line, rec) in &table.rows {
        let line = *line;
        let reject = |out: &mut ParsedRoster, problem: RowProblem| {
            out.rejected.push(Rejected {
                line,
                reason: problem.to_string(),
                problem,
                fields: rec.to_vec(),
            });
        };
        if rec.len() != expected {
            reject(
                &mut out,
                RowProblem::WrongColumnCount {
                    expected,
                    found: rec.len(),
                },
            );
            continue;
        }
        let get = |f: Field| {
            columns
                .get(&f)
                .and_then(|&i| rec.get(i))
                .map(|s| clean(s))
                .filter(|s| !s.is_empty())
        };
        let (last, first) = match (get(Field::Last), get(Field::First), get(Field::Combined)) {
            (Some(l), Some(f), _) => (l, f),
            (None, _, Some(c)) | (_, None, Some(c)) => match split_combined_name(&c) {
                Ok(p) => p,
                Err(p) => {
                    reject(&mut out, p);
                    continue;
                }
            },
            (None, _, None) => {
                reject(&mut out, RowProblem::MissingLastName);
                continue;
            }
            (Some(_), None, None) => {
                reject(&mut out, RowProblem::MissingFirstName);
                continue;
            }
        };
        let birth = match get(Field::Birth) {
            None => {
                reject(&mut out, RowProblem::MissingBirthDate);
                continue;
            }
            Some(b) => match Date::parse(&b) {
                Ok(d) => d,
                Err(message) => {
                    reject(&mut out, RowProblem::BadBirthDate { message });
                    continue;
                }
            },
        };
        let email = match get(Field::Email) {
            None => None,
            Some(e) => match Email::parse(&e) {
                Ok(e) => Some(e.as_str().to_string()),
                Err(message) => {
                    reject(&mut out, RowProblem::BadEmail { message });
                    continue;
                }
            },
        };
        let record = StudentRecord {
            last_name: last,
            first_name: first,
            birth_date: birth,
            class: get(Field::Class),
            group: get(Field::Group),
            email,
            ine: get(Field::Ine).map(|i| i.to_ascii_uppercase()),
        };
        let key = record.key();
        let ine_key = record.ine.as_ref().map(|i| format!("ine:{i}"));
        if let Some(&earlier) = seen
            .get(&key)
            .or_else(|| ine_key.as_ref().and_then(|k| seen.get(k)))
        {
            reject(&mut out, RowProblem::Duplicate { line: earlier });
            continue;
        }
        seen.insert(key, line);
        if let Some(k) = ine_key {
            seen.insert(k, line);
        }
        out.rows.push((line, record));
    }
    Ok(out)
}

/// A teacher as read from a staff CSV.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TeacherRecord {
    /// Last name.
    pub last_name: String,
    /// First name.
    pub first_name: String,
    /// E-mail (their login).
    pub email: String,
}

/// The result of parsing a staff file.
#[derive(Clone, Debug, Serialize)]
pub struct ParsedTeachers {
    /// Valid rows with their line numbers.
    pub rows: Vec<(usize, TeacherRecord)>,
    /// Rejected rows.
    pub rejected: Vec<Rejected>,
}

/// Parses a staff CSV (`Nom`, `Prénom` or one combined name column, and an e-mail column).
pub fn parse_teachers(bytes: &[u8]) -> Result<ParsedTeachers, RosterError> {
    let table = read_table(bytes)?;
    let columns = columns_of(&table.header);
    // A student roster has teachers' columns too (names, often e-mails): refuse it rather
    // than offer to create a teacher account per student.
    for f in [Field::Birth, Field::Class] {
        if let Some(&i) = columns.get(&f) {
            return Err(RosterError::StudentRosterAsStaff {
                column: table.header[i].clone(),
            });
        }
    }
    let has_names = columns.contains_key(&Field::Last) || columns.contains_key(&Field::Combined);
    if !has_names || !columns.contains_key(&Field::Email) {
        return Err(RosterError::NoTeacherHeader {
            found: table.header.clone(),
        });
    }
    let expected = table.header.len();
    let mut out = ParsedTeachers {
        rows: vec![],
        rejected: vec![],
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (line, rec) in &table.rows {
        let line = *line;
        let mut reject = |problem: RowProblem| {
            out.rejected.push(Rejected {
                line,
                reason: problem.to_string(),
                problem,
                fields: rec.to_vec(),
            })
        };
        if rec.len() != expected {
            reject(RowProblem::WrongColumnCount {
                expected,
                found: rec.len(),
            });
            continue;
        }
        let get = |f: Field| {
            columns
                .get(&f)
                .and_then(|&i| rec.get(i))
                .map(|s| clean(s))
                .filter(|s| !s.is_empty())
        };
        let (last, first) = match (get(Field::Last), get(Field::First), get(Field::Combined)) {
            (Some(l), f, _) => (l, f.unwrap_or_default()),
            (None, _, Some(c)) => split_combined_name(&c).unwrap_or((c, String::new())),
            (None, _, None) => {
                reject(RowProblem::MissingLastName);
                continue;
            }
        };
        let email = match get(Field::Email) {
            None => {
                reject(RowProblem::MissingEmail);
                continue;
            }
            Some(e) => match Email::parse(&e) {
                Ok(e) => e.as_str().to_string(),
                Err(message) => {
                    reject(RowProblem::BadEmail { message });
                    continue;
                }
            },
        };
        if let Some(&earlier) = seen.get(&email) {
            reject(RowProblem::Duplicate { line: earlier });
            continue;
        }
        seen.insert(email.clone(), line);
        out.rows.push((
            line,
            TeacherRecord {
                last_name: last,
                first_name: first,
                email,
            },
        ));
    }
    Ok(out)
}

fn unreadable(e: csv::Error) -> RosterError {
    let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
    RosterError::Unreadable {
        line,
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(p: &ParsedRoster) -> Vec<(String, String)> {
        p.rows
            .iter()
            .map(|(_, r)| (r.last_name.clone(), r.first_name.clone()))
            .collect()
    }

    #[test]
    fn pronote_semicolons_utf8_bom() {
        let csv = "\u{feff}Nom;Prénom;Né(e) le;Classe;Groupe;Adresse E-mail\n\
                   N'DIAYE;Aminata;09/03/2008;TG2;G1;aminata@example.fr\n\
                   SAINT-ANDRÉ;Éloïse;2008-11-30;TG2;;\n";
        let p = parse_roster(csv.as_bytes()).unwrap();
        assert_eq!(p.separator, ';');
        assert_eq!(p.encoding, "utf-8");
        assert!(p.rejected.is_empty(), "{:?}", p.rejected);
        assert_eq!(
            names(&p),
            [
                ("N'DIAYE".into(), "Aminata".into()),
                ("SAINT-ANDRÉ".into(), "Éloïse".into())
            ]
        );
        let (line, r) = &p.rows[0];
        assert_eq!(*line, 2);
        assert_eq!(r.class.as_deref(), Some("TG2"));
        assert_eq!(r.group.as_deref(), Some("G1"));
        assert_eq!(r.email.as_deref(), Some("aminata@example.fr"));
        assert_eq!(p.rows[1].1.email, None, "a missing e-mail is accepted");
        assert_eq!(p.rows[1].1.birth_date.french(), "30/11/2008");
    }

    #[test]
    fn windows_1252_commas_and_combined_column() {
        // "Élèves,Date de naissance,Classe" in Windows-1252: É = 0xC9, è = 0xE8.
        let mut bytes = b"\xC9l\xE8ves,Date de naissance,Classe\r\n".to_vec();
        bytes.extend_from_slice(b"DE LA FONTAINE Jean-Fran\xE7ois,01/02/2008,TG1\r\n");
        bytes.extend_from_slice(b"\"BEN SALAH Yasmine, Zo\xE9\",02/02/2008,TG1\r\n");
        let p = parse_roster(&bytes).unwrap();
        assert_eq!(p.encoding, "windows-1252");
        assert_eq!(p.separator, ',');
        assert_eq!(
            names(&p),
            [
                ("DE LA FONTAINE".into(), "Jean-François".into()),
                ("BEN SALAH".into(), "Yasmine, Zoé".into())
            ]
        );
    }

    #[test]
    fn every_rejection_reason_with_its_line() {
        let csv = "Nom;Prénom;Né(e) le;Classe\n\
                   DUPONT;Marie;01/01/2008;TG1\n\
                   DURAND;Paul;;TG1\n\
                   MARTIN;Léa;31/02/2008;TG1\n\
                   PETIT;Hugo;01/01/2008\n\
                   \n\
                   DUPONT;Marie;01/01/2008;TG2\n\
                   DUPONT;Marie;02/01/2008;TG1\n\
                   ;Ana;01/01/2008;TG1\n";
        let p = parse_roster(csv.as_bytes()).unwrap();
        let got: Vec<(usize, &str)> = p
            .rejected
            .iter()
            .map(|r| (r.line, r.reason.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (3, "the birth date is missing"),
                (4, "invalid birth date: 31/02/2008 is not a date"),
                (5, "3 fields where the header has 4"),
                (7, "duplicate of line 2"),
                (9, "the last name is missing"),
            ]
        );
        // Homonyms with different birth dates are two students.
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.rows[1].0, 8);
    }

    #[test]
    fn whole_file_problems() {
        assert_eq!(parse_roster(b"").unwrap_err(), RosterError::Empty);
        assert_eq!(
            parse_roster(b"%PDF-1.7\x00\x01").unwrap_err(),
            RosterError::Binary
        );
        let e = parse_roster(b"Produit;Prix\nPomme;2\n").unwrap_err();
        assert!(matches!(e, RosterError::NoHeader { ref found } if found == &["Produit", "Prix"]));
        assert!(e.to_string().contains("Prénom"));
    }

    #[test]
    fn teachers_need_a_name_and_an_email() {
        let csv = "Civilité;Nom;Prénom;Adresse E-mail\nMme;LEROY;Anne;anne.leroy@lycee.fr\nM.;MARTIN;Paul;\nM.;DURAND;Luc;pas-un-mail\nMme;LEROY;Annie;ANNE.LEROY@lycee.fr\n";
        let p = parse_teachers(csv.as_bytes()).unwrap();
        assert_eq!(p.rows.len(), 1);
        assert_eq!(p.rows[0].1.email, "anne.leroy@lycee.fr");
        let got: Vec<(usize, &str)> = p
            .rejected
            .iter()
            .map(|r| (r.line, r.reason.as_str()))
            .collect();
        assert_eq!(got[0], (3, "the e-mail is missing"));
        assert_eq!(got[1].0, 4);
        assert_eq!(got[2], (5, "duplicate of line 2"));
        assert!(matches!(
            parse_teachers(b"Nom;Prenom\nX;Y\n"),
            Err(RosterError::NoTeacherHeader { .. })
        ));
    }

    #[test]
    fn combined_names_need_capitals_first() {
        assert_eq!(
            split_combined_name("N'DIAYE Aminata").unwrap(),
            ("N'DIAYE".into(), "Aminata".into())
        );
        assert!(split_combined_name("Aminata N'Diaye").is_err());
        assert!(split_combined_name("DUPONT MARIE").is_err());
    }

    #[test]
    fn keys_ignore_case_and_accents() {
        let d = Date::parse("01/01/2008").unwrap();
        assert_eq!(
            student_key("Saint-André", "Éloïse", &d),
            student_key("SAINT-ANDRE", "eloise", &d)
        );
        assert_ne!(
            student_key("Dupont", "Marie", &d),
            student_key("Dupont", "Marie", &Date::parse("02/01/2008").unwrap())
        );
    }
}
