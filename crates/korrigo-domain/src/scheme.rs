//! Marking schemes: a tree of exercises → questions → sub-questions whose leaves carry maximum
//! points in steps of 0.25. Every node has a stable id that survives renames and moves; scores
//! are keyed by it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::HashSet;
use std::fmt;

/// Points in quarter points: `Points(6)` is 1.5 points. Never a float in arithmetic.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(pub u32);

impl Points {
    /// The largest value accepted for one node (1000 points).
    pub const MAX: Points = Points(4000);

    /// Parses a decimal number of points (`2`, `1.25`, `0,5`): a multiple of 0.25, from 0 to
    /// 1000.
    pub fn parse(raw: &str) -> Result<Points, String> {
        let s = raw.trim().replace(',', ".");
        let v: f64 = s
            .parse()
            .map_err(|_| format!("`{raw}` is not a number of points"))?;
        Points::from_f64(v)
    }

    /// Converts a decimal value, refusing anything that is not a multiple of 0.25.
    pub fn from_f64(v: f64) -> Result<Points, String> {
        if !v.is_finite() || v < 0.0 {
            return Err(format!("{v} is not a valid number of points"));
        }
        let q = v * 4.0;
        if (q - q.round()).abs() > 1e-9 {
            return Err(format!("{v} is not a multiple of 0.25"));
        }
        let p = Points(q.round() as u32);
        if p > Points::MAX {
            return Err(format!("{v} points is more than the maximum of 1000"));
        }
        Ok(p)
    }

    /// The value as a decimal number (exact: quarters are binary fractions).
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 4.0
    }
}

impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 4;
        match self.0 % 4 {
            0 => write!(f, "{whole}"),
            1 => write!(f, "{whole}.25"),
            2 => write!(f, "{whole}.5"),
            _ => write!(f, "{whole}.75"),
        }
    }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Points, D::Error> {
        let v = f64::deserialize(d)?;
        Points::from_f64(v).map_err(serde::de::Error::custom)
    }
}

/// A node of the scheme as stored and exchanged: `max_points` only on leaves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemeNode {
    /// Stable id (`q-…`). Empty or absent for a node the editor just created: the server
    /// assigns one.
    #[serde(default)]
    pub id: String,
    /// The label shown to correctors and students ("Exercice 1", "a)", ...).
    pub label: String,
    /// Maximum points of a leaf.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_points: Option<Points>,
    /// Children (questions of an exercise, sub-questions of a question).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<SchemeNode>,
}

/// A marking scheme: the exercises, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scheme {
    /// Top-level nodes (exercises).
    pub nodes: Vec<SchemeNode>,
}

/// The deepest level: exercise (1) → question (2) → sub-question (3).
pub const MAX_DEPTH: usize = 3;
/// The most nodes a scheme may have.
pub const MAX_NODES: usize = 500;

