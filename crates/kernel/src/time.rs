//! Local time, dates and amounts as people in the region read and type them. Times are stored
//! in UTC; pages show them in the region's zone (WIB, WITA or WIT, which keep no daylight
//! saving, so a fixed offset is exact), dates as "2 Desember 2026", amounts as
//! "Rp150.000.000".

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};

use crate::i18n::Lang;

crate::text_enum! {
    /// Indonesia's three time zones.
    pub enum Zone {
        /// Waktu Indonesia Barat, UTC+7 (Sumatra, Java, West and Central Kalimantan).
        Wib = "WIB",
        /// Waktu Indonesia Tengah, UTC+8 (Bali, Nusa Tenggara, Sulawesi, East, South and
        /// North Kalimantan).
        Wita = "WITA",
        /// Waktu Indonesia Timur, UTC+9 (Maluku, Papua).
        Wit = "WIT",
    }
}

// `text_enum!` derives a fixed set, without `Default`.
#[expect(clippy::derivable_impls, reason = "the enum's derives are the macro's")]
impl Default for Zone {
    fn default() -> Self {
        Self::Wib
    }
}

impl Zone {
    /// Hours ahead of UTC.
    pub fn offset_hours(self) -> i64 {
        match self {
            Self::Wib => 7,
            Self::Wita => 8,
            Self::Wit => 9,
        }
    }

    /// A stored UTC time as the region's wall-clock time.
    pub fn local(self, utc: NaiveDateTime) -> NaiveDateTime {
        utc + TimeDelta::hours(self.offset_hours())
    }

    /// The UTC instant a local wall-clock time names.
    pub fn to_utc(self, local: NaiveDateTime) -> NaiveDateTime {
        local - TimeDelta::hours(self.offset_hours())
    }

    /// The region's calendar day at a UTC time.
    pub fn today_at(self, utc: NaiveDateTime) -> NaiveDate {
        self.local(utc).date()
    }
}

/// A value or a reference to one, as templates hand them over (a field, a loop's binding, a
/// reference to that).
pub trait Given<T: Copy> {
    /// The value.
    fn given(&self) -> T;
}

impl<T: Copy> Given<T> for T {
    fn given(&self) -> T {
        *self
    }
}

impl<T: Copy> Given<T> for &T {
    fn given(&self) -> T {
        **self
    }
}

impl<T: Copy> Given<T> for &&T {
    fn given(&self) -> T {
        ***self
    }
}

/// A count of any integer type, or a reference to one, as templates hand them over.
pub trait Whole {
    /// The count (saturating at `i64::MAX`).
    fn whole(&self) -> i64;
}

macro_rules! whole {
    ($($t:ty),*) => {$(
        impl Whole for $t {
            fn whole(&self) -> i64 {
                i64::try_from(*self).unwrap_or(i64::MAX)
            }
        }
    )*};
}
whole!(i32, i64, u32, u64, usize);

impl<T: Whole> Whole for &T {
    fn whole(&self) -> i64 {
        (**self).whole()
    }
}

const BULAN: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "2 Desember 2026" / "2 December 2026".
pub fn date(lang: Lang, d: NaiveDate) -> String {
    let names = match lang {
        Lang::Id => &BULAN,
        Lang::En => &MONTHS,
    };
    let month = names.get(d.month0() as usize).copied().unwrap_or_default();
    format!("{} {month} {}", d.day(), d.year())
}

/// "2 Desember 2026 13:28 WIB" for a stored UTC time.
pub fn date_time(lang: Lang, zone: Zone, utc: NaiveDateTime) -> String {
    let local = zone.local(utc);
    format!("{} {}", date(lang, local.date()), clock_local(zone, local))
}

/// "13:28 WIB" for a stored UTC time.
pub fn clock(zone: Zone, utc: NaiveDateTime) -> String {
    clock_local(zone, zone.local(utc))
}

fn clock_local(zone: Zone, local: NaiveDateTime) -> String {
    format!("{} {zone}", local.format("%H:%M"))
}

/// Digits grouped in threes: "150.000.000" in Indonesian, "150,000,000" in English.
pub fn number(lang: Lang, n: i64) -> String {
    let sep = match lang {
        Lang::Id => '.',
        Lang::En => ',',
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// "Rp150.000.000" (the Indonesian way of writing rupiah, also in English pages).
pub fn rupiah(n: i64) -> String {
    format!("Rp{}", number(Lang::Id, n))
}

/// A whole amount of rupiah as people type it: "150000000", "Rp 150.000.000", "150.000.000,00",
/// "Rp150,000,000". `None` when it is not a whole, non-negative amount.
pub fn parse_rupiah(text: &str) -> Option<i64> {
    let mut t = text.trim();
    for prefix in ["Rp.", "Rp", "rp.", "rp", "RP.", "RP", "IDR"] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.trim_start();
            break;
        }
    }
    // Zero cents written out ("150.000,00" / "150,000.00") are a whole amount.
    let t = t
        .strip_suffix(",00")
        .or_else(|| t.strip_suffix(",-"))
        .or_else(|| t.strip_suffix(".00").filter(|s| s.contains(',')))
        .unwrap_or(t);
    let groups: Vec<&str> = t.split(['.', ',', ' ']).collect();
    // Separators only between groups of three, so "1.5" is not read as 15.
    let grouped = match groups.split_first() {
        Some((_, [])) => true,
        Some((first, rest)) => (1..=3).contains(&first.len()) && rest.iter().all(|g| g.len() == 3),
        None => false,
    };
    if !grouped || !groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    groups.concat().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn times_are_shown_in_the_region_s_zone() {
        let utc = at("2026-12-02 06:28");
        assert_eq!(clock(Zone::Wib, utc), "13:28 WIB");
        assert_eq!(clock(Zone::Wita, utc), "14:28 WITA");
        assert_eq!(clock(Zone::Wit, utc), "15:28 WIT");
        // Late in the UTC day is the next day in Papua.
        assert_eq!(
            date_time(Lang::Id, Zone::Wit, at("2026-12-31 20:00")),
            "1 Januari 2027 05:00 WIT"
        );
        assert_eq!(
            date_time(Lang::En, Zone::Wib, utc),
            "2 December 2026 13:28 WIB"
        );
        assert_eq!(Zone::Wita.to_utc(Zone::Wita.local(utc)), utc);
    }

    #[test]
    fn dates_name_the_month() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(date(Lang::Id, d), "2 Desember 2026");
        assert_eq!(date(Lang::En, d), "2 December 2026");
    }

    #[test]
    fn amounts_are_grouped_the_indonesian_way() {
        assert_eq!(rupiah(150_000_000), "Rp150.000.000");
        assert_eq!(rupiah(0), "Rp0");
        assert_eq!(number(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(number(Lang::Id, -1_000), "-1.000");
        assert_eq!(number(Lang::Id, 999), "999");
    }

    #[test]
    fn amounts_are_read_as_people_type_them() {
        for typed in [
            "150000000",
            "Rp 150.000.000",
            "Rp150.000.000",
            "Rp. 150.000.000,00",
            "150,000,000",
            "150 000 000",
            "Rp 150.000.000,-",
            "IDR 150,000,000.00",
        ] {
            assert_eq!(parse_rupiah(typed), Some(150_000_000), "{typed}");
        }
        for bad in ["", "Rp", "1.5", "15.00.000", "-5", "lima", "150.000.0000"] {
            assert_eq!(parse_rupiah(bad), None, "{bad}");
        }
    }
}
