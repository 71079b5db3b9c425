//! Statistics of grades: count, mean, median, standard deviation, extremes, a histogram (also
//! drawn as SVG on the server, readable without JavaScript), and per question the mean and the
//! success rate. Grades come in hundredths of a point, exactly as they are computed.

use serde::Serialize;

/// The figures of a set of grades, in points on their scale.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figures {
    pub count: usize,
    pub mean: f64,
    pub median: f64,
    /// Population standard deviation (the spread of these very copies).
    pub std_dev: f64,
    pub min: f64,
    pub max: f64,
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// The figures of `grades` (hundredths); `None` for an empty set.
pub fn figures(grades: &[u32]) -> Option<Figures> {
    if grades.is_empty() {
        return None;
    }
    let mut v: Vec<f64> = grades.iter().map(|g| f64::from(*g) / 100.0).collect();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let mean = v.iter().sum::<f64>() / n as f64;
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
    Some(Figures {
        count: n,
        mean: round2(mean),
        median: round2(median),
        std_dev: round2(var.sqrt()),
        min: v[0],
        max: v[n - 1],
    })
}

/// How many grades fall in each of `bins` equal intervals of [0, scale]; the last interval
/// includes the maximum (a 20/20 counts in the top bin).
pub fn histogram(grades: &[u32], scale: u32, bins: usize) -> Vec<usize> {
    let mut out = vec![0; bins.max(1)];
    let top = u64::from(scale) * 100;
    if top == 0 {
        return out;
    }
    let n = out.len();
    for g in grades {
        let g = u64::from(*g).min(top);
        let i = usize::try_from(g * n as u64 / top).unwrap_or(n);
        out[i.min(n - 1)] += 1;
    }
    out
}

/// The histogram as an SVG drawing: one bar per interval with its count, the scale's marks
/// under the bars, a title for screen readers.
pub fn histogram_svg(counts: &[usize], scale: u32, title: &str) -> String {
    let (w, h, left, bottom, top) = (600.0_f64, 220.0_f64, 30.0, 30.0, 16.0);
    let n = counts.len().max(1) as f64;
    let most = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let bar_w = (w - left - 10.0) / n;
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"hist-title\" class=\"histogram\"><title id=\"hist-title\">{}</title>",
        esc(title)
    );
    let base = h - bottom;
    svg.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\" stroke=\"#5b6472\" stroke-width=\"1\"/>",
        w - 10.0
    ));
    for (i, c) in counts.iter().enumerate() {
        let x = left + bar_w * i as f64;
        let bh = (base - top) * (*c as f64) / most;
        if *c > 0 {
            svg.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#1f5fbf\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#1b1f24\">{c}</text>",
                x + 1.5,
                base - bh,
                bar_w - 3.0,
                bh,
                x + bar_w / 2.0,
                base - bh - 3.0
            ));
        }
    }
    // The scale's marks: 0, a quarter, a half, three quarters, the top.
    for k in 0..=4 {
        let v = f64::from(scale) * f64::from(k) / 4.0;
        let x = left + (w - left - 10.0) * f64::from(k) / 4.0;
        let label = if v.fract() == 0.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.1}").replace('.', ",")
        };
        svg.push_str(&format!(
            "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#1b1f24\">{label}</text>",
            base + 16.0
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// A question's figures: the mean of the points given and the success rate (the mean over the
/// maximum), over the copies that have a score for it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QuestionFigures {
    pub scored: usize,
    pub mean: f64,
    /// 0 to 1.
    pub success: f64,
}

/// The figures of one question from its scores (quarter points) and its maximum (quarters).
pub fn question_figures(scores: &[u32], max: u32) -> Option<QuestionFigures> {
    if scores.is_empty() {
        return None;
    }
    let mean = scores.iter().map(|p| f64::from(*p) / 4.0).sum::<f64>() / scores.len() as f64;
    let success = if max == 0 {
        0.0
    } else {
        mean / (f64::from(max) / 4.0)
    };
    Some(QuestionFigures {
        scored: scores.len(),
        mean: round2(mean),
        success: (success * 1000.0).round() / 1000.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_of_a_known_set() {
        // 8, 10, 12, 12.5, 20 (on /20).
        let f = figures(&[1000, 800, 1250, 2000, 1200]).unwrap();
        assert_eq!(f.count, 5);
        assert_eq!(f.mean, 12.5);
        assert_eq!(f.median, 12.0);
        assert_eq!((f.min, f.max), (8.0, 20.0));
        // Deviations −4.5 −2.5 −0.5 0 7.5: squares 20.25 6.25 0.25 0 56.25 = 83 / 5 = 16.6.
        assert_eq!(f.std_dev, 4.07);
        // An even count: the median is the mean of the middle two.
        assert_eq!(figures(&[1000, 1400]).unwrap().median, 12.0);
        assert_eq!(figures(&[]), None);
    }

    #[test]
    fn the_histogram_counts_each_interval_and_the_top_in_the_last() {
        let h = histogram(&[0, 199, 200, 1000, 1999, 2000], 20, 10);
        assert_eq!(h, [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]);
        assert_eq!(
            histogram(&[2500], 20, 4),
            [0, 0, 0, 1],
            "clamped to the scale"
        );
        let svg = histogram_svg(&h, 20, "Répartition des notes <sur 20>");
        assert!(svg.starts_with("<svg") && svg.contains("&lt;sur 20&gt;"));
        assert_eq!(
            svg.matches("<rect").count(),
            4,
            "one bar per non-empty interval"
        );
    }

    #[test]
    fn a_question_has_its_mean_and_success_rate() {
        // 1, 2 and 3 points out of 4.
        let q = question_figures(&[4, 8, 12], 16).unwrap();
        assert_eq!((q.scored, q.mean, q.success), (3, 2.0, 0.5));
        assert_eq!(question_figures(&[], 16), None);
    }
}
