//! Korrigo's domain: the words of the product as types, and the rules that need no I/O.
//!
//! Everything here is pure: no database, no HTTP, no async. Inputs are parsed once at the edge
//! into these types, so a value that exists is a valid value (a [`Username`] is never empty, a
//! [`NewPassword`] always meets the password policy).

pub mod accounts;
pub mod adjust;
pub mod audit;
pub mod copies;
pub mod date;
pub mod exams;
pub mod gradebook;
pub mod grading;
pub mod identify;
pub mod ids;
pub mod jobs;
pub mod labels;
pub mod lattice;
pub mod marks;
pub mod paging;
pub mod policy;
pub mod pronote;
pub mod results;
pub mod roster;
pub mod scans;
pub mod scheme;
pub mod stats;
pub mod text;

pub use accounts::{DisplayName, Email, Locale, NewPassword, PasswordProblem, Role, Username};
pub use date::Date;
pub use ids::{ExamId, JobId, UserId};
pub use paging::{PageRequest, Paged};
pub use policy::{Actor, ExamRole, Forbidden};
