//! The Dinas's pages for single sign-on clients.

pub mod client_list;
pub mod client_show;
pub mod connected;
