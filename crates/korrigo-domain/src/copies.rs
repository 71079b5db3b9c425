//! Copies: their grading states and the only transitions between them, and their anonymous
//! codes. (The scan pipeline and the grading desk build on these.)

use serde::Serialize;

/// Where a copy is in its life. Identification is orthogonal: a copy can be graded before or
/// after it is linked to a student.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CopyStatus {
    /// Its pages are still being extracted and derived.
    Processing,
    /// Gradable, nobody has started.
    Ready,
    /// A corrector has started grading it.
    Grading,
    /// Finalized by its corrector: immutable until a manager reopens it.
    Graded,
    /// Its final PDF is being generated.
    Finalizing,
    /// The final PDF could not be generated; generation can be retried.
    FinalizeFailed,
}

/// What can happen to a copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CopyEvent {
    /// The scan pipeline finished its pages.
    PagesReady,
    /// A corrector saved a first score or annotation.
    StartGrading,
    /// The corrector finalized it (every question scored, appreciation present).
    Finalize,
    /// A manager reopened it (journaled); any final PDF is invalidated.
    Reopen,
    /// Final PDF generation started.
    StartPdf,
    /// The final PDF was written.
    PdfDone,
    /// The final PDF could not be written.
    PdfFailed,
}

/// A transition that does not exist from the current state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a copy in state {from:?} cannot {event:?}")]
pub struct IllegalTransition {
    /// The current state.
    pub from: CopyStatus,
    /// The refused event.
    pub event: CopyEvent,
}

/// The stored form read back (the store decodes rows with it: an unknown status is a
/// corrupt row, never a silent default).
impl TryFrom<String> for CopyStatus {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        CopyStatus::parse(&s).ok_or_else(|| format!("unknown copy status `{s}`"))
    }
}

impl CopyStatus {
    /// The stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            CopyStatus::Processing => "PROCESSING",
            CopyStatus::Ready => "READY",
            CopyStatus::Grading => "GRADING",
            CopyStatus::Graded => "GRADED",
            CopyStatus::Finalizing => "FINALIZING",
            CopyStatus::FinalizeFailed => "FINALIZE_FAILED",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Option<CopyStatus> {
        [
            CopyStatus::Processing,
            CopyStatus::Ready,
            CopyStatus::Grading,
            CopyStatus::Graded,
            CopyStatus::Finalizing,
            CopyStatus::FinalizeFailed,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }

    /// The state after `event`, or why it is refused. This is the only place transitions are
    /// defined.
    pub fn apply(self, event: CopyEvent) -> Result<CopyStatus, IllegalTransition> {
        use CopyEvent as E;
        use CopyStatus as S;
        let next = match (self, event) {
            (S::Processing, E::PagesReady) => S::Ready,
            (S::Ready, E::StartGrading) => S::Grading,
            (S::Grading, E::Finalize) => S::Graded,
            (S::Graded | S::Finalizing | S::FinalizeFailed, E::Reopen) => S::Grading,
            (S::Graded | S::FinalizeFailed, E::StartPdf) => S::Finalizing,
            (S::Finalizing, E::PdfDone) => S::Graded,
            (S::Finalizing, E::PdfFailed) => S::FinalizeFailed,
            (from, event) => return Err(IllegalTransition { from, event }),
        };
        Ok(next)
    }

    /// Whether scores and annotations may change (only while grading).
    pub fn is_editable(self) -> bool {
        matches!(self, CopyStatus::Ready | CopyStatus::Grading)
    }
}

/// The alphabet of anonymous codes: no 0/O, 1/I/L, 5/S or 2/Z look-alikes when read aloud.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRTUVWXY346789";

/// An anonymous code (`K7M-4Q2`) from 6 random bytes: reveals nothing about the student or the
/// scan order (the caller draws the bytes from a CSPRNG and retries on a collision within
/// the exam).
pub fn anonymous_code(random: [u8; 6]) -> String {
    let c: Vec<char> = random
        .iter()
        .map(|b| CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()] as char)
        .collect();
    format!("{}{}{}-{}{}{}", c[0], c[1], c[2], c[3], c[4], c[5])
}

#[cfg(test)]
mod tests {
    use super::*;
    use CopyEvent as E;
    use CopyStatus as S;

    #[test]
    fn transition_table() {
        let all_states = [
            S::Processing,
            S::Ready,
            S::Grading,
            S::Graded,
            S::Finalizing,
            S::FinalizeFailed,
        ];
        let all_events = [
            E::PagesReady,
            E::StartGrading,
            E::Finalize,
            E::Reopen,
            E::StartPdf,
            E::PdfDone,
            E::PdfFailed,
        ];
        let legal = [
            (S::Processing, E::PagesReady, S::Ready),
            (S::Ready, E::StartGrading, S::Grading),
            (S::Grading, E::Finalize, S::Graded),
            (S::Graded, E::Reopen, S::Grading),
            (S::Finalizing, E::Reopen, S::Grading),
            (S::FinalizeFailed, E::Reopen, S::Grading),
            (S::Graded, E::StartPdf, S::Finalizing),
            (S::FinalizeFailed, E::StartPdf, S::Finalizing),
            (S::Finalizing, E::PdfDone, S::Graded),
            (S::Finalizing, E::PdfFailed, S::FinalizeFailed),
        ];
        for from in all_states {
            for event in all_events {
                let expected = legal
                    .iter()
                    .find(|(f, e, _)| *f == from && *e == event)
                    .map(|(_, _, to)| *to);
                match expected {
                    Some(to) => assert_eq!(from.apply(event), Ok(to), "{from:?} + {event:?}"),
                    None => assert_eq!(
                        from.apply(event),
                        Err(IllegalTransition { from, event }),
                        "{from:?} + {event:?}"
                    ),
                }
            }
        }
        // Graded copies are immutable until reopened.
        assert!(!S::Graded.is_editable() && S::Grading.is_editable());
        for s in all_states {
            assert_eq!(S::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn anonymous_codes_look_like_k7m_4q2() {
        let c = anonymous_code([0, 1, 2, 3, 4, 255]);
        assert_eq!(c.len(), 7);
        assert_eq!(&c[3..4], "-");
        assert!(
            c.chars()
                .all(|ch| ch == '-' || CODE_ALPHABET.contains(&(ch as u8)))
        );
        assert!(!c.contains(['0', 'O', '1', 'I', 'L']));
    }
}
