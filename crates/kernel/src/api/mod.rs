//! The kernel's own API endpoints.

pub mod audit_events;
