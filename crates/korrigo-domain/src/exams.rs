//! Exams: their page layout, grade scale and coefficient, validated on construction.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How copies are laid out on paper.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PageLayout {
    /// A4 sheets, this many pages per copy (1 to 64).
    A4 {
        /// Pages per copy.
        pages: u8,
    },
    /// A3 *copies doubles*: each sheet folded into four A4 pages; copies are grouped by
    /// detecting the name header.
    A3,
}

impl PageLayout {
    /// Parses `a4:N` or `a3`.
    pub fn parse(raw: &str) -> Result<PageLayout, String> {
        let s = raw.trim().to_ascii_lowercase();
        if s == "a3" {
            return Ok(PageLayout::A3);
        }
        if let Some(n) = s.strip_prefix("a4:") {
            return match n.parse::<u8>() {
                Ok(p) if (1..=64).contains(&p) => Ok(PageLayout::A4 { pages: p }),
                _ => Err(format!(
                    "`{raw}`: the number of A4 pages per copy must be from 1 to 64"
                )),
            };
        }
        Err(format!(
            "unknown layout `{raw}`: expected a4:N (N pages per copy) or a3"
        ))
    }

    /// The stable form (`a4:4`, `a3`).
    pub fn as_string(&self) -> String {
        match self {
            PageLayout::A4 { pages } => format!("a4:{pages}"),
            PageLayout::A3 => "a3".into(),
        }
    }
}

impl fmt::Display for PageLayout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_string())
    }
}

impl Serialize for PageLayout {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_string())
    }
}

impl<'de> Deserialize<'de> for PageLayout {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<PageLayout, D::Error> {
        let s = String::deserialize(d)?;
        PageLayout::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// An exam's coefficient, in tenths (`Coefficient(15)` is 1.5), from 0.1 to 100.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Coefficient(pub u32);

impl Default for Coefficient {
    fn default() -> Self {
        Coefficient(10)
    }
}

impl Coefficient {
    /// Parses `1`, `1.5` or `1,5` (one decimal at most).
    pub fn parse(raw: &str) -> Result<Coefficient, String> {
        let s = raw.trim().replace(',', ".");
        let bad = || {
            format!(
                "`{raw}` is not a coefficient (a number from 0.1 to 100 with one decimal at most)"
            )
        };
        let (int, frac) = s.split_once('.').unwrap_or((&s, "0"));
        if int.is_empty()
            || frac.len() != 1
            || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit())
        {
            return Err(bad());
        }
        let v =
            int.parse::<u32>().map_err(|_| bad())? * 10 + frac.parse::<u32>().map_err(|_| bad())?;
        if !(1..=1000).contains(&v) {
            return Err(bad());
        }
        Ok(Coefficient(v))
    }

    /// `1,0` style, as Pronote wants it.
    pub fn french(&self) -> String {
        format!("{},{}", self.0 / 10, self.0 % 10)
    }

    /// As a decimal number.
    pub fn as_f64(&self) -> f64 {
        f64::from(self.0) / 10.0
    }
}

impl Serialize for Coefficient {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

/// Validates an exam name: 1 to 200 characters.
pub fn parse_exam_name(raw: &str) -> Result<String, String> {
    let s = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.is_empty() {
        return Err("the exam needs a name".into());
    }
    if s.chars().count() > 200 {
        return Err("the name must have at most 200 characters".into());
    }
    Ok(s)
}

/// Validates a grade scale ("out of 20"): a whole number from 1 to 1000.
pub fn parse_grade_scale(v: i64) -> Result<u32, String> {
    u32::try_from(v)
        .ok()
        .filter(|v| (1..=1000).contains(v))
        .ok_or_else(|| format!("the grade scale must be from 1 to 1000, not {v}"))
}

/// Normalises a list of class names: trimmed, empty ones dropped, duplicates removed.
pub fn parse_classes(raw: &[String]) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = vec![];
    for c in raw.iter().flat_map(|c| c.split(',')) {
        let c = c.split_whitespace().collect::<Vec<_>>().join(" ");
        if c.is_empty() {
            continue;
        }
        if c.chars().count() > 50 {
            return Err(format!("the class name `{c}` is longer than 50 characters"));
        }
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts() {
        assert_eq!(PageLayout::parse("A4:4"), Ok(PageLayout::A4 { pages: 4 }));
        assert_eq!(PageLayout::parse("a3"), Ok(PageLayout::A3));
        assert!(PageLayout::parse("a4:0").is_err());
        assert!(
            PageLayout::parse("a5")
                .unwrap_err()
                .contains("expected a4:N")
        );
        assert_eq!(PageLayout::A4 { pages: 8 }.to_string(), "a4:8");
    }

    #[test]
    fn coefficients() {
        assert_eq!(Coefficient::parse("1"), Ok(Coefficient(10)));
        assert_eq!(Coefficient::parse("1,5"), Ok(Coefficient(15)));
        assert_eq!(Coefficient(10).french(), "1,0");
        assert!(Coefficient::parse("0").is_err());
        assert!(Coefficient::parse("1.25").is_err());
        assert!(Coefficient::parse("x").is_err());
    }

    #[test]
    fn names_scales_classes() {
        assert_eq!(parse_exam_name("  Bac  blanc "), Ok("Bac blanc".into()));
        assert!(parse_exam_name(" ").is_err());
        assert_eq!(parse_grade_scale(20), Ok(20));
        assert!(parse_grade_scale(0).is_err());
        assert_eq!(
            parse_classes(&["TG1, TG2".into(), "TG1".into(), " ".into()]),
            Ok(vec!["TG1".to_string(), "TG2".to_string()])
        );
    }
}
