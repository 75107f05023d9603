//! The authoritative DNS server (`SIMPUL_DNS_ADDR`, UDP and TCP): answers from an in-memory
//! snapshot of the zone, rebuilt when the zone's serial, the region's domain or the TSIG keys
//! change (every instance watches the database, so several instances on PostgreSQL answer
//! alike within a second); transfers the zone to the secondaries of `SIMPUL_DNS_SECONDARIES`
//! (AXFR, and IXFR answered with the whole zone, RFC 1995 4), signed with the Dinas's TSIG
//! keys; and sends them NOTIFY on change (RFC 1996), once across all instances.

pub mod answer;
pub mod rrl;
pub mod sign;
pub mod snapshot;
pub mod tsig;

mod server;
mod transfer;

pub use server::{Secondary, Status, secondaries, start, status};
