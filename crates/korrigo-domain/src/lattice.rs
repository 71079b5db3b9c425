//! What a recognition model saw in a row of name boxes, kept as likelihoods rather than one
//! string, and each student's name scored against it as a sequence ("roster-constrained"
//! matching): the name the student is most likely to have written wins, even when no single
//! reading of the row spells it.
//!
//! A [`Lattice`] is the model's output over the row, step by step (a step is a narrow slice
//! of the row, several per box): per step, how likely each [`Symbol`] is — nothing written, a
//! letter A–Z (accents folded), a separator (hyphen, apostrophe, a space between words). The
//! model is a CTC recogniser: a letter spans one or more steps, steps between letters read as
//! nothing.
//!
//! [`Lattice::name_similarity`] aligns a name with the steps (Viterbi) allowing what students
//! do and readers miss: empty boxes between words, separators written or not, a letter missing
//! or one extra (at a cost each), the name cut at the end of a full row, only the first of
//! several given names. Its cost against the best unconstrained reading of the same steps,
//! per letter of the name, gives a similarity from 0 to 1.

use serde::{Deserialize, Serialize};

use crate::text::fold;

/// What a step may show: index 0 is nothing written, 1–26 the letters A–Z, 27 a separator.
pub const SYMBOLS: usize = 28;
/// Nothing written at this step.
pub const BLANK: usize = 0;
/// A hyphen, an apostrophe or a space between words.
pub const SEPARATOR: usize = 27;

/// A symbol's index for a character: letters with or without accents, separators; `None` for
/// anything else (digits, punctuation).
pub fn symbol(c: char) -> Option<usize> {
    match c {
        ' ' | '-' | '\'' | '\u{2019}' => Some(SEPARATOR),
        _ => {
            let f = fold(&c.to_string());
            let mut it = f.chars();
            match (it.next(), it.next()) {
                (Some(l @ 'a'..='z'), None) => Some(1 + (l as u8 - b'a') as usize),
                _ => None,
            }
        }
    }
}

/// Likelihoods below this count as this (a model is never certain a letter is absent; a
/// floor keeps one doubtful step from deciding alone).
const FLOOR: f32 = 0.01;
/// The cost (in nats) of a letter of the name that was not seen.
const MISSING: f32 = 5.0;
/// The cost of an extra letter seen (once per letter, whatever its width).
const EXTRA: f32 = 5.0;
/// Per letter left out when the name runs past the end of a full row.
const CUT: f32 = 0.7;
/// A letter this likely (its logarithm) was seen.
const SEEN: f32 = -1.2;
/// Leaving out the name's later words (a student writing one of several given names).
const LATER_WORDS: f32 = 2.5;
/// And per step of those words (a few per letter: a long addition costs more).
const LATER_STEP: f32 = 0.3;
/// Scale from cost per letter to similarity: `exp(-cost / (SCALE × letters))`.
const SCALE: f32 = 6.0;
/// A whole name's cost is shared out over this many letters at most (see
/// [`Lattice::whole_name_similarity`]).
pub const WHOLE_LETTERS: usize = 8;

/// A row's likelihoods, step by step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "Stored", into = "Stored")]
pub struct Lattice {
    /// Per step, the natural logarithm of each symbol's likelihood (floored).
    steps: Vec<[f32; SYMBOLS]>,
    /// The row's last box is written: the name may go on past it.
    pub full: bool,
    /// The best unconstrained path's log-likelihood, and whether some letter is likely
    /// somewhere (both asked for every student's name: computed once).
    free: f32,
    written: bool,
}

/// The stored form: per step, the likely symbols with their likelihood in thousandths, as
/// `"A870 R100"` (`_` nothing, `-` a separator); steps with nothing written but for a trace
/// are merged (they weigh the same in every alignment).
#[derive(Serialize, Deserialize)]
struct Stored {
    steps: Vec<String>,
    full: bool,
}

