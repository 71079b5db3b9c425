//! Calendar dates (birth dates, exam dates), parsed from the formats French schools use.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A valid calendar date between 1900 and 2100.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// Builds a date, checking that it exists.
    pub fn new(year: u16, month: u8, day: u8) -> Result<Date, String> {
        if !(1900..=2100).contains(&year) {
            return Err(format!("the year {year} is out of range"));
        }
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(format!("{day:02}/{month:02}/{year} is not a date"));
        }
        Ok(Date { year, month, day })
    }

    /// Parses `dd/mm/yyyy` (also `d/m/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy`) or `yyyy-mm-dd`.
    pub fn parse(raw: &str) -> Result<Date, String> {
        let s = raw.trim();
        let bad = || format!("`{s}` is not a date (expected dd/mm/yyyy or yyyy-mm-dd)");
        let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
        if parts.len() != 3
            || parts
                .iter()
                .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
        {
            return Err(bad());
        }
        let n = |p: &str| p.parse::<u16>().map_err(|_| bad());
        if parts[0].len() == 4 {
            let (y, m, d) = (n(parts[0])?, n(parts[1])?, n(parts[2])?);
            Date::new(
                y,
                u8::try_from(m).map_err(|_| bad())?,
                u8::try_from(d).map_err(|_| bad())?,
            )
        } else if parts[2].len() == 4 && parts[0].len() <= 2 && parts[1].len() <= 2 {
            let (d, m, y) = (n(parts[0])?, n(parts[1])?, n(parts[2])?);
            Date::new(
                y,
                u8::try_from(m).map_err(|_| bad())?,
                u8::try_from(d).map_err(|_| bad())?,
            )
        } else {
            Err(bad())
        }
    }

    /// `yyyy-mm-dd`, the storage and API form.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Days since 1970-01-01 (negative before), by the civil-from-days inverse.
    pub fn days_since_epoch(&self) -> i64 {
        let (y, m, d) = (
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01 (days-to-civil); `None` outside 1900–2100.
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        Date::new(u16::try_from(y).ok()?, m as u8, d as u8).ok()
    }

    /// `dd/mm/yyyy`, the French display and Pronote form.
    pub fn french(&self) -> String {
        format!("{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_since_epoch_counts_leap_years() {
        let d = |s: &str| Date::parse(s).unwrap().days_since_epoch();
        assert_eq!(d("1970-01-01"), 0);
        assert_eq!(d("1969-12-31"), -1);
        assert_eq!(d("2000-03-01"), 11_017);
        assert_eq!(d("2026-12-07"), 20_794);
        for s in [
            "1970-01-01",
            "2000-02-29",
            "2026-12-31",
            "1900-03-01",
            "2100-12-31",
        ] {
            assert_eq!(Date::from_days_since_epoch(d(s)).unwrap().iso(), s);
        }
    }

    #[test]
    fn accepted_formats() {
        let d = Date::new(2008, 3, 9).unwrap();
        for s in [
            "09/03/2008",
            "9/3/2008",
            "2008-03-09",
            " 09-03-2008 ",
            "09.03.2008",
        ] {
            assert_eq!(Date::parse(s), Ok(d), "{s}");
        }
        assert_eq!(d.french(), "09/03/2008");
        assert_eq!(d.iso(), "2008-03-09");
    }

    #[test]
    fn invalid_dates_are_named() {
        assert!(
            Date::parse("31/02/2008")
                .unwrap_err()
                .contains("not a date")
        );
        assert!(Date::parse("29/02/2007").is_err());
        assert!(Date::parse("29/02/2008").is_ok());
        assert!(Date::parse("2008/13/01").is_err());
        assert!(Date::parse("12/03/08").is_err());
        assert!(Date::parse("").is_err());
        assert!(Date::parse("demain").unwrap_err().contains("dd/mm/yyyy"));
    }
}
