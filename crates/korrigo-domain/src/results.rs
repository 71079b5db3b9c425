//! Results: a copy's grade on the exam's scale, in exact arithmetic, and numbers written the
//! French way.

use crate::scheme::Points;

/// The grade in hundredths of a point on a scale of `scale` (20 by default): the total scaled
/// when the scheme's total differs, clamped to [0, scale], rounded half-up to the hundredth
/// (exactly: quarter points and integer scales make a rational, never a float).
pub fn grade_hundredths(total: Points, scheme_total: Points, scale: u32) -> u32 {
    let top = u64::from(scale) * 100;
    if scheme_total.0 == 0 {
        return 0;
    }
    // total/4 ÷ scheme/4 × scale × 100, rounded half-up: (2·a + b) div (2·b).
    let a = u64::from(total.0) * top;
    let b = u64::from(scheme_total.0);
    let rounded = (2 * a + b) / (2 * b);
    u32::try_from(rounded.min(top)).unwrap_or(u32::MAX)
}

/// A grade in hundredths on a scale of `from` carried to a scale of `to`, rounded half-up
/// (an adjusted grade out of 10 written out of 20 for Pronote).
pub fn rescale(hundredths: u32, from: u32, to: u32) -> u32 {
    if from == to || from == 0 {
        return hundredths;
    }
    let a = u64::from(hundredths) * u64::from(to);
    let b = u64::from(from);
    u32::try_from((2 * a + b) / (2 * b)).unwrap_or(u32::MAX)
}

/// Hundredths written with a decimal comma and exactly `decimals` (0, 1 or 2) decimals after
/// it, the last one rounded half-up: `1550` → `15,50`; with 1 → `15,5`.
pub fn french_fixed(hundredths: u32, decimals: u32) -> String {
    let whole = hundredths / 100;
    let cents = hundredths % 100;
    match decimals {
        0 => format!("{}", (hundredths + 50) / 100),
        1 => {
            let tenths = (hundredths + 5) / 10;
            format!("{},{}", tenths / 10, tenths % 10)
        }
        _ => format!("{whole},{cents:02}"),
    }
}

/// Hundredths written with a decimal comma and no useless zero: `1450` → `14,5`, `1400` →
/// `14`, `1425` → `14,25`.
pub fn french_short(hundredths: u32) -> String {
    let s = french_fixed(hundredths, 2);
    let s = s.trim_end_matches('0');
    s.trim_end_matches(',').to_string()
}

/// Points (quarters) written the French way: `2,5`, `3`, `0,75`.
pub fn french_points(p: Points) -> String {
    french_short(p.0 * 25)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_scale_clamp_and_round_half_up() {
        // Out of 20 on a scheme of 20: as it is.
        assert_eq!(grade_hundredths(Points(58), Points(80), 20), 1450);
        // A /40 scheme on a /20 scale: halved.
        assert_eq!(grade_hundredths(Points(4 * 31), Points(160), 20), 1550);
        // 0.25 / 3 × 20 = 1.6666… → 1.67; 0.75 / 7 × 20 = 2.142857… → 2.14.
        assert_eq!(grade_hundredths(Points(1), Points(12), 20), 167);
        assert_eq!(grade_hundredths(Points(3), Points(28), 20), 214);
        // x.xx5 exactly rounds up: 0.25 / 8 × 20 = 0.625 → 0.63; 1.75/16 × 20 = 2.1875 → 2.19.
        assert_eq!(grade_hundredths(Points(1), Points(32), 20), 63);
        assert_eq!(grade_hundredths(Points(7), Points(64), 20), 219);
        // Never above the scale (a lowered maximum), and an empty scheme gives 0.
        assert_eq!(grade_hundredths(Points(90), Points(80), 20), 2000);
        assert_eq!(grade_hundredths(Points(4), Points(0), 20), 0);
        // Another scale: /10.
        assert_eq!(grade_hundredths(Points(30), Points(80), 10), 375);
        // Carried from /10 to /20, and /30 to /20 half-up: 14.125 → 14.13 (never a float).
        assert_eq!(rescale(725, 10, 20), 1450);
        assert_eq!(rescale(2119, 30, 20), 1413);
        assert_eq!(rescale(1450, 20, 20), 1450);
    }

    #[test]
    fn numbers_are_written_the_french_way() {
        assert_eq!(french_fixed(1550, 2), "15,50");
        assert_eq!(french_fixed(5, 2), "0,05");
        assert_eq!(french_fixed(1455, 1), "14,6");
        assert_eq!(french_fixed(2000, 2), "20,00");
        assert_eq!(french_short(1450), "14,5");
        assert_eq!(french_short(1400), "14");
        assert_eq!(french_short(1425), "14,25");
        assert_eq!(french_points(Points(10)), "2,5");
        assert_eq!(french_points(Points(3)), "0,75");
        assert_eq!(french_points(Points(0)), "0");
    }
}
