//! Identification: comparing what was read in a header with the exam's students, solving the
//! assignment over the whole exam (one copy per student), and deciding when an identification
//! is safe enough to be made without a person.

use crate::lattice::Lattice;
use crate::text::fold;
use serde::{Deserialize, Serialize};

/// What the OCR read in a header.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    pub last_name: String,
    pub first_name: String,
    /// `dd/mm/yyyy` when read.
    pub birth_date: Option<String>,
    /// The digits read in the date row, even when they make no date.
    pub date_digits: String,
    /// Per box of the date row, how likely each digit is (all zeros: an empty box); empty when
    /// the boxes were not read one by one. Preferred to `date_digits` when present.
    pub date_boxes: Vec<[f32; 10]>,
    /// The name rows' likelihoods, when a recognition model read them in boxes: names are then
    /// scored against them rather than against the strings read.
    pub last_name_lattice: Option<Lattice>,
    pub first_name_lattice: Option<Lattice>,
    /// The digits read in the candidate-number row.
    pub number: String,
}

/// How a copy was linked to its student (or set aside), as stored with the copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdMethod {
    /// The matcher was sure enough to decide alone.
    Auto,
    /// The copy carries the student's identification label (a QR code read with certainty).
    Label,
    /// A manager chose the student.
    Manual,
    /// A manager marked the copy as no student's (a blank sheet, a stray page).
    NotStudent,
}

impl IdMethod {
    /// The stable name stored in the database and sent in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            IdMethod::Auto => "auto",
            IdMethod::Label => "label",
            IdMethod::Manual => "manual",
            IdMethod::NotStudent => "not_student",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<IdMethod> {
        [
            IdMethod::Auto,
            IdMethod::Label,
            IdMethod::Manual,
            IdMethod::NotStudent,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
    }

    /// A person decided (a manual choice or a copy set aside), as opposed to the matcher or
    /// a label.
    pub fn by_a_person(self) -> bool {
        matches!(self, IdMethod::Manual | IdMethod::NotStudent)
    }
}

impl TryFrom<String> for IdMethod {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        IdMethod::parse(&s).ok_or_else(|| format!("unknown identification method `{s}`"))
    }
}

/// A student as the matcher sees them.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: i64,
    pub last_name: String,
    pub first_name: String,
    /// `dd/mm/yyyy`.
    pub birth_date: String,
    /// The student's number as a student would write it in the number row (the INE), if the
    /// roster has it.
    pub number: Option<String>,
}

/// A suggestion for a copy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub student: i64,
    /// 0 to 1.
    pub score: f64,
}

/// Letters only, upper case, accents folded, and the digits OCR confuses with letters turned
/// back into those letters: "Ben-Salah", "BEN SALAH" and "BENSALAH" compare equal.
pub fn key(s: &str) -> String {
    fold(s)
        .chars()
        .filter_map(|c| match c {
            'a'..='z' => Some(c.to_ascii_uppercase()),
            '0' => Some('O'),
            '1' => Some('I'),
            '2' => Some('Z'),
            '5' => Some('S'),
            '6' => Some('G'),
            '8' => Some('B'),
            _ => None,
        })
        .collect()
}

fn similarity(read: &str, truth: &str) -> f64 {
    let (a, b) = (key(read), key(truth));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    // Jaro–Winkler rewards a right beginning; normalized Levenshtein punishes dropped or
    // extra letters evenly. Their mean is steadier on OCR output than either.
    (strsim::jaro_winkler(&a, &b) + strsim::normalized_levenshtein(&a, &b)) / 2.0
}

/// How well a row matches a name: against the row's likelihoods when there are some (the
/// name as a sequence, see [`Lattice::name_similarity`]), else against the string read.
fn row_similarity(read: &str, lattice: Option<&Lattice>, truth: &str) -> f64 {
    match lattice {
        Some(l) => l.name_similarity(truth),
        None => similarity(read, truth),
    }
}

