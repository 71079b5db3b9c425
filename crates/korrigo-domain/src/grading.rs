//! Grading rules that need no I/O: how copies (or questions) are shared among correctors.
//!
//! A dispatch by copies shares an exam's copies among its correctors at random, balanced
//! (with equal weights, the counts differ by at most one, copies already assigned included),
//! and never moves a copy whose grading has started.

use crate::UserId;
use crate::scheme::Scheme;
use std::collections::{BTreeMap, BTreeSet};

/// A copy as the dispatch sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DispatchCopy {
    /// The copy's id.
    pub id: i64,
    /// Its corrector, if it has one.
    pub corrector: Option<UserId>,
    /// Whether its grading has started (a score, an annotation...): such a copy never moves.
    pub started: bool,
}

/// A corrector and their share: `1.0` a full share, `0.5` half of one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Share {
    /// The corrector.
    pub corrector: UserId,
    /// Their weight (strictly positive).
    pub weight: f64,
}

/// Why a dispatch cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DispatchProblem {
    /// No corrector was given.
    #[error("choose at least one corrector")]
    NoCorrector,
    /// A weight is zero, negative or not a number.
    #[error("every corrector's share must be a positive number")]
    BadWeight,
    /// A corrector is listed twice.
    #[error("a corrector is listed twice")]
    Duplicate,
}

/// How many copies each corrector should end with: `total` shared in proportion to the
/// weights, rounded by largest remainder (ties to the corrector listed first), so that the
/// targets add up to `total` and, with equal weights, differ by at most one.
pub fn targets(total: usize, shares: &[Share]) -> Vec<usize> {
    let sum: f64 = shares.iter().map(|s| s.weight).sum();
    let exact: Vec<f64> = shares
        .iter()
        .map(|s| total as f64 * s.weight / sum)
        .collect();
    let mut out: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
    let mut left = total - out.iter().sum::<usize>();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        rb.partial_cmp(&ra)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.cmp(&b))
    });
    for i in order {
        if left == 0 {
            break;
        }
        out[i] += 1;
        left -= 1;
    }
    out
}

/// A small deterministic generator (xorshift), so that a dispatch is random yet reproducible
/// from its seed (the preview and the applied run agree).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0.max(1);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// Shares `copies` among `shares`: started copies stay with their corrector; a corrector keeps
/// the untouched copies they have while under their target; every other copy is dealt at
/// random (from `seed`) to the correctors furthest below their targets. Answers each copy's
/// corrector, by copy id.
pub fn dispatch_by_copies(
    copies: &[DispatchCopy],
    shares: &[Share],
    seed: u64,
) -> Result<BTreeMap<i64, UserId>, DispatchProblem> {
    if shares.is_empty() {
        return Err(DispatchProblem::NoCorrector);
    }
    if shares
        .iter()
        .any(|s| !(s.weight > 0.0 && s.weight.is_finite()))
    {
        return Err(DispatchProblem::BadWeight);
    }
    let distinct: BTreeSet<UserId> = shares.iter().map(|s| s.corrector).collect();
    if distinct.len() != shares.len() {
        return Err(DispatchProblem::Duplicate);
    }
    let target = targets(copies.len(), shares);
    let index: BTreeMap<UserId, usize> = shares
        .iter()
        .enumerate()
        .map(|(i, s)| (s.corrector, i))
        .collect();
    let mut count = vec![0usize; shares.len()];
    let mut out = BTreeMap::new();
    let mut pool = Vec::new();
    // Started copies never move, whatever the targets say (their corrector may even have left
    // the list: the copy stays theirs).
    for c in copies.iter().filter(|c| c.started) {
        if let Some(u) = c.corrector {
            out.insert(c.id, u);
            if let Some(&i) = index.get(&u) {
                count[i] += 1;
            }
        } else {
            pool.push(c.id);
        }
    }
    // Untouched copies stay where they are while their corrector is under target.
    let mut untouched: Vec<&DispatchCopy> = copies.iter().filter(|c| !c.started).collect();
    untouched.sort_by_key(|c| c.id);
    let mut rng = Rng(seed ^ 0x9E37_79B9_7F4A_7C15);
    rng.shuffle(&mut untouched);
    for c in untouched {
        match c.corrector.and_then(|u| index.get(&u).map(|&i| (u, i))) {
            Some((u, i)) if count[i] < target[i] => {
                out.insert(c.id, u);
                count[i] += 1;
            }
            _ => pool.push(c.id),
        }
    }
    // The rest, dealt one by one to whoever is furthest below their target.
    rng.shuffle(&mut pool);
    for id in pool {
        let i = (0..shares.len())
            .max_by(|&a, &b| {
                let gap = |k: usize| target[k] as i64 - count[k] as i64;
                gap(a).cmp(&gap(b)).then(b.cmp(&a))
            })
            .expect("at least one corrector");
        out.insert(id, shares[i].corrector);
        count[i] += 1;
    }
    Ok(out)
}

