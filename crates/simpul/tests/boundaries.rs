//! The walls between contexts, checked over every source file of the workspace: each table has
//! exactly one owning module, a crate names only its own module's tables, and no crate names
//! another crate's `store`. Other contexts are reached through their facades (`org::directory`,
//! `sso::clients`, `accounts::…`). This runs in CI with the rest of the suite.

use std::path::{Path, PathBuf};

use simpul::MODULES;

/// Every table `schema.rs` declares.
fn schema_tables() -> Vec<String> {
    let text = include_str!("../../db/src/schema.rs");
    let mut out = vec![];
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "diesel::table! {"
            && let Some(header) = lines
                .by_ref()
                .find(|l| l.contains('(') && l.trim_end().ends_with('{'))
            && let Some(name) = header.split_whitespace().next()
        {
            out.push(name.to_owned());
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The identifiers a source file takes from `db::schema` (`use db::schema::{a, b as t}`,
/// `db::schema::a::table`, `use db::schema::a::dsl`).
fn schema_names(source: &str) -> Vec<String> {
    let mut names = vec![];
    for (at, _) in source.match_indices("schema::") {
        let rest = source.get(at + "schema::".len()..).unwrap_or("");
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or("");
            names.extend(
                inner
                    .split(',')
                    // `a as t` names `a`.
                    .map(|n| n.split(" as ").next().unwrap_or(""))
                    .map(|n| n.trim().split("::").next().unwrap_or("").trim().to_owned())
                    .filter(|n| !n.is_empty()),
            );
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                names.push(name);
            }
        }
    }
    names
}

/// Whether `source` names `krate`'s store module (`krate::store`, `krate::inventory::store`).
fn names_store_of(source: &str, krate: &str) -> bool {
    let prefix = format!("{krate}::");
    source.match_indices(&prefix).any(|(at, _)| {
        // A longer crate name ending in this one (`xorg::`) is not this crate.
        let before = source.get(..at).and_then(|s| s.chars().last());
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            return false;
        }
        let path: String = source
            .get(at + prefix.len()..)
            .unwrap_or("")
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        path.split("::").any(|segment| segment == "store")
    })
}

#[test]
fn every_table_has_exactly_one_owning_module() {
    let tables = schema_tables();
    assert!(tables.len() > 20, "schema.rs parsed: {tables:?}");
    for t in &tables {
        let owners: Vec<&str> = MODULES
            .iter()
            .filter(|m| m.tables.contains(&t.as_str()))
            .map(|m| m.name)
            .collect();
        assert_eq!(owners.len(), 1, "table {t} is owned by {owners:?}");
    }
    for m in MODULES {
        for t in m.tables {
            assert!(
                tables.iter().any(|x| x == t),
                "module {} declares {t}, which schema.rs does not have",
                m.name
            );
        }
    }
}

#[test]
fn no_crate_names_another_contexts_store_or_tables() {
    let root = crates_dir();
    let mut crates: Vec<(String, Vec<&str>)> = MODULES
        .iter()
        .map(|m| (m.name.to_owned(), m.tables.to_vec()))
        .collect();
    // The binary and the test harness own no tables.
    crates.push(("simpul".into(), vec![]));
    crates.push(("test-support".into(), vec![]));
    let mut problems = vec![];
    let mut checked = 0;
    for (krate, own) in &crates {
        let mut files = vec![];
        rust_files(&root.join(krate), &mut files);
        for file in files {
            if file.ends_with("boundaries.rs") {
                continue;
            }
            let Ok(source) = std::fs::read_to_string(&file) else {
                continue;
            };
            checked += 1;
            for name in schema_names(&source) {
                if !own.contains(&name.as_str()) {
                    problems.push(format!(
                        "{} names table {name} of another context",
                        file.display()
                    ));
                }
            }
            for m in MODULES.iter().filter(|m| m.name != krate) {
                if names_store_of(&source, m.name) {
                    problems.push(format!("{} names the store of {}", file.display(), m.name));
                }
            }
        }
    }
    assert!(checked > 100, "the source tree was found ({checked} files)");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checks_themselves_catch_what_they_look_for() {
    assert_eq!(
        schema_names("use db::schema::{agencies, people::dsl};\nlet n = db::schema::users::table;"),
        ["agencies", "people", "users"]
    );
    assert!(names_store_of("let a = org::store::agency_all(c);", "org"));
    assert!(names_store_of(
        "use registry::inventory::store;",
        "registry"
    ));
    assert!(!names_store_of("org::directory::agency(c, id)", "org"));
    assert!(!names_store_of("xorg::store::x", "org"));
}
