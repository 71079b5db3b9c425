//! Grading rules that need no I/O: how copies are shared among correctors (the dispatch).
//!
//! A dispatch by copies shares an exam's copies among its correctors at random, balanced
//! (with equal weights, the counts differ by at most one, copies already assigned included),
//! and never moves a copy whose grading has started.

use crate::UserId;
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
