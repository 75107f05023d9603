//! The accounts pages: one's own account, sign-out, the language switch, and a person's account
//! as the Dinas manages it.

pub mod account;
pub mod account_list;
pub mod lang;
pub mod person_account;
pub mod reset;
pub mod sign_out;
