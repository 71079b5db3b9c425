//! Authorization rules: one function per rule, each answering "may this actor do that?".
//!
//! The web layer never decides on its own; it asks these functions (through the use cases in
//! `korrigo-app`), so every rule lives in exactly one place and is unit-tested here.

use crate::{Role, UserId};
use serde::{Deserialize, Serialize};

/// Who is acting: the logged-in user's id and global role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The user's id.
    pub id: UserId,
    /// The user's global role.
    pub role: Role,
}

/// A user's membership in one exam.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExamRole {
    /// Runs the exam: roster, scans, identification, dispatch, moderation, release, exports.
    Manager,
    /// Grades the copies (or questions) assigned to them, anonymously.
    Corrector,
}

impl ExamRole {
    /// The stable name used in the database and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ExamRole::Manager => "manager",
            ExamRole::Corrector => "corrector",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Result<ExamRole, String> {
        match s {
            "manager" => Ok(ExamRole::Manager),
            "corrector" => Ok(ExamRole::Corrector),
            other => Err(format!(
                "unknown exam role `{other}`: expected manager or corrector"
            )),
        }
    }
}

/// The actor may not do what they asked. Carries no detail on purpose: the client learns only
/// that it is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("you are not allowed to do this")]
pub struct Forbidden;

fn allow(ok: bool) -> Result<(), Forbidden> {
    if ok { Ok(()) } else { Err(Forbidden) }
}

/// Managing user accounts, settings, the audit log: admins only.
pub fn administer(actor: &Actor) -> Result<(), Forbidden> {
    allow(actor.role == Role::Admin)
}

/// Staff pages and staff API (exams, roster views): admins and teachers.
pub fn use_staff_area(actor: &Actor) -> Result<(), Forbidden> {
    allow(actor.role.is_staff())
}

/// Creating an exam: teachers (who become its manager) and admins.
pub fn create_exam(actor: &Actor) -> Result<(), Forbidden> {
    allow(actor.role.is_staff())
}

/// Managing one exam (roster, scans, identification, dispatch, release, exports): its
/// managers, and admins. `membership` is the actor's membership in that exam, if any.
pub fn manage_exam(actor: &Actor, membership: Option<ExamRole>) -> Result<(), Forbidden> {
    allow(
        actor.role == Role::Admin
            || (actor.role == Role::Teacher && membership == Some(ExamRole::Manager)),
    )
}

/// Grading in one exam: its correctors and managers (a manager may grade too), and admins.
/// What exactly a corrector may open is narrowed further by the dispatch.
pub fn grade_in_exam(actor: &Actor, membership: Option<ExamRole>) -> Result<(), Forbidden> {
    allow(actor.role == Role::Admin || (actor.role == Role::Teacher && membership.is_some()))
}

/// Seeing students' identities in one exam (names, header crops): managers and admins only,
/// never correctors.
pub fn see_identities(actor: &Actor, membership: Option<ExamRole>) -> Result<(), Forbidden> {
    manage_exam(actor, membership)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor {
            id: UserId(1),
            role,
        }
    }

    #[test]
    fn rules_table() {
        use ExamRole::*;
        use Role::*;
        // (role, membership, administer, manage, grade, identities)
        let table = [
            (Admin, None, true, true, true, true),
            (Teacher, None, false, false, false, false),
            (Teacher, Some(Manager), false, true, true, true),
            (Teacher, Some(Corrector), false, false, true, false),
            (Student, None, false, false, false, false),
            // A student listed as a member by mistake still gets nothing.
            (Student, Some(Manager), false, false, false, false),
        ];
        for (role, m, adm, man, gr, ids) in table {
            let a = actor(role);
            assert_eq!(administer(&a).is_ok(), adm, "{role:?} {m:?} administer");
            assert_eq!(manage_exam(&a, m).is_ok(), man, "{role:?} {m:?} manage");
            assert_eq!(grade_in_exam(&a, m).is_ok(), gr, "{role:?} {m:?} grade");
            assert_eq!(
                see_identities(&a, m).is_ok(),
                ids,
                "{role:?} {m:?} identities"
            );
        }
        assert!(use_staff_area(&actor(Teacher)).is_ok());
        assert!(use_staff_area(&actor(Student)).is_err());
        assert!(create_exam(&actor(Student)).is_err());
    }
}
