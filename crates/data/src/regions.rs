//! Kemendagri region codes: `32` a province, `32.04` a regency or city, `32.04.05` a district,
//! `32.04.05.2001` a village. The decree's whole list (Kepmendagri 300.2.2-2138 of 2025: 38
//! provinces, 514 regencies and cities, 7,285 districts, 83,762 villages) ships with the binary
//! in `kemendagri/`, as idn-area-data 4.0.1 publishes it under the ODbL. A decree lags behind
//! new districts and villages, so a region may add codes of its own (`data_region_codes`);
//! checks take those additions as a plain value.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use kernel::FieldError;

/// The province's name, if `code` is one.
pub fn province(code: &str) -> Option<&'static str> {
    if code.len() == 2 { shipped(code) } else { None }
}

const FILES: [&str; 4] = [
    include_str!("../kemendagri/provinces.csv"),
    include_str!("../kemendagri/regencies.csv"),
    include_str!("../kemendagri/districts.csv"),
    include_str!("../kemendagri/villages.csv"),
];

/// The shipped list, sorted by code (read once, on first use: 91,599 codes, ≈20 ms).
static LIST: LazyLock<Vec<(Box<str>, Box<str>)>> = LazyLock::new(|| {
    let mut list = Vec::with_capacity(92_000);
    for file in FILES {
        let mut reader = csv::Reader::from_reader(file.as_bytes());
        for record in reader.records().flatten() {
            // The first column is the code, the last the name (between: the parent's code).
            if let (Some(code), Some(name)) = (record.get(0), record.iter().next_back()) {
                list.push((code.into(), name.into()));
            }
        }
    }
    list.sort_unstable_by(|a: &(Box<str>, Box<str>), b| a.0.cmp(&b.0));
    list
});

/// The name of a code in the shipped list.
pub fn shipped(code: &str) -> Option<&'static str> {
    let list = &*LIST;
    list.binary_search_by(|(c, _)| (**c).cmp(code))
        .ok()
        .and_then(|i| list.get(i))
        .map(|(_, name)| &**name)
}

/// How many codes ship with the binary.
pub fn shipped_count() -> usize {
    LIST.len()
}

/// Codes the region added to the shipped list, with their names.
pub type Added = BTreeMap<String, String>;

/// How a region code is checked.
#[derive(Clone, Copy)]
pub enum Check<'a> {
    /// Only its shape (a filter's value: one matching nothing finds nothing).
    Shape,
    /// Against the shipped list and the region's additions.
    Listed(&'a Added),
}

impl Check<'_> {
    /// Whether `code` passes.
    pub fn accepts(&self, code: &str) -> bool {
        match self {
            Self::Shape => valid_shape(code),
            Self::Listed(added) => added.contains_key(code) || shipped(code).is_some(),
        }
    }
}

/// A code's name, from the list or the region's additions.
pub fn name<'a>(code: &str, added: &'a Added) -> Option<&'a str> {
    shipped(code).or_else(|| added.get(code).map(String::as_str))
}

/// The code one level up (`32.04.05` → `32.04`), none for a province.
pub fn parent(code: &str) -> Option<&str> {
    code.rsplit_once('.').map(|(p, _)| p)
}

/// The codes one level below `parent` (the provinces without one), shipped and added, in
/// code order.
pub fn children(parent_code: Option<&str>, added: &Added) -> Vec<(String, String)> {
    let below = |code: &str| parent(code) == parent_code;
    let mut out: BTreeMap<String, String> = match parent_code {
        None => LIST
            .iter()
            .filter(|(c, _)| below(c))
            .map(|(c, n)| (c.to_string(), n.to_string()))
            .collect(),
        Some(p) => {
            let list = &*LIST;
            let prefix = format!("{p}.");
            let start = list.partition_point(|(c, _)| **c < *prefix);
            list.get(start..)
                .unwrap_or_default()
                .iter()
                .take_while(|(c, _)| c.starts_with(&prefix))
                .filter(|(c, _)| below(c))
                .map(|(c, n)| (c.to_string(), n.to_string()))
                .collect()
        }
    };
    for (c, n) in added.iter().filter(|(c, _)| below(c)) {
        out.insert(c.clone(), n.clone());
    }
    out.into_iter().collect()
}