impl From<Lattice> for Stored {
    fn from(l: Lattice) -> Stored {
        let steps = l
            .steps
            .iter()
            .map(|s| {
                let mut parts = Vec::new();
                for (k, lp) in s.iter().enumerate() {
                    let p = (lp.exp() * 1000.0).round() as u32;
                    if p > 15 {
                        let c = match k {
                            BLANK => '_',
                            SEPARATOR => '-',
                            k => char::from(b'A' + (k - 1) as u8),
                        };
                        parts.push(format!("{c}{p}"));
                    }
                }
                parts.join(" ")
            })
            .collect();
        Stored {
            steps,
            full: l.full,
        }
    }
}

impl From<Stored> for Lattice {
    fn from(s: Stored) -> Lattice {
        let steps = s
            .steps
            .iter()
            .map(|step| {
                let mut p = [0.0f32; SYMBOLS];
                for part in step.split_whitespace() {
                    let mut cs = part.chars();
                    let k = match cs.next() {
                        Some('_') => BLANK,
                        Some('-') => SEPARATOR,
                        Some(c @ 'A'..='Z') => 1 + (c as u8 - b'A') as usize,
                        _ => continue,
                    };
                    p[k] = cs.as_str().parse::<f32>().unwrap_or(0.0) / 1000.0;
                }
                p
            })
            .collect();
        Lattice::from_likelihoods(steps, s.full)
    }
}

impl Lattice {
    /// From per-step likelihoods (each step's symbols summing to about 1). Runs of steps where
    /// nothing is written are merged into one.
    pub fn from_likelihoods(steps: Vec<[f32; SYMBOLS]>, full: bool) -> Lattice {
        let mut out: Vec<[f32; SYMBOLS]> = Vec::with_capacity(steps.len());
        let mut blank_run = false;
        for p in steps {
            let blank = p[BLANK] >= 0.99;
            if blank && blank_run {
                continue;
            }
            blank_run = blank;
            out.push(p.map(|x| x.max(FLOOR).ln()));
        }
        let free = out
            .iter()
            .map(|s| s.iter().copied().fold(f32::MIN, f32::max))
            .sum();
        let written = out
            .iter()
            .any(|s| s[1..SEPARATOR].iter().any(|&lp| lp > 0.5f32.ln()));
        Lattice {
            steps: out,
            full,
            free,
            written,
        }
    }

    /// The number of steps kept.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// No step kept.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Some letter is likely somewhere: something was written.
    pub fn written(&self) -> bool {
        self.written
    }