/// Why a scheme was refused; each names the node concerned by its label.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SchemeProblem {
    /// A node without a label.
    #[error("a node at position {path} has no label")]
    EmptyLabel {
        /// 1-based position, e.g. `2.1`.
        path: String,
    },
    /// A leaf without points.
    #[error("`{label}` has no maximum points")]
    LeafWithoutPoints {
        /// The leaf's label.
        label: String,
    },
    /// A leaf worth 0.
    #[error("`{label}` is worth 0 points")]
    ZeroPoints {
        /// The leaf's label.
        label: String,
    },
    /// A parent with its own points.
    #[error("`{label}` has sub-questions, so its points are their total and cannot be set")]
    PointsOnParent {
        /// The parent's label.
        label: String,
    },
    /// Too deep.
    #[error("`{label}` is nested too deeply (exercise → question → sub-question at most)")]
    TooDeep {
        /// The node's label.
        label: String,
    },
    /// Two nodes share an id.
    #[error("the id `{id}` is used twice")]
    DuplicateId {
        /// The id.
        id: String,
    },
    /// A malformed id.
    #[error("`{id}` is not a valid node id")]
    BadId {
        /// The id.
        id: String,
    },
    /// Too many nodes.
    #[error("the scheme has more than {MAX_NODES} nodes")]
    TooManyNodes,
    /// A label over 200 characters.
    #[error("the label at position {path} is longer than 200 characters")]
    LabelTooLong {
        /// 1-based position.
        path: String,
    },
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 40
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl Scheme {
    /// Validates the tree and assigns ids to new nodes with `new_id` (called once per node
    /// without an id). Labels are trimmed.
    pub fn normalize(
        mut self,
        mut new_id: impl FnMut() -> String,
    ) -> Result<Scheme, SchemeProblem> {
        let mut seen = HashSet::new();
        let mut count = 0;
        fn walk(
            nodes: &mut [SchemeNode],
            depth: usize,
            prefix: &str,
            seen: &mut HashSet<String>,
            count: &mut usize,
            new_id: &mut dyn FnMut() -> String,
        ) -> Result<(), SchemeProblem> {
            for (i, n) in nodes.iter_mut().enumerate() {
                let path = if prefix.is_empty() {
                    format!("{}", i + 1)
                } else {
                    format!("{prefix}.{}", i + 1)
                };
                *count += 1;
                if *count > MAX_NODES {
                    return Err(SchemeProblem::TooManyNodes);
                }
                n.label = n.label.trim().to_string();
                if n.label.is_empty() {
                    return Err(SchemeProblem::EmptyLabel { path });
                }
                if n.label.chars().count() > 200 {
                    return Err(SchemeProblem::LabelTooLong { path });
                }
                if depth > MAX_DEPTH {
                    return Err(SchemeProblem::TooDeep {
                        label: n.label.clone(),
                    });
                }
                if n.id.trim().is_empty() {
                    n.id = new_id();
                }
                n.id = n.id.trim().to_string();
                if !valid_id(&n.id) {
                    return Err(SchemeProblem::BadId { id: n.id.clone() });
                }
                if !seen.insert(n.id.clone()) {
                    return Err(SchemeProblem::DuplicateId { id: n.id.clone() });
                }
                if n.children.is_empty() {
                    match n.max_points {
                        None => {
                            return Err(SchemeProblem::LeafWithoutPoints {
                                label: n.label.clone(),
                            });
                        }
                        Some(Points(0)) => {
                            return Err(SchemeProblem::ZeroPoints {
                                label: n.label.clone(),
                            });
                        }
                        Some(_) => {}
                    }
                } else {
                    if n.max_points.is_some() {
                        return Err(SchemeProblem::PointsOnParent {
                            label: n.label.clone(),
                        });
                    }
                    walk(&mut n.children, depth + 1, &path, seen, count, new_id)?;
                }
            }
            Ok(())
        }
        walk(&mut self.nodes, 1, "", &mut seen, &mut count, &mut new_id)?;
        Ok(self)
    }

    /// The grand total.
    pub fn total(&self) -> Points {
        Points(self.nodes.iter().map(|n| node_total(n).0).sum())
    }

    /// Every leaf (question that carries a score), in order: id, label path, maximum.
    pub fn leaves(&self) -> Vec<(String, String, Points)> {
        fn walk(nodes: &[SchemeNode], prefix: &str, out: &mut Vec<(String, String, Points)>) {
            for n in nodes {
                let label = if prefix.is_empty() {
                    n.label.clone()
                } else {
                    format!("{prefix} · {}", n.label)
                };
                if n.children.is_empty() {
                    out.push((n.id.clone(), label, n.max_points.unwrap_or_default()));
                } else {
                    walk(&n.children, &label, out);
                }
            }
        }
        let mut out = vec![];
        walk(&self.nodes, "", &mut out);
        out
    }
}

impl Scheme {
    /// The leaves under the node `id` (itself when it is a leaf), in order; `None` when no
    /// node has that id.
    pub fn leaves_under(&self, id: &str) -> Option<Vec<String>> {
        fn find<'n>(nodes: &'n [SchemeNode], id: &str) -> Option<&'n SchemeNode> {
            nodes.iter().find_map(|n| {
                if n.id == id {
                    Some(n)
                } else {
                    find(&n.children, id)
                }
            })
        }
        fn collect(n: &SchemeNode, out: &mut Vec<String>) {
            if n.children.is_empty() {
                out.push(n.id.clone());
            }
            for c in &n.children {
                collect(c, out);
            }
        }
        let node = find(&self.nodes, id)?;
        let mut out = vec![];
        collect(node, &mut out);
        Some(out)
    }
}

