//! Hosting requests (KT 9.3, MU 6.3, BT 10.3): an agency asks for room in the Dinas's data
//! center for one of its applications, with the resources it needs; the Dinas approves it onto
//! one of its servers or rejects it with a reason; the agency may withdraw a pending request.
//! Every step is recorded and the other side is notified. The rules here are plain functions.

pub mod api;
pub mod pages;
pub mod service;
pub(crate) mod store;

use kernel::FieldError;
use kernel::validate::Checker;
use serde::Deserialize;

use crate::inventory::ServerId;
use crate::model::ApplicationId;

kernel::id_type!(
    /// A request for room in the Dinas's data center.
    HostingRequestId
);

kernel::text_enum! {
    /// Where a request stands.
    pub enum HostingStatus {
        /// Waiting for the Dinas.
        Submitted = "submitted",
        /// Placed on a server.
        Approved = "approved",
        /// Refused, with a reason.
        Rejected = "rejected",
        /// Taken back by the agency.
        Withdrawn = "withdrawn",
    }
}

kernel::text_enum! {
    /// A step on a request.
    pub enum Decision {
        /// The Dinas places it on a server.
        Approve = "approve",
        /// The Dinas refuses it.
        Reject = "reject",
        /// The agency takes it back.
        Withdraw = "withdraw",
    }
}

impl Decision {
    /// Whether the Dinas takes this step (else the agency).
    pub fn by_dinas(self) -> bool {
        matches!(self, Self::Approve | Self::Reject)
    }
}

/// The status after `d`, or why it cannot be taken: only a pending request moves; a
/// rejection or withdrawal needs a reason, an approval a server.
pub fn decide(
    from: HostingStatus,
    d: Decision,
    note: &str,
    server: Option<ServerId>,
) -> Result<HostingStatus, FieldError> {
    if from != HostingStatus::Submitted {
        return Err(FieldError::new("action", "error-transition")
            .arg("status", from.as_str())
            .arg("action", d.as_str()));
    }
    match d {
        Decision::Approve if server.is_none() => Err(FieldError::new("server_id", "error-choose")),
        Decision::Approve => Ok(HostingStatus::Approved),
        Decision::Reject | Decision::Withdraw if note.trim().is_empty() => {
            Err(FieldError::new("note", "error-note-needed"))
        }
        Decision::Reject => Ok(HostingStatus::Rejected),
        Decision::Withdraw => Ok(HostingStatus::Withdrawn),
    }
}

/// A request as typed or sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HostingDraft {
    /// The application to host (the agency is its owner).
    #[serde(default)]
    pub application_id: String,
    /// CPU cores needed.
    #[serde(default, deserialize_with = "crate::inventory::text")]
    pub cpu_cores: String,
    /// Memory needed (GB).
    #[serde(default, deserialize_with = "crate::inventory::text")]
    pub memory_gb: String,
    /// Storage needed (GB).
    #[serde(default, deserialize_with = "crate::inventory::text")]
    pub storage_gb: String,
    /// What it is for, what it runs on.
    #[serde(default)]
    pub note: String,
}

/// A request, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hosting {
    /// Application.
    pub application_id: ApplicationId,
    /// Cores.
    pub cpu_cores: i32,
    /// Memory.
    pub memory_gb: i32,
    /// Storage.
    pub storage_gb: i32,
    /// Note.
    pub note: String,
}

/// Checks a request's resources: whole numbers within what one data center can give.
pub fn validate(d: &HostingDraft) -> Result<Hosting, Vec<FieldError>> {
    let mut c = Checker::default();
    let application_id = if d.application_id.trim().is_empty() {
        c.push(FieldError::new("application_id", "error-choose"));
        None
    } else {
        let id = ApplicationId::parse(&d.application_id);
        if id.is_none() {
            c.push(FieldError::new(
                "application_id",
                "error-application-unknown",
            ));
        }
        id
    };
    let mut need = |field: &str, v: &str, max: i32| {
        let n = v
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|n| (1..=max).contains(n));
        if n.is_none() {
            c.push(
                FieldError::new(field, "error-number")
                    .arg("min", 1)
                    .arg("max", max),
            );
        }
        n
    };
    let cpu = need("cpu_cores", &d.cpu_cores, 256);
    let mem = need("memory_gb", &d.memory_gb, 4096);
    let disk = need("storage_gb", &d.storage_gb, 100_000);
    let note = c.text("note", &d.note, 2000);
    match (c.errors.is_empty(), application_id, cpu, mem, disk) {
        (true, Some(application_id), Some(cpu_cores), Some(memory_gb), Some(storage_gb)) => {
            Ok(Hosting {
                application_id,
                cpu_cores,
                memory_gb,
                storage_gb,
                note,
            })
        }
        _ => Err(c.errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_pending_request_is_decided_and_each_decision_needs_its_reason() {
        use Decision as D;
        use HostingStatus as S;
        assert_eq!(
            decide(S::Submitted, D::Approve, "", Some(ServerId::new())),
            Ok(S::Approved)
        );
        assert_eq!(
            decide(S::Submitted, D::Approve, "ok", None)
                .unwrap_err()
                .field,
            "server_id"
        );
        assert_eq!(
            decide(S::Submitted, D::Reject, " ", None)
                .unwrap_err()
                .field,
            "note"
        );
        assert_eq!(
            decide(S::Submitted, D::Withdraw, "tidak jadi", None),
            Ok(S::Withdrawn)
        );
        for done in [S::Approved, S::Rejected, S::Withdrawn] {
            assert_eq!(
                decide(done, D::Approve, "x", Some(ServerId::new()))
                    .unwrap_err()
                    .key,
                "error-transition"
            );
        }
        assert!(D::Approve.by_dinas() && D::Reject.by_dinas() && !D::Withdraw.by_dinas());
    }

    #[test]
    fn resources_are_whole_numbers_in_range() {
        let ok = validate(&HostingDraft {
            application_id: ApplicationId::new().to_string(),
            cpu_cores: "4".into(),
            memory_gb: "8".into(),
            storage_gb: "100".into(),
            note: "Aplikasi Laravel + PostgreSQL".into(),
        })
        .unwrap();
        assert_eq!((ok.cpu_cores, ok.memory_gb, ok.storage_gb), (4, 8, 100));
        let e = validate(&HostingDraft {
            cpu_cores: "0".into(),
            memory_gb: "banyak".into(),
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<String> = e.into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "application_id",
                "cpu_cores",
                "memory_gb",
                "storage_gb",
                "note"
            ]
        );
    }
}