    /// The likeliest reading, letter by letter (CTC: repeats merged, nothing dropped).
    pub fn best_reading(&self) -> String {
        let mut out = String::new();
        let mut last = BLANK;
        for s in &self.steps {
            let k = argmax(s);
            if k != last && k != BLANK {
                out.push(match k {
                    SEPARATOR => ' ',
                    k => char::from(b'A' + (k - 1) as u8),
                });
            }
            last = k;
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// How well `name` (as the roster spells it) matches what was written, 0 to 1; 0 when
    /// nothing was written or the name has no letter.
    pub fn name_similarity(&self, name: &str) -> f64 {
        self.similarity(name, true)
    }

    /// As [`Lattice::name_similarity`], but the name must account for everything written:
    /// no later words beyond it, and not only its first words (what a last name must meet to
    /// be taken without a birth date: MARTIN is not the MARTI NEZ of a blurred row).
    ///
    /// Its cost is shared out over [`WHOLE_LETTERS`] letters at most: in a long name, two
    /// letters missing weigh as much as in a short one (FRANÇOIS-DELAFONTAINE-MONTGOLFIERET is
    /// not the FRANÇOIS-DELAFONTAINE-MONTGOLFIER written).
    pub fn whole_name_similarity(&self, name: &str) -> f64 {
        self.similarity(name, false)
    }

    fn similarity(&self, name: &str, later_words: bool) -> f64 {
        let target = target(name);
        let letters = target.iter().filter(|t| t.0 != SEPARATOR).count();
        if letters == 0 || !self.written {
            return 0.0;
        }
        let cost = (self.free - self.align(&target, later_words)).max(0.0);
        let per = if later_words {
            letters
        } else {
            letters.min(WHOLE_LETTERS)
        };
        (-cost / (SCALE * per as f32)).exp() as f64
    }

    /// The best alignment's log-likelihood, penalties included (Viterbi over the name's
    /// symbols; see the module's documentation).
    fn align(&self, target: &[(usize, bool)], later_words: bool) -> f32 {
        let n = target.len();
        const NONE: f32 = f32::NEG_INFINITY;
        // b[j]: j symbols done, on a step showing nothing; s[j]: on symbol j; x[j]: j symbols
        // done, on an extra letter.
        let mut b = vec![NONE; n + 1];
        let mut s = vec![NONE; n];
        let mut x = vec![NONE; n + 1];
        // The next step's, reused from step to step.
        let (mut nb, mut ns, mut nx) = (vec![NONE; n + 1], vec![NONE; n], vec![NONE; n + 1]);
        // The name done, then a separator, then later words the roster does not have.
        let mut tail = NONE;
        // The row ended on the name's letters, the rest of the name cut off (a full row).
        let mut cut = NONE;
        b[0] = 0.0;
        skip_symbols(&mut b, target);
        for e in &self.steps {
            let letter = e[1..SYMBOLS].iter().copied().fold(f32::MIN, f32::max);
            // Nothing written: no ink, or a separator (written or an empty box).
            let gap = e[BLANK].max(e[SEPARATOR]);
            let done = b[n].max(if n > 0 { s[n - 1] } else { NONE });
            if later_words {
                tail = (tail + letter.max(gap) - LATER_STEP).max(done - LATER_WORDS + e[SEPARATOR]);
            }
            nb.fill(NONE);
            ns.fill(NONE);
            nx.fill(NONE);
            for j in 0..=n {
                let prev_s = if j > 0 { s[j - 1] } else { NONE };
                nb[j] = b[j].max(prev_s).max(x[j]) + gap;
                nx[j] = x[j].max(b[j] - EXTRA).max(prev_s - EXTRA) + letter;
                if j < n {
                    let (sym, _) = target[j];
                    let mut from = s[j].max(b[j]).max(x[j]);
                    if j > 0 && target[j - 1].0 != sym {
                        from = from.max(s[j - 1]);
                    }
                    // Straight from the symbol before the one skipped.
                    if j > 1 && target[j - 2].0 != sym {
                        from = from.max(s[j - 2] - skip_cost(target[j - 1]));
                    }
                    ns[j] = from + e[sym];
                }
            }
            if self.full {
                let mut from = cut + gap;
                for j in 1..n {
                    // Cut right after a letter seen, with enough letters before it.
                    let letters = target[..j].iter().filter(|t| t.0 != SEPARATOR).count();
                    if letters >= 4 && e[target[j - 1].0] > SEEN {
                        let rest = target[j..].iter().filter(|t| t.0 != SEPARATOR).count();
                        from = from.max(ns[j - 1] - CUT * rest as f32);
                    }
                }
                cut = from;
            }
            skip_symbols(&mut nb, target);
            std::mem::swap(&mut b, &mut nb);
            std::mem::swap(&mut s, &mut ns);
            std::mem::swap(&mut x, &mut nx);
        }
        let mut best = b[n].max(x[n]).max(tail).max(cut);
        if n > 0 {
            best = best.max(s[n - 1]);
        }
        for j in 1..n {
            let done = b[j].max(s[j - 1]);
            // Only the first words: the name stops before a separator.
            if later_words && target[j].0 == SEPARATOR {
                best = best.max(done - LATER_WORDS);
            }
        }
        best
    }
}

/// A name as symbols, each with whether it may be left out at no cost (separators: written
/// or not, as a space, a hyphen or an empty box).
fn target(name: &str) -> Vec<(usize, bool)> {
    let mut out: Vec<(usize, bool)> = Vec::new();
    for c in name.chars() {
        let Some(k) = symbol(c) else { continue };
        if k == SEPARATOR && out.last().is_none_or(|t| t.0 == SEPARATOR) {
            continue;
        }
        out.push((k, k == SEPARATOR));
    }
    if out.last().is_some_and(|t| t.0 == SEPARATOR) {
        out.pop();
    }
    out
}

fn skip_cost((_, optional): (usize, bool)) -> f32 {
    if optional { 0.0 } else { MISSING }
}

/// Symbols not seen at all: from "j done" to "j + 1 done" without a step.
fn skip_symbols(b: &mut [f32], target: &[(usize, bool)]) {
    for j in 0..target.len() {
        b[j + 1] = b[j + 1].max(b[j] - skip_cost(target[j]));
    }
}

fn argmax(s: &[f32; SYMBOLS]) -> usize {
    (0..SYMBOLS)
        .max_by(|&a, &b| s[a].total_cmp(&s[b]))
        .unwrap_or(BLANK)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A lattice as a model would give it for `text` written in boxes: per letter two steps
    /// (likely `sure`, the rest spread over `doubt` letters), two steps of nothing between
    /// letters, four of a separator for an empty box (`_` in `text`; the reader marks the
    /// steps over an empty box so).
    pub fn written(text: &str, sure: f32, full: bool) -> Lattice {
        let mut steps = Vec::new();
        let blank = || {
            let mut p = [0.0; SYMBOLS];
            p[BLANK] = 1.0;
            p
        };
        steps.push(blank());
        for c in text.chars() {
            if c == '_' {
                let mut p = [0.0; SYMBOLS];
                p[SEPARATOR] = 1.0;
                steps.extend(std::iter::repeat_n(p, 4));
                continue;
            }
            let k = symbol(c).expect("a letter or separator");
            let mut p = [0.0; SYMBOLS];
            p[k] = sure;
            // The doubt goes to the neighbouring letter (the model's usual confusion).
            let other = if k == SEPARATOR { BLANK } else { 1 + k % 26 };
            p[other] = 1.0 - sure;
            steps.push(p);
            steps.push(p);
            steps.push(blank());
            steps.push(blank());
        }
        Lattice::from_likelihoods(steps, full)
    }

    /// A last name followed by a later word: enough for a name among others, not for one that
    /// needs no birth date.
    #[test]
    fn a_whole_name_accounts_for_everything_written() {
        let l = written("MARTIN_EZ", 0.95, false);
        let (some, whole) = (
            l.name_similarity("MARTIN"),
            l.whole_name_similarity("MARTIN"),
        );
        assert!(
            some > 0.85 && whole < 0.8 && some - whole > 0.1,
            "{some} {whole}"
        );
        assert!(l.whole_name_similarity("MARTINEZ") > 0.95);
        assert!(written("MARTIN", 0.95, false).whole_name_similarity("MARTIN") > 0.95);
        // In a long name, two letters missing are no more forgiven than in a short one.
        let long = written("FRANCOIS-DELAFONTAINE-MONTGOLFIER", 0.95, false);
        assert!(long.whole_name_similarity("FRANCOIS-DELAFONTAINE-MONTGOLFIER") > 0.95);
        let near = long.whole_name_similarity("FRANCOIS-DELAFONTAINE-MONTGOLFIERET");
        assert!(near < 0.85, "{near}");
        assert!(long.name_similarity("FRANCOIS-DELAFONTAINE-MONTGOLFIERET") > 0.9);
    }

    #[test]
    fn the_written_name_scores_highest_and_a_different_one_low() {
        let l = written("DUBOIS", 0.95, false);
        assert_eq!(l.best_reading(), "DUBOIS");
        assert!(l.name_similarity("Dubois") > 0.95);
        assert!(
            l.name_similarity("DUPONT") < 0.65,
            "{}",
            l.name_similarity("DUPONT")
        );
        assert!(
            l.name_similarity("Martin") < 0.45,
            "{}",
            l.name_similarity("Martin")
        );
        // Nothing written: no name matches.
        assert_eq!(written("", 0.9, false).name_similarity("DUBOIS"), 0.0);
        assert_eq!(l.name_similarity("--"), 0.0);
    }

    #[test]
    fn a_doubtful_letter_still_counts_for_the_name_that_has_it() {
        // The model hesitated on the third letter (R 45 %, S 55 % reads "BESNARD"): the
        // roster's BERNARD is still far closer than anyone else's.
        let mut l = written("BERNARD", 0.95, false);
        let mut steps: Vec<[f32; SYMBOLS]> = l.steps.iter().map(|s| s.map(f32::exp)).collect();
        for s in steps.iter_mut().filter(|s| s[18] > 0.5).take(2) {
            *s = [0.0; SYMBOLS];
            s[18] = 0.45;
            s[19] = 0.55;
        }
        l = Lattice::from_likelihoods(steps, false);
        assert_eq!(l.best_reading(), "BESNARD");
        let right = l.name_similarity("BERNARD");
        assert!(right > 0.9, "{right}");
        assert!(right - l.name_similarity("BERTRAND") > 0.2);
        assert!(right - l.name_similarity("BESSARD") > 0.1);
    }

    #[test]
    fn separators_and_skipped_boxes_are_optional() {
        for written_as in ["BEN_SALAH", "BEN-SALAH", "BENSALAH", "BEN__SALAH"] {
            let l = written(written_as, 0.95, false);
            for roster in ["Ben Salah", "BEN-SALAH", "Bensalah"] {
                let s = l.name_similarity(roster);
                assert!(s > 0.93, "{written_as} vs {roster}: {s}");
            }
        }
        // A separator where the name has none costs nothing either way.
        assert!(written("SAINT_ANDRE", 0.95, false).name_similarity("Saint-André") > 0.93);
    }

    #[test]
    fn a_missing_or_extra_letter_costs_a_little() {
        let missing = written("MARTN", 0.95, false).name_similarity("MARTIN");
        let extra = written("MARTINN", 0.95, false).name_similarity("MARTIN");
        for s in [missing, extra] {
            assert!((0.75..0.95).contains(&s), "{s}");
        }
        // Still far ahead of another name.
        assert!(missing - written("MARTN", 0.95, false).name_similarity("MARTEL") > 0.1);
    }

    #[test]
    fn a_name_longer_than_a_full_row_is_cut_at_its_end() {
        // 12 boxes: the student stopped where the row stopped.
        let cut = written("SCHWARZENEGG", 0.95, true);
        let s = cut.name_similarity("SCHWARZENEGGER");
        assert!(s > 0.9, "{s}");
        // The same letters on a row that is not full: the end is really missing.
        let short = written("SCHWARZENEGG", 0.95, false);
        assert!(short.name_similarity("SCHWARZENEGGER") < s - 0.05);
        // A full row does not make any name with the same start match: too few letters.
        assert_eq!(
            written("MAR", 0.95, true).name_similarity("MARTINEZ"),
            written("MAR", 0.95, false).name_similarity("MARTINEZ")
        );
    }

    #[test]
    fn one_of_several_given_names_is_enough() {
        let l = written("MARIE", 0.95, false);
        let s = l.name_similarity("Marie-Anne");
        assert!(s > 0.85, "{s}");
        assert!(l.name_similarity("Marie") > s);
        // Extra given names written beyond the roster's, after an empty box or a hyphen.
        for w in ["MARIE_ANNE", "MARIE-ANNE"] {
            let s = written(w, 0.95, false).name_similarity("Marie");
            assert!(s > 0.75, "{w}: {s}");
        }
        // But not letters run on: MARTINEZ is not MARTIN (a student missing from the roster).
        let s = written("MARTINEZ", 0.95, false).name_similarity("Martin");
        assert!(s < 0.85, "{s}");
    }

    #[test]
    fn lattices_are_stored_compactly_and_read_back() {
        let l = written("LÉA_N'DIAYE", 0.9, true);
        let json = serde_json::to_string(&l).unwrap();
        assert!(json.contains("\"L900 M100\""), "{json}");
        assert!(json.len() < 600, "{}", json.len());
        let back: Lattice = serde_json::from_str(&json).unwrap();
        assert_eq!(back.best_reading(), "LEA N DIAYE");
        assert!(back.full);
        assert!((back.name_similarity("Léa") - l.name_similarity("Léa")).abs() < 1e-3);
    }
}
