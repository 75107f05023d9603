//! Kemendagri region codes (Permendagri on administrative region codes): `32` a province,
//! `32.01` a regency or city, `32.01.01` a district, `32.01.01.2001` a village. The provinces
//! ship with the binary; deeper codes are checked by their structure and their province.

use kernel::FieldError;

/// The 38 provinces by code.
pub const PROVINCES: [(&str, &str); 38] = [
    ("11", "Aceh"),
    ("12", "Sumatera Utara"),
    ("13", "Sumatera Barat"),
    ("14", "Riau"),
    ("15", "Jambi"),
    ("16", "Sumatera Selatan"),
    ("17", "Bengkulu"),
    ("18", "Lampung"),
    ("19", "Kepulauan Bangka Belitung"),
    ("21", "Kepulauan Riau"),
    ("31", "DKI Jakarta"),
    ("32", "Jawa Barat"),
    ("33", "Jawa Tengah"),
    ("34", "DI Yogyakarta"),
    ("35", "Jawa Timur"),
    ("36", "Banten"),
    ("51", "Bali"),
    ("52", "Nusa Tenggara Barat"),
    ("53", "Nusa Tenggara Timur"),
    ("61", "Kalimantan Barat"),
    ("62", "Kalimantan Tengah"),
    ("63", "Kalimantan Selatan"),
    ("64", "Kalimantan Timur"),
    ("65", "Kalimantan Utara"),
    ("71", "Sulawesi Utara"),
    ("72", "Sulawesi Tengah"),
    ("73", "Sulawesi Selatan"),
    ("74", "Sulawesi Tenggara"),
    ("75", "Gorontalo"),
    ("76", "Sulawesi Barat"),
    ("81", "Maluku"),
    ("82", "Maluku Utara"),
    ("91", "Papua"),
    ("92", "Papua Barat"),
    ("93", "Papua Selatan"),
    ("94", "Papua Tengah"),
    ("95", "Papua Pegunungan"),
    ("96", "Papua Barat Daya"),
];

/// The province's name, if `code` is one.
pub fn province(code: &str) -> Option<&'static str> {
    PROVINCES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, name)| *name)
}

/// Whether `code` is a region code: a known province, then two-digit regency and district
/// parts and a four-digit village part, dot-separated.
pub fn valid_code(code: &str) -> bool {
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
/// every code must be a region code.
pub fn parse_coverage(field: &str, text: &str) -> Result<String, FieldError> {
    let codes: Vec<&str> = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|c| !c.is_empty())
        .collect();
    if let Some(bad) = codes.iter().find(|c| !valid_code(c)) {
        return Err(FieldError::new(field, "data-error-region").arg("code", (*bad).to_owned()));
    }
    Ok(codes.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_checked_by_province_and_shape() {
        assert!(valid_code("32"));
        assert!(valid_code("32.01"));
        assert!(valid_code("32.01.05"));
        assert!(valid_code("32.01.05.2001"));
        assert!(!valid_code("10"));
        assert!(!valid_code("32.1"));
        assert!(!valid_code("32.01.05.201"));
        assert!(!valid_code("32.01.05.2001.1"));
        assert!(!valid_code("32-01"));
        assert!(!valid_code(""));
        assert_eq!(province("64"), Some("Kalimantan Timur"));
    }

    #[test]
    fn a_coverage_is_normalised_and_names_a_bad_code() {
        assert_eq!(
            parse_coverage("c", " 64.08,64.08.01  ").unwrap(),
            "64.08 64.08.01"
        );
        let e = parse_coverage("c", "64.08, 99.01").unwrap_err();
        assert_eq!(e.key, "data-error-region");
    }
}
