//! The interface's words, one table per area: (key, French, English). A key's first part
//! names its screen (`desk.save`); a test checks that no key is defined twice.

mod admin;
mod common;
mod exams;
mod grading;
mod identify;
mod results;
mod roster;
mod scans;
mod student;

/// Every area's table.
pub(super) const AREAS: &[&[(&str, &str, &str)]] = &[
    common::WORDS,
    admin::WORDS,
    roster::WORDS,
    exams::WORDS,
    scans::WORDS,
    student::WORDS,
    results::WORDS,
    identify::WORDS,
    grading::WORDS,
];
