//! The few SQL functions whose spelling differs between backends, or that diesel only
//! offers on one of them, written once for both.

use diesel::sql_types::Text;

diesel::define_sql_function! {
    /// `lower(text)`: the same on SQLite and PostgreSQL; case-insensitive search is
    /// `lower(column) LIKE lower(pattern)` because `ILIKE` exists only on PostgreSQL.
    fn lower(x: Text) -> Text;
}

/// A `LIKE` pattern that finds `needle` anywhere, with the wildcard characters escaped.
pub fn contains_pattern(needle: &str) -> String {
    let mut out = String::with_capacity(needle.len() + 2);
    out.push('%');
    for ch in needle.to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

diesel::define_sql_function! {
    /// `lower(text)` over a nullable column.
    #[sql_name = "lower"]
    fn lower_opt(x: diesel::sql_types::Nullable<Text>) -> diesel::sql_types::Nullable<Text>;
}