/// Whether `code` has a region code's shape: a known province, then two-digit regency and
/// district parts and a four-digit village part, dot-separated.
pub fn valid_shape(code: &str) -> bool {
    let mut parts = code.split('.');
    let Some(first) = parts.next() else {
        return false;
    };
    if province(first).is_none() {
        return false;
    }
    let widths = [2, 2, 4];
    for (n, part) in parts.enumerate() {
        let Some(width) = widths.get(n) else {
            return false;
        };
        if part.len() != *width || !part.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    true
}

/// A coverage as typed (codes separated by spaces or commas), normalised to one space between;
/// every code must pass `check`.
pub fn parse_coverage(field: &str, text: &str, check: Check<'_>) -> Result<String, FieldError> {
    let codes: Vec<&str> = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|c| !c.is_empty())
        .collect();
    if let Some(bad) = codes.iter().find(|c| !check.accepts(c)) {
        return Err(FieldError::new(field, "data-error-region").arg("code", (*bad).to_owned()));
    }
    Ok(codes.join(" "))
}

/// A coverage with each code's name beside it ("32.04 Kabupaten Bandung").
pub fn describe(coverage: &str, added: &Added) -> String {
    coverage
        .split_whitespace()
        .map(|c| match name(c, added) {
            Some(n) => format!("{c} {n}"),
            None => c.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_list_knows_every_level_and_nothing_else() {
        assert_eq!(shipped("32"), Some("Jawa Barat"));
        assert_eq!(shipped("32.04"), Some("Kabupaten Bandung"));
        assert_eq!(shipped("32.04.05"), Some("Cileunyi"));
        assert_eq!(shipped("11.01.01.2001"), Some("Keude Bakongan"));
        assert_eq!(
            shipped("35.29.22"),
            Some("Ra\"as"),
            "a quoted name is read whole"
        );
        assert_eq!(shipped("32.99"), None);
        assert_eq!(shipped("32.04.99"), None);
        assert!(shipped_count() > 91_000, "{}", shipped_count());
    }

    #[test]
    fn a_listed_check_takes_the_regions_additions_and_a_shape_check_any_shape() {
        let mut added = Added::new();
        added.insert("32.99".into(), "Kabupaten Sukamaju".into());
        let listed = Check::Listed(&added);
        assert!(listed.accepts("32.04.05"));
        assert!(listed.accepts("32.99"));
        assert!(!listed.accepts("32.98"));
        assert!(!Check::Listed(&Added::new()).accepts("32.99"));
        assert!(Check::Shape.accepts("32.98.01"));
        assert!(Check::Shape.accepts("32.01.05.2001"));
        assert!(!Check::Shape.accepts("10"));
        assert!(!Check::Shape.accepts("32.1"));
        assert!(!Check::Shape.accepts("32.01.05.201"));
        assert!(!Check::Shape.accepts("32.01.05.2001.1"));
        assert!(!Check::Shape.accepts("32-01"));
        assert!(!Check::Shape.accepts(""));
        assert_eq!(province("64"), Some("Kalimantan Timur"));
        assert_eq!(province("64.08"), None);
    }

    #[test]
    fn children_are_one_level_down_with_the_additions_among_them() {
        let mut added = Added::new();
        added.insert("32.04.99".into(), "Kecamatan Baru".into());
        added.insert("32.04.99.2001".into(), "Desa Baru".into());
        let districts = children(Some("32.04"), &added);
        assert_eq!(districts.first().map(|d| d.0.as_str()), Some("32.04.05"));
        assert_eq!(
            districts.last(),
            Some(&("32.04.99".into(), "Kecamatan Baru".into()))
        );
        assert!(districts.iter().all(|(c, _)| parent(c) == Some("32.04")));
        assert_eq!(children(None, &added).len(), 38);
        assert_eq!(children(Some("32.04.99"), &added).len(), 1);
        assert!(children(Some("99"), &added).is_empty());
    }

    #[test]
    fn a_coverage_is_normalised_named_and_names_a_bad_code() {
        let added = Added::new();
        let check = Check::Listed(&added);
        assert_eq!(
            parse_coverage("c", " 64.08,64.08.01  ", check).unwrap(),
            "64.08 64.08.01"
        );
        let e = parse_coverage("c", "64.08, 99.01", check).unwrap_err();
        assert_eq!(e.key, "data-error-region");
        assert_eq!(
            describe("32.04 32.99", &added),
            "32.04 Kabupaten Bandung, 32.99"
        );
    }
}
