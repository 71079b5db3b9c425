//! Scan batches and the grouping of their pages into copies.

use crate::exams::PageLayout;
use serde::Serialize;

/// Where a batch is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchStatus {
    /// Chunks are still arriving.
    Uploading,
    /// Complete, waiting for a worker.
    Queued,
    /// A worker is extracting its pages.
    Processing,
    /// The same file (same SHA-256) was already uploaded to this exam: waiting for the manager
    /// to process it anyway or discard it.
    Duplicate,
    /// Pages extracted and grouped into copies.
    Done,
    /// Refused (bad file) or failed; `error` says why. Nothing of it was imported.
    Failed,
}

/// The stored form read back (the store decodes rows with it: an unknown status is a
/// corrupt row, never a silent default).
impl TryFrom<String> for BatchStatus {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        BatchStatus::parse(&s).ok_or_else(|| format!("unknown batch status `{s}`"))
    }
}

impl BatchStatus {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            BatchStatus::Uploading => "uploading",
            BatchStatus::Queued => "queued",
            BatchStatus::Processing => "processing",
            BatchStatus::Duplicate => "duplicate",
            BatchStatus::Done => "done",
            BatchStatus::Failed => "failed",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<BatchStatus> {
        use BatchStatus::*;
        [Uploading, Queued, Processing, Duplicate, Done, Failed]
            .into_iter()
            .find(|b| b.as_str() == s)
    }

    /// The one transition table of batches: the states a batch may come to `self` from.
    /// A complete upload is queued; a worker processes it (again, when it resumes a job whose
    /// worker died); processing ends done, failed, or waiting as a duplicate; a duplicate the
    /// manager accepts is queued again; a batch whose job gives up fails.
    pub fn reachable_from(self) -> &'static [BatchStatus] {
        use BatchStatus::*;
        match self {
            Uploading => &[],
            Queued => &[Uploading, Duplicate],
            Processing => &[Queued, Processing],
            Duplicate => &[Processing],
            Done => &[Processing],
            Failed => &[Queued, Processing],
        }
    }

    /// Whether a batch in this state may become `next`.
    pub fn can_become(self, next: BatchStatus) -> bool {
        next.reachable_from().contains(&self)
    }
}

/// How a batch's pages become copies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    /// Every N pages (the exam's pages per copy; 4 for A3 sheets).
    Fixed,
    /// A page with a name header starts a new copy (a student's two sheets make one copy).
    Headers,
    /// No copies: the pages wait in the repair desk to be inserted into copies (rescans).
    Loose,
}

impl Grouping {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Grouping::Fixed => "fixed",
            Grouping::Headers => "headers",
            Grouping::Loose => "loose",
        }
    }

    /// Parses the stored or typed form.
    pub fn parse(s: &str) -> Result<Grouping, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fixed" => Ok(Grouping::Fixed),
            "headers" => Ok(Grouping::Headers),
            "loose" => Ok(Grouping::Loose),
            other => Err(format!(
                "unknown grouping `{other}`: expected fixed, headers or loose"
            )),
        }
    }

    /// The default for a layout: A3 copies doubles are grouped by their headers (a student may
    /// use two sheets), A4 copies by their fixed page count.
    pub fn default_for(layout: PageLayout) -> Grouping {
        match layout {
            PageLayout::A3 => Grouping::Headers,
            PageLayout::A4 { .. } => Grouping::Fixed,
        }
    }
}

/// Pages per copy a layout expects (an A3 sheet makes 4).
pub fn pages_per_copy(layout: PageLayout) -> usize {
    match layout {
        PageLayout::A4 { pages } => pages as usize,
        PageLayout::A3 => 4,
    }
}

/// Whether a copy of `count` pages has the page count the layout expects (A3 copies may hold
/// several sheets).
pub fn expected_count(layout: PageLayout, count: usize) -> bool {
    match layout {
        PageLayout::A4 { pages } => count == pages as usize,
        PageLayout::A3 => count > 0 && count.is_multiple_of(4),
    }
}

/// One copy made by grouping: indexes into the batch's pages, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub pages: Vec<usize>,
    /// The page count differs from what the layout expects, or the copy does not start with a
    /// header page in header grouping: a manager should look at it.
    pub flagged: bool,
}

/// Groups a batch's pages (in reading order; `has_header[i]` says whether page `i` carries a
/// name header) into copies. Header grouping falls back to fixed grouping when no page has a
/// header (the wrong paper, or a header too faint to see), so that nothing is left out.
pub fn group(has_header: &[bool], grouping: Grouping, layout: PageLayout) -> Vec<Group> {
    let n = pages_per_copy(layout).max(1);
    let fixed = || {
        (0..has_header.len())
            .collect::<Vec<_>>()
            .chunks(n)
            .map(|c| Group {
                pages: c.to_vec(),
                flagged: !expected_count(layout, c.len()),
            })
            .collect::<Vec<_>>()
    };
    match grouping {
        Grouping::Loose => Vec::new(),
        Grouping::Fixed => fixed(),
        Grouping::Headers if !has_header.iter().any(|h| *h) => fixed()
            .into_iter()
            .map(|g| Group { flagged: true, ..g })
            .collect(),
        Grouping::Headers => {
            let mut out: Vec<Group> = Vec::new();
            for (i, h) in has_header.iter().enumerate() {
                match out.last_mut() {
                    Some(g) if !h => g.pages.push(i),
                    _ => out.push(Group {
                        pages: vec![i],
                        flagged: !h,
                    }),
                }
            }
            for g in &mut out {
                g.flagged |= !expected_count(layout, g.pages.len());
            }
            out
        }
    }
}

