//! Harmonisation: a transparent adjustment of one corrector's grades, applied to the final
//! grade on the exam's scale (per-question scores never change). Either an offset (`+0,5`) or a
//! linear map through two anchors (`10 → 11` and `16 → 16`), in hundredths of a point, exact,
//! rounded half-up and kept within [0, scale].

use crate::results::french_short;
use serde::Serialize;

/// An adjustment of grades, in hundredths of a point on the exam's scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Adjustment {
    /// Every grade moves by `hundredths` (negative lowers).
    Offset { hundredths: i32 },
    /// The line through (`from_low`, `to_low`) and (`from_high`, `to_high`): a grade of
    /// `from_low` becomes `to_low`, one of `from_high` becomes `to_high`, the others in
    /// proportion.
    Linear {
        from_low: u32,
        to_low: u32,
        from_high: u32,
        to_high: u32,
    },
}

/// `n / d` rounded half-up (towards +∞ on a tie), `d > 0`.
fn div_half_up(n: i64, d: i64) -> i64 {
    (2 * n + d).div_euclid(2 * d)
}

impl Adjustment {
    /// Checks the adjustment against a scale: an offset of at most the whole scale (and not
    /// zero), anchors within it, two distinct starting values.
    pub fn check(&self, scale: u32) -> Result<(), String> {
        let top = i64::from(scale) * 100;
        match *self {
            Adjustment::Offset { hundredths } => {
                if hundredths == 0 {
                    return Err("an offset of 0 changes nothing".into());
                }
                if i64::from(hundredths).abs() > top {
                    return Err(format!(
                        "an offset is at most {scale} points either way (the whole scale)"
                    ));
                }
                if hundredths % 25 != 0 && hundredths % 10 != 0 {
                    return Err("an offset is a multiple of 0.1 or 0.25 point".into());
                }
            }
            Adjustment::Linear {
                from_low,
                to_low,
                from_high,
                to_high,
            } => {
                for v in [from_low, to_low, from_high, to_high] {
                    if i64::from(v) > top {
                        return Err(format!(
                            "the anchors are grades between 0 and {scale}; {} is not",
                            french_short(v)
                        ));
                    }
                }
                if from_low >= from_high {
                    return Err("the first anchor starts from a lower grade than the second".into());
                }
                if to_low > to_high {
                    return Err(
                        "a linear map keeps the order of grades: the second anchor's \
                                grade cannot end below the first's"
                            .into(),
                    );
                }
                if from_low == to_low && from_high == to_high {
                    return Err("these anchors change nothing".into());
                }
            }
        }
        Ok(())
    }

    /// The adjusted grade (hundredths) of `grade` on a scale of `scale`.
    pub fn apply(&self, grade: u32, scale: u32) -> u32 {
        let top = i64::from(scale) * 100;
        let g = i64::from(grade);
        let v = match *self {
            Adjustment::Offset { hundredths } => g + i64::from(hundredths),
            Adjustment::Linear {
                from_low,
                to_low,
                from_high,
                to_high,
            } => {
                let (x1, y1, x2, y2) = (
                    i64::from(from_low),
                    i64::from(to_low),
                    i64::from(from_high),
                    i64::from(to_high),
                );
                if x2 <= x1 {
                    g
                } else {
                    y1 + div_half_up((g - x1) * (y2 - y1), x2 - x1)
                }
            }
        };
        u32::try_from(v.clamp(0, top)).unwrap_or(0)
    }

    /// In French, for the pages and the journal: `+0,5 point`, `10 → 11 et 16 → 16`.
    pub fn describe(&self) -> String {
        match *self {
            Adjustment::Offset { hundredths } => {
                let sign = if hundredths < 0 { "−" } else { "+" };
                let v = hundredths.unsigned_abs();
                // French: the plural starts at 2 ("1,5 point", "2 points").
                let unit = if v >= 200 { "points" } else { "point" };
                format!("{sign}{} {unit}", french_short(v))
            }
            Adjustment::Linear {
                from_low,
                to_low,
                from_high,
                to_high,
            } => format!(
                "{} → {} et {} → {}",
                french_short(from_low),
                french_short(to_low),
                french_short(from_high),
                french_short(to_high)
            ),
        }
    }
}

/// A copy's final grade (hundredths on a scale of `scale`): its raw grade, adjusted when a
/// harmonisation applies to its corrector. Every final grade is computed here.
pub fn final_grade(raw: u32, scale: u32, adjustment: Option<Adjustment>) -> u32 {
    adjustment.map_or(raw, |a| a.apply(raw, scale))
}