/// The total of one node: its points for a leaf, the sum of its children otherwise.
pub fn node_total(n: &SchemeNode) -> Points {
    if n.children.is_empty() {
        n.max_points.unwrap_or_default()
    } else {
        Points(n.children.iter().map(|c| node_total(c).0).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(id: &str, label: &str, pts: f64) -> SchemeNode {
        SchemeNode {
            id: id.into(),
            label: label.into(),
            max_points: Some(Points::from_f64(pts).unwrap()),
            children: vec![],
        }
    }

    fn parent(id: &str, label: &str, children: Vec<SchemeNode>) -> SchemeNode {
        SchemeNode {
            id: id.into(),
            label: label.into(),
            max_points: None,
            children,
        }
    }

    fn ids() -> impl FnMut() -> String {
        let mut n = 0;
        move || {
            n += 1;
            format!("new-{n}")
        }
    }

    #[test]
    fn quarter_points_only() {
        assert_eq!(Points::parse("1.25"), Ok(Points(5)));
        assert_eq!(Points::parse("0,5"), Ok(Points(2)));
        assert_eq!(Points::parse("3"), Ok(Points(12)));
        assert!(
            Points::parse("0.3")
                .unwrap_err()
                .contains("multiple of 0.25")
        );
        assert!(Points::parse("-1").is_err());
        assert!(Points::parse("abc").is_err());
        assert!(Points::parse("1001").is_err());
        assert_eq!(Points(7).to_string(), "1.75");
        assert_eq!(serde_json::to_string(&Points(6)).unwrap(), "1.5");
        assert!(serde_json::from_str::<Points>("0.1").is_err());
    }

    #[test]
    fn totals_roll_up() {
        let s = Scheme {
            nodes: vec![
                parent(
                    "e1",
                    "Exercice 1",
                    vec![
                        leaf("q1", "1", 2.0),
                        parent("q2", "2", vec![leaf("a", "a", 0.75), leaf("b", "b", 1.25)]),
                    ],
                ),
                leaf("e2", "Exercice 2", 4.5),
            ],
        };
        let s = s.normalize(ids()).unwrap();
        assert_eq!(s.total(), Points::from_f64(8.5).unwrap());
        assert_eq!(node_total(&s.nodes[0]).to_string(), "4");
        let leaves: Vec<String> = s.leaves().into_iter().map(|(_, l, _)| l).collect();
        assert_eq!(
            leaves,
            [
                "Exercice 1 · 1",
                "Exercice 1 · 2 · a",
                "Exercice 1 · 2 · b",
                "Exercice 2"
            ]
        );
    }

    #[test]
    fn stable_ids_survive_rename_and_move() {
        let s = Scheme {
            nodes: vec![parent(
                "",
                "Exercice 1",
                vec![leaf("", "Question 1", 2.0), leaf("", "Question 2", 3.0)],
            )],
        }
        .normalize(ids())
        .unwrap();
        let q2 = s.nodes[0].children[1].id.clone();
        // The editor renames question 2 and moves it to a new exercise; new nodes get new ids.
        let mut edited = s.clone();
        let mut moved = edited.nodes[0].children.remove(1);
        moved.label = "Question unique".into();
        edited.nodes.push(parent("", "Exercice 2", vec![moved]));
        let mut later = 0;
        let edited = edited
            .normalize(|| {
                later += 1;
                format!("later-{later}")
            })
            .unwrap();
        assert_eq!(edited.nodes[1].children[0].id, q2);
        assert_eq!(edited.nodes[0].id, s.nodes[0].id);
        assert_ne!(edited.nodes[1].id, q2);
        let all: HashSet<String> = edited.leaves().into_iter().map(|(id, ..)| id).collect();
        assert_eq!(all.len(), 2);
    }

    #[test]
    fn problems_are_named() {
        let bad = |s: Scheme| s.normalize(ids()).unwrap_err().to_string();
        assert!(
            bad(Scheme {
                nodes: vec![parent("", "Ex", vec![])]
            })
            .contains("`Ex` has no maximum points")
        );
        assert!(
            bad(Scheme {
                nodes: vec![leaf("", " ", 1.0)]
            })
            .contains("position 1")
        );
        assert!(
            bad(Scheme {
                nodes: vec![leaf("x", "A", 1.0), leaf("x", "B", 1.0)]
            })
            .contains("`x` is used twice")
        );
        let mut p = parent("", "Ex", vec![leaf("", "a", 1.0)]);
        p.max_points = Some(Points(4));
        assert!(bad(Scheme { nodes: vec![p] }).contains("cannot be set"));
        let deep = parent(
            "",
            "1",
            vec![parent(
                "",
                "2",
                vec![parent("", "3", vec![leaf("", "4", 1.0)])],
            )],
        );
        assert!(bad(Scheme { nodes: vec![deep] }).contains("too deeply"));
        assert!(
            bad(Scheme {
                nodes: vec![leaf("", "Z", 0.0)]
            })
            .contains("worth 0")
        );
        assert!(
            bad(Scheme {
                nodes: vec![leaf("a b", "Z", 1.0)]
            })
            .contains("not a valid node id")
        );
    }

    #[test]
    fn json_round_trip() {
        let s = Scheme {
            nodes: vec![parent("e1", "Ex 1", vec![leaf("q1", "a", 1.25)])],
        };
        let j = serde_json::to_string(&s).unwrap();
        assert_eq!(
            j,
            r#"{"nodes":[{"id":"e1","label":"Ex 1","children":[{"id":"q1","label":"a","max_points":1.25}]}]}"#
        );
        assert_eq!(serde_json::from_str::<Scheme>(&j).unwrap(), s);
    }
}