/// Something was written in a row.
fn row_written(read: &str, lattice: Option<&Lattice>) -> bool {
    match lattice {
        Some(l) => l.written(),
        None => !key(read).is_empty(),
    }
}

/// How well a reading matches a student (0 to 1). The last name weighs most; a birth date
/// read and equal adds confidence, one read and different takes some away; the student's
/// number read (nearly) whole is a strong sign.
pub fn score(r: &Reading, p: &Person) -> f64 {
    let (last_l, first_l) = (r.last_name_lattice.as_ref(), r.first_name_lattice.as_ref());
    let last = row_similarity(&r.last_name, last_l, &p.last_name);
    let first = row_similarity(&r.first_name, first_l, &p.first_name);
    let mut s = if row_written(&r.first_name, first_l) {
        0.6 * last + 0.4 * first
    } else {
        last * 0.8
    };
    // The two rows swapped (first name written on the name row).
    let swapped = 0.6 * row_similarity(&r.last_name, last_l, &p.first_name)
        + 0.4 * row_similarity(&r.first_name, first_l, &p.last_name);
    s = s.max(swapped * 0.9);
    // The number (nearly) the student's: a strong sign, for a name that is not far off. A
    // number read and different proves little (students miscopy it; not every student has
    // one in the roster).
    if s >= 0.5 && number_agreement(r, p).is_some_and(|a| a >= 0.9) {
        s = (s + 0.3).min(1.0);
    }
    // The birth date: nearly all its digits read adds confidence; the further it is from
    // what was read, the more it takes away.
    match date_agreement(r, p) {
        Some(a) if a >= 0.9 => s = (s + 0.15).min(1.0),
        Some(a) => s = (s - 0.1 * (1.0 - a)).max(0.0),
        None => {}
    }
    s
}

/// How well the last name row matches the student's last name (or the first name row, when
/// the rows were swapped).
pub fn last_name_similarity(r: &Reading, p: &Person) -> f64 {
    let (last_l, first_l) = (r.last_name_lattice.as_ref(), r.first_name_lattice.as_ref());
    row_similarity(&r.last_name, last_l, &p.last_name).max(row_similarity(
        &r.first_name,
        first_l,
        &p.last_name,
    ))
}

/// As [`last_name_similarity`], the name accounting for everything written in the row (see
/// [`Lattice::whole_name_similarity`]; a string read, letter for letter): what a last name must
/// meet to need no birth date.
pub fn whole_last_name_similarity(r: &Reading, p: &Person) -> f64 {
    let whole = |read: &str, l: Option<&Lattice>| match l {
        Some(l) => l.whole_name_similarity(&p.last_name),
        // Without likelihoods: letter for letter (Jaro–Winkler's reward for a right beginning
        // is what makes MARTINE look like MARTIN).
        None => {
            // The edits shared out over ten letters at most, as the likelihoods' cost is
            // (two letters off in a long name are two letters off).
            let (a, b) = (key(read), key(&p.last_name));
            if a.is_empty() || b.is_empty() {
                0.0
            } else {
                let longest = a.chars().count().max(b.chars().count()).min(10);
                (1.0 - strsim::levenshtein(&a, &b) as f64 / longest as f64).max(0.0)
            }
        }
    };
    whole(&r.last_name, r.last_name_lattice.as_ref())
        .max(whole(&r.first_name, r.first_name_lattice.as_ref()))
}

/// How well the number read agrees with the student's (normalized edit distance over their
/// digits); `None` unless the roster has a number with at least eight digits and as many
/// were read.
fn number_agreement(r: &Reading, p: &Person) -> Option<f64> {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let truth = digits(p.number.as_deref()?);
    let read = digits(&r.number);
    (truth.len() >= 8 && read.len() >= 8).then(|| strsim::normalized_levenshtein(&read, &truth))
}