/// Why a dispatch by questions cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QuestionShareProblem {
    /// No corrector was given a question.
    #[error("give at least one question to a corrector")]
    NoCorrector,
    /// A node id that is not in the scheme.
    #[error("`{0}` is not a question of this exam's scheme")]
    Unknown(String),
    /// A question given to two correctors (its label).
    #[error("`{0}` is given to two correctors: each question has one")]
    Twice(String),
    /// Questions nobody was given (their labels).
    #[error("nobody grades {}: give every question to a corrector", .0.join(", "))]
    Uncovered(Vec<String>),
}

/// Shares a scheme's questions among correctors: each names nodes (an exercise stands for all
/// its questions); every leaf must end with exactly one corrector. Answers each leaf's
/// corrector, by leaf id.
pub fn dispatch_by_questions(
    scheme: &Scheme,
    requested: &[(UserId, Vec<String>)],
) -> Result<BTreeMap<String, UserId>, QuestionShareProblem> {
    if requested.iter().all(|(_, q)| q.is_empty()) {
        return Err(QuestionShareProblem::NoCorrector);
    }
    let leaves = scheme.leaves();
    let label = |id: &str| {
        leaves
            .iter()
            .find(|l| l.0 == id)
            .map_or_else(|| id.to_string(), |l| l.1.clone())
    };
    let mut out = BTreeMap::new();
    for (who, nodes) in requested {
        for node in nodes {
            let under = scheme
                .leaves_under(node.trim())
                .ok_or_else(|| QuestionShareProblem::Unknown(node.clone()))?;
            for leaf in under {
                match out.get(&leaf) {
                    Some(other) if other != who => {
                        return Err(QuestionShareProblem::Twice(label(&leaf)));
                    }
                    _ => {
                        out.insert(leaf, *who);
                    }
                }
            }
        }
    }
    let uncovered: Vec<String> = leaves
        .iter()
        .filter(|l| !out.contains_key(&l.0))
        .map(|l| l.1.clone())
        .collect();
    if !uncovered.is_empty() {
        return Err(QuestionShareProblem::Uncovered(uncovered));
    }
    Ok(out)
}

/// The marks a corrector can put on a page.
pub const ANNOTATION_KINDS: [&str; 9] = [
    "pen",
    "highlight",
    "text",
    "tick",
    "cross",
    "rect",
    "ellipse",
    "arrow",
    "stamp",
];

/// The most points one stroke may have.
pub const MAX_STROKE_POINTS: usize = 5000;
/// The longest text of a text box or a stamped comment, in characters.
pub const MAX_ANNOTATION_TEXT: usize = 2000;

