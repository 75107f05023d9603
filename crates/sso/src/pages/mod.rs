//! The provider's pages: the one sign-in (with its second step), a person's own security
//! pages (second factor, sign-in history, connected applications), consent, and the Dinas's
//! pages for clients and the second-factor policy.

pub mod client_list;
pub mod client_show;
pub mod connected;
pub mod consent;
pub mod policy;
pub mod second_factor;
pub mod sign_in;
pub mod sign_ins;
pub mod two_factor;