/// How well the date row agrees with a student's birth date (0 to 1; 0 when fewer than four
/// digits were read).
pub fn date_similarity(r: &Reading, p: &Person) -> f64 {
    date_agreement(r, p).unwrap_or(0.0)
}

/// With the boxes read one by one: per box, the student's digit's likelihood against the
/// box's likeliest digit, averaged (1 when every digit of the student's date is the likeliest
/// one; a doubtful box costs less than a clearly different one). Otherwise the digits read
/// compared as text. `None` when fewer than four digits were read.
fn date_agreement(r: &Reading, p: &Person) -> Option<f64> {
    let truth: Vec<usize> = p
        .birth_date
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|d| (d - b'0') as usize)
        .collect();
    let written = r
        .date_boxes
        .iter()
        .filter(|b| b.iter().any(|&x| x > 0.0))
        .count();
    if r.date_boxes.len() == truth.len() && written >= 4 {
        let sum: f64 = r
            .date_boxes
            .iter()
            .zip(&truth)
            .map(|(b, &d)| {
                let top = b.iter().copied().fold(0.0f32, f32::max);
                if top > 0.0 { (b[d] / top) as f64 } else { 0.0 }
            })
            .sum();
        return Some(sum / truth.len() as f64);
    }
    let truth: String = p.birth_date.chars().filter(char::is_ascii_digit).collect();
    let read: String = if r.date_digits.is_empty() {
        r.birth_date
            .clone()
            .unwrap_or_default()
            .chars()
            .filter(char::is_ascii_digit)
            .collect()
    } else {
        r.date_digits.clone()
    };
    if read.len() < 4 {
        return None;
    }
    Some(strsim::normalized_levenshtein(&read, &truth))
}

/// The best `k` students for a reading, best first.
pub fn candidates(r: &Reading, roster: &[Person], k: usize) -> Vec<Candidate> {
    let mut all: Vec<Candidate> = roster
        .iter()
        .map(|p| Candidate {
            student: p.id,
            score: score(r, p),
        })
        .collect();
    all.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.student.cmp(&b.student)));
    all.truncate(k);
    all
}

/// Thresholds of the automatic identification, tuned on generated scans so that no wrong
/// identification happens there (see `korrigo bench identify`).
#[derive(Debug, Clone, Copy)]
pub struct Thresholds {
    /// The assigned student's score must reach this.
    pub min_score: f64,
    /// And lead every other student's score for that copy by this much.
    pub min_margin: f64,
    /// And the last name alone must match this well (a name that merely begins or resembles
    /// a student's, like MARTINEZ for MARTIN, is someone else's until a person says so).
    pub min_name: f64,
    /// A last name matching less well than this needs the birth date read to agree (at least
    /// `confirm_date`): a letter clearly different may be a misreading, or another student's
    /// name that is not in the roster.
    pub sure_name: f64,
    pub confirm_date: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            min_score: 0.60,
            min_margin: 0.10,
            min_name: 0.6,
            sure_name: 0.9,
            confirm_date: 0.65,
        }
    }
}

/// The outcome for one copy.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The student the global assignment gives this copy, if any.
    pub student: Option<i64>,
    pub score: f64,
    /// Safe enough to identify without a person.
    pub auto: bool,
}