/// Why a mark is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnnotationProblem {
    /// Not one of [`ANNOTATION_KINDS`].
    #[error(
        "unknown kind of mark `{0}`: expected pen, highlight, text, tick, cross, rect, ellipse, arrow or stamp"
    )]
    Kind(String),
    /// A field is missing or is not what the kind needs.
    #[error("the mark's `{0}` is missing or not a number")]
    Field(&'static str),
    /// A coordinate lies outside the page (0..1).
    #[error("the mark's `{0}` lies outside the page (coordinates go from 0 to 1)")]
    Outside(&'static str),
    /// A stroke with no point, or too many.
    #[error("a stroke has from 1 to {MAX_STROKE_POINTS} points")]
    Points,
    /// A text too long or empty.
    #[error("a mark's text has from 1 to {MAX_ANNOTATION_TEXT} characters")]
    Text,
    /// A colour that is not `#rrggbb`.
    #[error("a colour is written #rrggbb")]
    Color,
    /// A field the kind does not know.
    #[error("the mark has a field `{0}` its kind does not use")]
    Unknown(String),
}

fn coord(
    obj: &serde_json::Map<String, serde_json::Value>,
    key: &'static str,
) -> Result<f64, AnnotationProblem> {
    let v = obj
        .get(key)
        .and_then(serde_json::Value::as_f64)
        .ok_or(AnnotationProblem::Field(key))?;
    if !(0.0..=1.0).contains(&v) {
        return Err(AnnotationProblem::Outside(key));
    }
    Ok(v)
}

/// Checks a mark's data for its kind: geometry normalized to the page (0..1 from the page's
/// top-left), strokes of at most [`MAX_STROKE_POINTS`] points, texts of at most
/// [`MAX_ANNOTATION_TEXT`] characters, colours `#rrggbb`, no unknown field. Answers the data as
/// it will be stored.
pub fn check_annotation(
    kind: &str,
    data: &serde_json::Value,
) -> Result<serde_json::Value, AnnotationProblem> {
    use serde_json::Value;
    if !ANNOTATION_KINDS.contains(&kind) {
        return Err(AnnotationProblem::Kind(kind.chars().take(40).collect()));
    }
    let obj = data.as_object().ok_or(AnnotationProblem::Field("data"))?;
    let allowed: &[&str] = match kind {
        "pen" | "highlight" => &["points", "color", "width", "pressure"],
        "text" => &["x", "y", "text", "color", "size"],
        "tick" | "cross" => &["x", "y", "color", "size"],
        "stamp" => &["x", "y", "text", "color", "comment", "points_value"],
        _ => &["x1", "y1", "x2", "y2", "color", "width"],
    };
    if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(AnnotationProblem::Unknown(k.chars().take(40).collect()));
    }
    if let Some(c) = obj.get("color") {
        let ok = c.as_str().is_some_and(|c| {
            c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|h| h.is_ascii_hexdigit())
        });
        if !ok {
            return Err(AnnotationProblem::Color);
        }
    }
    // A stamp from the comment bank names its comment by id.
    if let Some(v) = obj.get("comment")
        && v.as_i64().is_none_or(|id| id <= 0)
    {
        return Err(AnnotationProblem::Field("comment"));
    }
    for k in ["width", "size", "points_value"] {
        // A stamped comment's points may be a penalty.
        let low = if k == "points_value" { -100.0 } else { 0.0 };
        if let Some(v) = obj.get(k)
            && !v
                .as_f64()
                .is_some_and(|n| n.is_finite() && (low..=100.0).contains(&n))
        {
            return Err(AnnotationProblem::Field(match k {
                "width" => "width",
                "size" => "size",
                _ => "points_value",
            }));
        }
    }
    match kind {
        "pen" | "highlight" => {
            let pts = obj
                .get("points")
                .and_then(Value::as_array)
                .ok_or(AnnotationProblem::Field("points"))?;
            if pts.is_empty() || pts.len() > MAX_STROKE_POINTS {
                return Err(AnnotationProblem::Points);
            }
            for p in pts {
                let xy = p.as_array().ok_or(AnnotationProblem::Field("points"))?;
                if xy.len() != 2 {
                    return Err(AnnotationProblem::Field("points"));
                }
                for v in xy {
                    let v = v.as_f64().ok_or(AnnotationProblem::Field("points"))?;
                    if !(0.0..=1.0).contains(&v) {
                        return Err(AnnotationProblem::Outside("points"));
                    }
                }
            }
            if let Some(pr) = obj.get("pressure") {
                let ok = pr.as_array().is_some_and(|a| {
                    a.len() == pts.len()
                        && a.iter()
                            .all(|v| v.as_f64().is_some_and(|n| (0.0..=1.0).contains(&n)))
                });
                if !ok {
                    return Err(AnnotationProblem::Field("pressure"));
                }
            }
        }
        "text" | "stamp" => {
            coord(obj, "x")?;
            coord(obj, "y")?;
            let t = obj
                .get("text")
                .and_then(Value::as_str)
                .ok_or(AnnotationProblem::Field("text"))?;
            let n = t.chars().count();
            if n == 0 || n > MAX_ANNOTATION_TEXT {
                return Err(AnnotationProblem::Text);
            }
        }
        "tick" | "cross" => {
            coord(obj, "x")?;
            coord(obj, "y")?;
        }
        _ => {
            for k in ["x1", "y1", "x2", "y2"] {
                coord(obj, k)?;
            }
        }
    }
    Ok(data.clone())
}