/// The order of a page within its batch: A4 pages in scan order; A3 halves by sheet (recto and
/// verso) and then by their page number within the sheet.
pub fn order_key(source_index: usize, a3: bool, sheet_page: u8) -> i64 {
    if a3 {
        (source_index / 2) as i64 * 4 + (sheet_page.clamp(1, 4) - 1) as i64
    } else {
        source_index as i64 * 4
    }
}

/// A rotation a manager may set: 0, 90, 180 or 270 degrees clockwise.
pub fn parse_rotation(degrees: i64) -> Result<u16, String> {
    match degrees {
        0 | 90 | 180 | 270 => Ok(degrees as u16),
        other => Err(format!(
            "rotation must be 0, 90, 180 or 270 degrees, not {other}"
        )),
    }
}

#[cfg(test)]
mod transition_tests {
    use super::BatchStatus::{self, *};

    #[test]
    fn batch_transitions_table() {
        let all = [Uploading, Queued, Processing, Duplicate, Done, Failed];
        let legal = [
            (Uploading, Queued),
            (Queued, Processing),
            (Queued, Failed),
            (Processing, Processing),
            (Processing, Duplicate),
            (Processing, Done),
            (Processing, Failed),
            (Duplicate, Queued),
        ];
        for from in all {
            for to in all {
                assert_eq!(
                    from.can_become(to),
                    legal.contains(&(from, to)),
                    "{} → {}",
                    from.as_str(),
                    to.as_str()
                );
            }
        }
        // Done and failed batches never move again.
        let terminal: [BatchStatus; 2] = [Done, Failed];
        for t in terminal {
            assert!(all.iter().all(|&to| !t.can_become(to)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A4_2: PageLayout = PageLayout::A4 { pages: 2 };

    #[test]
    fn fixed_grouping_cuts_every_n_pages_and_flags_a_short_last_copy() {
        let g = group(&[false; 5], Grouping::Fixed, A4_2);
        assert_eq!(g.len(), 3);
        assert_eq!(g[0].pages, [0, 1]);
        assert!(!g[0].flagged && !g[1].flagged);
        assert_eq!(g[2].pages, [4]);
        assert!(g[2].flagged);
    }

    #[test]
    fn header_grouping_joins_a_students_two_sheets() {
        let mut h = vec![false; 12];
        h[0] = true;
        h[4] = true;
        let g = group(&h, Grouping::Headers, PageLayout::A3);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].pages, [0, 1, 2, 3]);
        assert_eq!(g[1].pages, (4..12).collect::<Vec<_>>());
        assert!(
            !g[0].flagged && !g[1].flagged,
            "8 pages = two sheets, expected"
        );
    }

    #[test]
    fn header_grouping_flags_pages_before_the_first_header_and_odd_counts() {
        let h = [false, true, false, false, false, true, false];
        let g = group(&h, Grouping::Headers, PageLayout::A3);
        assert_eq!(g.len(), 3);
        assert_eq!(g[0].pages, [0]);
        assert!(g[0].flagged);
        assert_eq!(g[1].pages, [1, 2, 3, 4]);
        assert!(!g[1].flagged);
        assert!(g[2].flagged, "2 pages is not a whole sheet");
    }

    #[test]
    fn header_grouping_without_any_header_falls_back_to_fixed_and_flags() {
        let g = group(&[false; 8], Grouping::Headers, PageLayout::A3);
        assert_eq!(g.len(), 2);
        assert!(g.iter().all(|g| g.flagged));
        assert!(group(&[true; 3], Grouping::Loose, A4_2).is_empty());
    }

    #[test]
    fn a3_order_keys_put_the_four_pages_of_a_sheet_in_order() {
        // Recto (source 0) gives pages 1 and 4, verso (source 1) pages 2 and 3.
        let mut keys = [
            (order_key(0, true, 4), 4),
            (order_key(0, true, 1), 1),
            (order_key(1, true, 2), 2),
            (order_key(1, true, 3), 3),
            (order_key(2, true, 1), 5),
        ];
        keys.sort();
        assert_eq!(keys.map(|k| k.1), [1, 2, 3, 4, 5]);
        assert!(order_key(1, false, 1) > order_key(0, false, 1));
    }

    #[test]
    fn statuses_and_groupings_round_trip() {
        for s in [
            "uploading",
            "queued",
            "processing",
            "duplicate",
            "done",
            "failed",
        ] {
            assert_eq!(BatchStatus::parse(s).unwrap().as_str(), s);
        }
        assert_eq!(Grouping::parse(" Headers ").unwrap(), Grouping::Headers);
        assert!(Grouping::parse("random").is_err());
        assert_eq!(Grouping::default_for(PageLayout::A3), Grouping::Headers);
        assert!(parse_rotation(45).is_err());
        assert_eq!(parse_rotation(270), Ok(270));
    }
}