/// Solves the assignment over all unidentified copies at once: each student to at most one
/// copy, maximizing the total score (Kuhn–Munkres). `scores[c][s]` is copy `c` against student
/// `s`; students in `taken` (already identified elsewhere) are not available. A copy gets
/// `auto` only if its assigned student is also its best, scores at least `min_score`, leads
/// every other student by `min_margin`, and is not one of several students with the same
/// names unless the birth date read matches.
pub fn assign(
    readings: &[Reading],
    roster: &[Person],
    taken: &[bool],
    t: Thresholds,
) -> Vec<Decision> {
    let (n, m) = (readings.len(), roster.len());
    if n == 0 {
        return Vec::new();
    }
    let scores: Vec<Vec<f64>> = readings
        .iter()
        .map(|r| roster.iter().map(|p| score(r, p)).collect())
        .collect();
    // Kuhn–Munkres wants rows ≤ columns: pad with "no student" columns worth nothing.
    let cols = m.max(n);
    let weights: Vec<i64> = (0..n)
        .flat_map(|c| {
            let scores = &scores;
            (0..cols).map(move |s| {
                if s < m && !taken[s] {
                    // The number read breaks ties that the capped score cannot (two homonyms
                    // whose names both read perfectly).
                    let number = number_agreement(&readings[c], &roster[s])
                        .is_some_and(|a| a >= 0.9 && scores[c][s] >= 0.5);
                    (scores[c][s] * 10_000.0) as i64 + i64::from(number)
                } else {
                    0
                }
            })
        })
        .collect();
    let matrix = pathfinding::matrix::Matrix::from_vec(n, cols, weights)
        .expect("the matrix has n × cols weights");
    let (total, assignment) = pathfinding::kuhn_munkres::kuhn_munkres(&matrix);
    // How much the whole exam's assignment loses if copy `c` may not have student `s`: a copy
    // whose best and second-best students are close can still be certain when the second one
    // clearly belongs to another copy (two sisters with the same last name, say).
    let lead_in_assignment = |c: usize, s: usize| {
        let mut m = matrix.clone();
        m[(c, s)] = -1_000_000;
        let (without, _) = pathfinding::kuhn_munkres::kuhn_munkres(&m);
        (total - without) as f64 / 10_000.0
    };
    let date_sim = |c: usize, s: usize| date_similarity(&readings[c], &roster[s]);
    let number_sim = |c: usize, s: usize| number_agreement(&readings[c], &roster[s]).unwrap_or(0.0);
    let same_names = |s: usize, o: usize| {
        key(&roster[s].last_name) == key(&roster[o].last_name)
            && key(&roster[s].first_name) == key(&roster[o].first_name)
    };
    assignment
        .iter()
        .enumerate()
        .map(|(c, &s)| {
            if s >= m || taken[s] || scores[c][s] <= 0.0 {
                return Decision {
                    student: None,
                    score: 0.0,
                    auto: false,
                };
            }
            let mine = scores[c][s];
            let homonym = (0..m).any(|o| o != s && same_names(s, o));
            // The date read must match this homonym's date clearly better than the others', or
            // the number read theirs.
            let date_ok = date_sim(c, s) >= 0.75
                && (0..m)
                    .filter(|&o| o != s && same_names(s, o))
                    .all(|o| date_sim(c, s) - date_sim(c, o) >= 0.25);
            let number_ok = number_sim(c, s) >= 0.9
                && (0..m)
                    .filter(|&o| o != s && same_names(s, o))
                    .all(|o| number_sim(c, s) - number_sim(c, o) >= 0.3);
            let date_ok = date_ok || number_ok;
            // Among homonyms only the birth date tells them apart: with it read and equal, they
            // are no rivals; without it, no automatic identification.
            let rival = (0..m)
                .filter(|&o| o != s && !(date_ok && same_names(s, o)))
                .map(|o| scores[c][o])
                .fold(0.0, f64::max);
            // The lead in the assignment counts only for a copy that reads well by itself
            // (never an identification by elimination).
            let clear = mine - rival >= t.min_margin
                || (mine >= t.min_score + 0.15 && lead_in_assignment(c, s) >= t.min_margin);
            let name = last_name_similarity(&readings[c], &roster[s]);
            let name_ok = whole_last_name_similarity(&readings[c], &roster[s]) >= t.sure_name
                || (name >= t.min_name && date_sim(c, s) >= t.confirm_date)
                || number_sim(c, s) >= 0.9;
            let auto = mine >= t.min_score && name_ok && clear && (!homonym || date_ok);
            Decision {
                student: Some(roster[s].id),
                score: mine,
                auto,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