/// The longest comment of the bank, in characters.
pub const MAX_COMMENT_TEXT: usize = 500;

/// Why a comment of the bank is refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum CommentProblem {
    /// Empty or too long.
    #[error("a comment has from 1 to {MAX_COMMENT_TEXT} characters")]
    Text,
    /// Not a multiple of 0.25, or beyond ±100.
    #[error("a comment's points go by quarter points, from -100 to 100")]
    Points,
}

/// A comment's text (trimmed) and its point value in quarter points (negative: a penalty).
pub fn check_comment(
    text: &str,
    points: Option<f64>,
) -> Result<(String, Option<i64>), CommentProblem> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_COMMENT_TEXT {
        return Err(CommentProblem::Text);
    }
    let quarters = match points {
        None => None,
        Some(p) => {
            let q = p * 4.0;
            if !p.is_finite() || q.fract() != 0.0 || !(-400.0..=400.0).contains(&q) {
                return Err(CommentProblem::Points);
            }
            Some(q as i64)
        }
    };
    Ok((text.to_string(), quarters))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::{Points, SchemeNode};

    fn scheme() -> Scheme {
        let leaf = |id: &str, label: &str| SchemeNode {
            id: id.into(),
            label: label.into(),
            max_points: Some(Points(8)),
            children: vec![],
        };
        Scheme {
            nodes: vec![
                SchemeNode {
                    id: "ex1".into(),
                    label: "Exercice 1".into(),
                    max_points: None,
                    children: vec![leaf("q1", "1"), leaf("q2", "2")],
                },
                leaf("q3", "Exercice 2"),
            ],
        }
    }

    #[test]
    fn an_exercise_stands_for_its_questions_and_every_question_has_one_corrector() {
        let s = scheme();
        let d = dispatch_by_questions(
            &s,
            &[
                (UserId(1), vec!["ex1".into()]),
                (UserId(2), vec!["q3".into()]),
            ],
        )
        .unwrap();
        assert_eq!(d["q1"], UserId(1));
        assert_eq!(d["q2"], UserId(1));
        assert_eq!(d["q3"], UserId(2));
        assert_eq!(d.len(), 3);
    }

    #[test]
    fn a_dispatch_by_questions_names_what_is_wrong() {
        let s = scheme();
        assert_eq!(
            dispatch_by_questions(&s, &[(UserId(1), vec!["ex1".into()])]),
            Err(QuestionShareProblem::Uncovered(vec!["Exercice 2".into()]))
        );
        assert_eq!(
            dispatch_by_questions(
                &s,
                &[
                    (UserId(1), vec!["ex1".into(), "q3".into()]),
                    (UserId(2), vec!["q2".into()])
                ]
            ),
            Err(QuestionShareProblem::Twice("Exercice 1 · 2".into()))
        );
        assert_eq!(
            dispatch_by_questions(&s, &[(UserId(1), vec!["nope".into()])]),
            Err(QuestionShareProblem::Unknown("nope".into()))
        );
        assert_eq!(
            dispatch_by_questions(&s, &[]),
            Err(QuestionShareProblem::NoCorrector)
        );
        let msg = QuestionShareProblem::Uncovered(vec!["a".into(), "b".into()]).to_string();
        assert_eq!(
            msg,
            "nobody grades a, b: give every question to a corrector"
        );
    }

    fn share(id: i64) -> Share {
        Share {
            corrector: UserId(id),
            weight: 1.0,
        }
    }

    fn copies(n: i64) -> Vec<DispatchCopy> {
        (1..=n)
            .map(|id| DispatchCopy {
                id,
                corrector: None,
                started: false,
            })
            .collect()
    }

    fn counts(d: &BTreeMap<i64, UserId>) -> BTreeMap<i64, usize> {
        let mut c = BTreeMap::new();
        for u in d.values() {
            *c.entry(u.0).or_insert(0) += 1;
        }
        c
    }

    #[test]
    fn copies_are_balanced_within_one() {
        for n in [0, 1, 7, 30, 31, 101] {
            for k in 1..=6 {
                let shares: Vec<Share> = (1..=k).map(share).collect();
                let d = dispatch_by_copies(&copies(n), &shares, 42).unwrap();
                assert_eq!(d.len(), n as usize);
                let c = counts(&d);
                let (min, max) = (
                    (1..=k)
                        .map(|u| c.get(&u).copied().unwrap_or(0))
                        .min()
                        .unwrap(),
                    (1..=k)
                        .map(|u| c.get(&u).copied().unwrap_or(0))
                        .max()
                        .unwrap(),
                );
                assert!(max - min <= 1, "{n} copies, {k} correctors: {c:?}");
            }
        }
    }

    #[test]
    fn started_copies_never_move_and_the_rest_rebalances() {
        // Corrector 1 started 10 copies; corrector 2 joins: the other 20 go mostly to them.
        let mut all = copies(30);
        for c in all.iter_mut().take(10) {
            c.corrector = Some(UserId(1));
            c.started = true;
        }
        let d = dispatch_by_copies(&all, &[share(1), share(2)], 7).unwrap();
        for c in all.iter().take(10) {
            assert_eq!(d[&c.id], UserId(1), "started copy {} moved", c.id);
        }
        let c = counts(&d);
        assert_eq!((c[&1], c[&2]), (15, 15));
        // A corrector who left keeps their started copies; untouched ones are dealt again.
        let mut all = copies(6);
        all[0].corrector = Some(UserId(9));
        all[0].started = true;
        all[1].corrector = Some(UserId(9));
        let d = dispatch_by_copies(&all, &[share(1), share(2)], 1).unwrap();
        assert_eq!(d[&1], UserId(9));
        assert_ne!(d[&2], UserId(9));
    }

    #[test]
    fn a_second_run_moves_nothing_that_is_balanced() {
        let shares = [share(1), share(2), share(3)];
        let first = dispatch_by_copies(&copies(30), &shares, 3).unwrap();
        let again: Vec<DispatchCopy> = copies(30)
            .into_iter()
            .map(|mut c| {
                c.corrector = Some(first[&c.id]);
                c
            })
            .collect();
        assert_eq!(dispatch_by_copies(&again, &shares, 99).unwrap(), first);
    }

    #[test]
    fn weights_share_in_proportion() {
        let shares = [
            share(1),
            Share {
                corrector: UserId(2),
                weight: 0.5,
            },
        ];
        let c = counts(&dispatch_by_copies(&copies(30), &shares, 5).unwrap());
        assert_eq!((c[&1], c[&2]), (20, 10));
        assert_eq!(targets(7, &[share(1), share(2), share(3)]), [3, 2, 2]);
    }

    #[test]
    fn random_but_reproducible() {
        let shares = [share(1), share(2)];
        let a = dispatch_by_copies(&copies(20), &shares, 11).unwrap();
        assert_eq!(a, dispatch_by_copies(&copies(20), &shares, 11).unwrap());
        assert_ne!(a, dispatch_by_copies(&copies(20), &shares, 12).unwrap());
    }

    #[test]
    fn marks_are_checked_for_their_kind() {
        use serde_json::json;
        let ok = [
            (
                "pen",
                json!({"points": [[0.1, 0.2], [0.15, 0.25]], "color": "#c0392b", "width": 2}),
            ),
            ("highlight", json!({"points": [[0.0, 1.0]]})),
            ("text", json!({"x": 0.5, "y": 0.5, "text": "Très bien"})),
            ("tick", json!({"x": 0.9, "y": 0.1})),
            ("rect", json!({"x1": 0.1, "y1": 0.1, "x2": 0.3, "y2": 0.2})),
            (
                "stamp",
                json!({"x": 0.2, "y": 0.3, "text": "Unité manquante", "points_value": 0.5}),
            ),
        ];
        for (kind, data) in ok {
            assert!(check_annotation(kind, &data).is_ok(), "{kind} {data}");
        }
        let bad = [
            ("laser", json!({}), AnnotationProblem::Kind("laser".into())),
            ("pen", json!({"points": []}), AnnotationProblem::Points),
            (
                "pen",
                json!({"points": [[1.2, 0.5]]}),
                AnnotationProblem::Outside("points"),
            ),
            (
                "tick",
                json!({"x": -0.1, "y": 0.5}),
                AnnotationProblem::Outside("x"),
            ),
            (
                "text",
                json!({"x": 0.1, "y": 0.1, "text": ""}),
                AnnotationProblem::Text,
            ),
            (
                "text",
                json!({"x": 0.1, "y": 0.1, "text": "é".repeat(2001)}),
                AnnotationProblem::Text,
            ),
            (
                "cross",
                json!({"x": 0.1, "y": 0.1, "color": "red"}),
                AnnotationProblem::Color,
            ),
            (
                "arrow",
                json!({"x1": 0.1, "y1": 0.1, "x2": 0.2}),
                AnnotationProblem::Field("y2"),
            ),
            (
                "tick",
                json!({"x": 0.1, "y": 0.1, "script": "x"}),
                AnnotationProblem::Unknown("script".into()),
            ),
        ];
        for (kind, data, why) in bad {
            assert_eq!(check_annotation(kind, &data), Err(why), "{kind} {data}");
        }
        let long: Vec<[f64; 2]> = vec![[0.5, 0.5]; MAX_STROKE_POINTS + 1];
        assert_eq!(
            check_annotation("pen", &json!({ "points": long })),
            Err(AnnotationProblem::Points)
        );
    }

    #[test]
    fn bad_shares_are_refused() {
        assert_eq!(
            dispatch_by_copies(&copies(3), &[], 1),
            Err(DispatchProblem::NoCorrector)
        );
        assert_eq!(
            dispatch_by_copies(
                &copies(3),
                &[Share {
                    corrector: UserId(1),
                    weight: 0.0
                }],
                1
            ),
            Err(DispatchProblem::BadWeight)
        );
        assert_eq!(
            dispatch_by_copies(&copies(3), &[share(1), share(1)], 1),
            Err(DispatchProblem::Duplicate)
        );
    }

    #[test]
    fn comments_have_a_text_and_quarter_points_either_way() {
        assert_eq!(
            check_comment("  Unité manquante ", Some(-0.5)),
            Ok(("Unité manquante".to_string(), Some(-2)))
        );
        assert_eq!(check_comment("Bien", None), Ok(("Bien".to_string(), None)));
        assert_eq!(check_comment("   ", None), Err(CommentProblem::Text));
        assert_eq!(
            check_comment(&"a".repeat(MAX_COMMENT_TEXT + 1), None),
            Err(CommentProblem::Text)
        );
        assert_eq!(check_comment("x", Some(0.3)), Err(CommentProblem::Points));
        assert_eq!(check_comment("x", Some(101.0)), Err(CommentProblem::Points));
        assert_eq!(
            check_comment("x", Some(f64::NAN)),
            Err(CommentProblem::Points)
        );
        assert!(
            check_annotation(
                "stamp",
                &serde_json::json!({"x": 0.5, "y": 0.5, "text": "−0,5", "points_value": -0.5})
            )
            .is_ok()
        );
    }

    #[test]
    fn a_stamp_names_its_comment_by_id() {
        let stamp = |comment: serde_json::Value| {
            check_annotation(
                "stamp",
                &serde_json::json!({"x": 0.5, "y": 0.5, "text": "Justifiez", "comment": comment}),
            )
        };
        assert!(stamp(serde_json::json!(3)).is_ok());
        for bad in [
            serde_json::json!("3"),
            serde_json::json!(0),
            serde_json::json!(-1),
        ] {
            assert_eq!(stamp(bad), Err(AnnotationProblem::Field("comment")));
        }
    }
}