/// A grade in points (as typed: `0.5`, `-1,25`) to hundredths, refusing more than two
/// decimals.
pub fn hundredths_of(points: f64) -> Result<i32, String> {
    if !points.is_finite() {
        return Err("not a number".into());
    }
    let h = (points * 100.0).round();
    if (h - points * 100.0).abs() > 1e-6 {
        return Err(format!("{points} has more than two decimals"));
    }
    if h.abs() > 1_000_000.0 {
        return Err(format!("{points} is too large"));
    }
    Ok(h as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offset_moves_every_grade_within_the_scale() {
        let a = Adjustment::Offset { hundredths: 50 };
        assert_eq!(a.apply(1200, 20), 1250);
        assert_eq!(final_grade(1200, 20, Some(a)), 1250);
        assert_eq!(final_grade(1200, 20, None), 1200);
        assert_eq!(a.apply(1980, 20), 2000, "never above the scale");
        let down = Adjustment::Offset { hundredths: -100 };
        assert_eq!(down.apply(50, 20), 0, "never below zero");
        assert_eq!(down.apply(1450, 20), 1350);
        assert_eq!(a.describe(), "+0,5 point");
        assert_eq!(down.describe(), "−1 point");
        assert_eq!(
            Adjustment::Offset { hundredths: 150 }.describe(),
            "+1,5 point"
        );
        assert_eq!(
            Adjustment::Offset { hundredths: -200 }.describe(),
            "−2 points"
        );
    }

    #[test]
    fn a_linear_map_goes_through_its_anchors_and_rounds_half_up() {
        let a = Adjustment::Linear {
            from_low: 1000,
            to_low: 1100,
            from_high: 1600,
            to_high: 1600,
        };
        assert_eq!(a.apply(1000, 20), 1100);
        assert_eq!(a.apply(1600, 20), 1600);
        // Halfway: 13 → 11 + 3 × 5/6 = 13.5.
        assert_eq!(a.apply(1300, 20), 1350);
        // 10.01 → 11 + 0.01 × 5/6 = 11.00833 → 11.01; beyond the anchors the line goes on.
        assert_eq!(a.apply(1001, 20), 1101);
        assert_eq!(a.apply(2000, 20), 1933);
        assert_eq!(a.apply(0, 20), 267);
        // Rounding half-up exactly: (1 × 1)/2 = 0.5 hundredth → 1.
        let b = Adjustment::Linear {
            from_low: 0,
            to_low: 0,
            from_high: 2,
            to_high: 1,
        };
        assert_eq!(b.apply(1, 20), 1);
        // A steep map is clamped to the scale.
        let c = Adjustment::Linear {
            from_low: 0,
            to_low: 500,
            from_high: 1000,
            to_high: 2000,
        };
        assert_eq!(c.apply(1800, 20), 2000);
        assert_eq!(a.describe(), "10 → 11 et 16 → 16");
    }

    #[test]
    fn nonsense_is_refused_with_the_reason() {
        let scale = 20;
        assert!(
            Adjustment::Offset { hundredths: 0 }
                .check(scale)
                .unwrap_err()
                .contains("0")
        );
        assert!(
            Adjustment::Offset { hundredths: 2100 }
                .check(scale)
                .unwrap_err()
                .contains("20 points")
        );
        assert!(Adjustment::Offset { hundredths: 33 }.check(scale).is_err());
        assert!(Adjustment::Offset { hundredths: -150 }.check(scale).is_ok());
        let lin = |a, b, c, d| Adjustment::Linear {
            from_low: a,
            to_low: b,
            from_high: c,
            to_high: d,
        };
        assert!(
            lin(1600, 1600, 1000, 1100).check(scale).is_err(),
            "anchors in order"
        );
        assert!(
            lin(1000, 1000, 1000, 1100).check(scale).is_err(),
            "distinct"
        );
        assert!(
            lin(1000, 1200, 1600, 1100).check(scale).is_err(),
            "order kept"
        );
        assert!(
            lin(1000, 1000, 1600, 1600).check(scale).is_err(),
            "identity"
        );
        assert!(
            lin(1000, 1100, 2500, 1600)
                .check(scale)
                .unwrap_err()
                .contains("25")
        );
        assert!(lin(1000, 1100, 1600, 1600).check(scale).is_ok());
        assert_eq!(hundredths_of(0.5), Ok(50));
        assert_eq!(hundredths_of(-1.25), Ok(-125));
        assert!(hundredths_of(0.125).is_err());
        assert!(hundredths_of(f64::NAN).is_err());
    }
}
