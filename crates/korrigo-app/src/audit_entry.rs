//! The one way a use case builds an audit entry: who acted (a session, an account found by a
//! login, or nobody), what, on which object, from which client, with which facts.

use crate::ClientInfo;
use crate::accounts::AuthSession;
use korrigo_domain::UserId;
use korrigo_domain::audit::AuditAction;
use korrigo_store::audit::NewEntry;

/// An entry by the caller of a session (the command line acts as the system, id 0, which has
/// no account row and is recorded by name only).
pub(crate) fn by_session<'a>(
    s: &'a AuthSession,
    action: AuditAction,
    client: &'a ClientInfo,
) -> NewEntry<'a> {
    by(
        (s.user.id.0 > 0).then_some(s.user.id),
        Some(&s.user.username),
        action,
        client,
    )
}

/// An entry by an account that has no session yet (a login, an activation, the first admin).
pub(crate) fn by_account<'a>(
    id: UserId,
    username: &'a str,
    action: AuditAction,
    client: &'a ClientInfo,
) -> NewEntry<'a> {
    by(Some(id), Some(username), action, client)
}

/// An entry by nobody known (a failed login, a throttled attempt).
pub(crate) fn anonymous<'a>(action: AuditAction, client: &'a ClientInfo) -> NewEntry<'a> {
    by(None, None, action, client)
}

/// An entry by a background job, for the account that started it (no client).
pub(crate) fn by_job(actor: Option<UserId>, action: AuditAction) -> NewEntry<'static> {
    NewEntry {
        actor_id: actor,
        action: Some(action),
        ..NewEntry::default()
    }
}

fn by<'a>(
    actor_id: Option<UserId>,
    actor_username: Option<&'a str>,
    action: AuditAction,
    client: &'a ClientInfo,
) -> NewEntry<'a> {
    NewEntry {
        actor_id,
        actor_username,
        action: Some(action),
        object_type: None,
        object_id: None,
        ip: client.ip.as_deref(),
        user_agent: client.user_agent.as_deref(),
        details: None,
    }
}

/// The object and the facts of an entry.
pub(crate) trait EntryExt<'a>: Sized {
    /// The object acted on: its kind (`user`, `exam`, ...) and id.
    fn on(self, kind: &'a str, id: impl ToString) -> Self;
    /// Extra facts (never a password or a token).
    fn with(self, details: serde_json::Value) -> Self;
}

impl<'a> EntryExt<'a> for NewEntry<'a> {
    fn on(mut self, kind: &'a str, id: impl ToString) -> Self {
        self.object_type = Some(kind);
        self.object_id = Some(id.to_string());
        self
    }

    fn with(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_names_its_actor_object_client_and_facts() {
        let client = ClientInfo {
            ip: Some("10.0.0.7".into()),
            user_agent: Some("Firefox".into()),
        };
        let e = by_account(UserId(4), "alice", AuditAction::LoginSucceeded, &client)
            .on("user", 4)
            .with(serde_json::json!({"via": "form"}));
        assert_eq!(
            (
                e.actor_id,
                e.actor_username,
                e.object_type,
                e.object_id.as_deref()
            ),
            (Some(UserId(4)), Some("alice"), Some("user"), Some("4"))
        );
        assert_eq!((e.ip, e.user_agent), (Some("10.0.0.7"), Some("Firefox")));
        assert_eq!(e.details, Some(serde_json::json!({"via": "form"})));
        let a = anonymous(AuditAction::LoginFailed, &client);
        assert_eq!(
            (a.actor_id, a.actor_username, a.object_type),
            (None, None, None)
        );
    }
}
