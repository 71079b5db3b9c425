//! The interface's words, one table per area: (key, French, English). A key's first part
//! names its screen (`desk.save`); a test checks that no key is defined twice.

mod admin;
mod common;
mod exams;
mod grading;
mod identify;
mod roster;
mod scans;

/// Every area's table.
pub(super) const AREAS: &[&[(&str, &str, &str)]] = &[
    common::WORDS,
    admin::WORDS,
    roster::WORDS,
    exams::WORDS,
    scans::WORDS,
    identify::WORDS,
    grading::WORDS,
];
