//! Rebuilds this crate when a migration is added or changed: the migrations are embedded at
//! compile time, and cargo would not otherwise notice a new migration folder.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
