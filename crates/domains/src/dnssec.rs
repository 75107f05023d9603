//! DNSSEC for the region's zone (RFC 4033-4035), signed online with ECDSA P-256 (algorithm 13,
//! RFC 6605): a key-signing key whose DS the parent publishes and a zone-signing key, the
//! validity of signatures, and key rollover. Rollover is double-signature (RFC 6781 4.1.1.2 for
//! zone keys, 4.1.2 for key-signing keys): an incoming key is published and signs beside the
//! active one; once every cache has had time to learn it, the old key retires. Plain functions
//! over plain values; the key material is hickory's, backed by aws-lc.

use base64::Engine;
use chrono::{NaiveDateTime, TimeDelta};
use hickory_proto::dnssec::crypto::EcdsaSigningKey;
use hickory_proto::dnssec::rdata::{DNSKEY, DS};
use hickory_proto::dnssec::{Algorithm, DigestType, PublicKey, SigningKey};
use hickory_proto::rr::Name;
use rustls_pki_types::PrivatePkcs8KeyDer;

kernel::id_type!(
    /// A DNSSEC signing key.
    DnssecKeyId
);

kernel::text_enum! {
    /// What a key signs.
    pub enum KeyRole {
        /// Key-signing key: signs the DNSKEY set; the parent's DS points at it.
        Ksk = "ksk",
        /// Zone-signing key: signs every other record set.
        Zsk = "zsk",
    }
}

kernel::text_enum! {
    /// Where a key stands in its life.
    pub enum KeyState {
        /// Published and signing.
        Active = "active",
        /// A rollover's new key: published and signing beside the active one.
        Incoming = "incoming",
        /// Rolled out: neither published nor signing; kept for the record.
        Retired = "retired",
    }
}

/// The one algorithm used: ECDSA P-256 with SHA-256 (RFC 6605), small signatures that fit UDP.
pub const ALGORITHM: Algorithm = Algorithm::ECDSAP256SHA256;
/// The TTL of the DNSKEY set.
pub const DNSKEY_TTL: u32 = 3600;
/// Signatures are renewed every week; each is valid from an hour before its week began
/// (clocks that lag) until three weeks after, so a secondary cut off from the primary still
/// serves valid signatures for two weeks.
pub const WEEK: i64 = 7 * 86_400;

/// The signing week `unix` falls in.
pub fn week(unix: i64) -> i64 {
    unix.div_euclid(WEEK)
}

/// The inception and expiration (seconds since the epoch) of signatures made in `week`.
pub fn validity(week: i64) -> (i64, i64) {
    let start = week * WEEK;
    (start - 3600, start + 3 * WEEK)
}

/// A key as rollover reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyLife {
    /// Its id.
    pub id: DnssecKeyId,
    /// What it signs.
    pub role: KeyRole,
    /// Where it stands.
    pub state: KeyState,
    /// When it was made (published).
    pub created_at: NaiveDateTime,
}

/// What one rollover command does for a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rollover {
    /// Make a new key, published and signing beside the active one.
    Start,
    /// Retire the old active key; the incoming one becomes the active one.
    Finish {
        /// The key that retires.
        retire: Option<DnssecKeyId>,
        /// The key that takes over.
        activate: DnssecKeyId,
    },
    /// The incoming key is not yet known to every cache: finishing now could break answers.
    TooEarly {
        /// When finishing becomes safe.
        from: NaiveDateTime,
    },
}

/// How long an incoming key must be published before the old one may go: the longest time a
/// cache keeps the DNSKEY set or any signed record, and an hour for secondaries to transfer.
pub fn wait(max_ttl: u32) -> TimeDelta {
    TimeDelta::seconds(i64::from(max_ttl.max(DNSKEY_TTL)) + 3600)
}

/// The next rollover step for `role`, at `now`, given the zone's keys and longest TTL.
pub fn rollover(keys: &[KeyLife], role: KeyRole, now: NaiveDateTime, max_ttl: u32) -> Rollover {
    let of = |state| keys.iter().find(|k| k.role == role && k.state == state);
    match of(KeyState::Incoming) {
        None => Rollover::Start,
        Some(incoming) => {
            let from = incoming.created_at + wait(max_ttl);
            if now < from {
                Rollover::TooEarly { from }
            } else {
                Rollover::Finish {
                    retire: of(KeyState::Active).map(|k| k.id),
                    activate: incoming.id,
                }
            }
        }
    }
}

/// Why a stored key cannot be used (only a hand-edited or damaged row).
#[derive(Debug, thiserror::Error)]
#[error("DNSSEC key unusable: {0}")]
pub struct BadKey(String);

/// A new private key, PKCS#8 in base64 as stored.
pub fn generate() -> Result<String, BadKey> {
    let der = EcdsaSigningKey::generate_pkcs8(ALGORITHM).map_err(|e| BadKey(e.to_string()))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(der.secret_pkcs8_der()))
}

/// The signing key of a stored private key.
pub fn signing_key(stored: &str) -> Result<EcdsaSigningKey, BadKey> {
    let der = base64::engine::general_purpose::STANDARD
        .decode(stored.trim())
        .map_err(|e| BadKey(e.to_string()))?;
    EcdsaSigningKey::from_pkcs8(&PrivatePkcs8KeyDer::from(der), ALGORITHM)
        .map_err(|e| BadKey(e.to_string()))
}

/// The DNSKEY record data of a key in `role`: a zone key, and a secure entry point (flags
/// 257) for a key-signing key.
pub fn dnskey(key: &EcdsaSigningKey, role: KeyRole) -> Result<DNSKEY, BadKey> {
    let public = key.to_public_key().map_err(|e| BadKey(e.to_string()))?;
    Ok(DNSKEY::new(true, role == KeyRole::Ksk, false, public))
}

/// The key tag (RFC 4034 appendix B) of a stored key in `role`.
pub fn key_tag(stored: &str, role: KeyRole) -> Result<u16, BadKey> {
    dnskey(&signing_key(stored)?, role)?
        .calculate_key_tag()
        .map_err(|e| BadKey(e.to_string()))
}

/// The DS record the parent zone publishes for a key-signing key, in presentation form
/// (`sukamajukab.go.id. IN DS 12345 13 2 ABCD…`, SHA-256 as RFC 4509).
pub fn ds(apex: &str, key: &DNSKEY) -> Result<String, BadKey> {
    let mut name = Name::from_ascii(apex).map_err(|e| BadKey(e.to_string()))?;
    name.set_fqdn(true);
    let digest = key
        .to_digest(&name, DigestType::SHA256)
        .map_err(|e| BadKey(e.to_string()))?;
    let tag = key.calculate_key_tag().map_err(|e| BadKey(e.to_string()))?;
    let ds = DS::new(tag, ALGORITHM, DigestType::SHA256, digest.as_ref().to_vec());
    Ok(format!(
        "{} IN DS {} {} 2 {}",
        name.to_ascii().to_lowercase(),
        ds.key_tag(),
        u8::from(ALGORITHM),
        hex::encode_upper(ds.digest())
    ))
}

/// The DNSKEY in presentation form, as a zone file or `dig` writes it.
pub fn dnskey_text(apex: &str, key: &DNSKEY) -> String {
    let apex = apex.trim_end_matches('.').to_ascii_lowercase();
    format!(
        "{apex}. {DNSKEY_TTL} IN DNSKEY {} 3 {} {}",
        key.flags(),
        u8::from(ALGORITHM),
        base64::engine::general_purpose::STANDARD.encode(key.public_key().public_bytes())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000 + h * 3600, 0)
            .unwrap()
            .naive_utc()
    }

    fn key(role: KeyRole, state: KeyState, made: i64) -> KeyLife {
        KeyLife {
            id: DnssecKeyId::new(),
            role,
            state,
            created_at: at(made),
        }
    }

    #[test]
    fn signatures_of_a_week_outlive_it_by_two_weeks() {
        let t = 1_800_000_000;
        let w = week(t);
        let (inception, expiration) = validity(w);
        assert!(inception < t && t < expiration);
        assert!(expiration - t > 2 * WEEK);
        assert_eq!(week(t + WEEK), w + 1);
    }

    #[test]
    fn a_rollover_starts_then_finishes_only_when_caches_know_the_new_key() {
        let active = key(KeyRole::Zsk, KeyState::Active, 0);
        let ksk = key(KeyRole::Ksk, KeyState::Active, 0);
        let mut keys = vec![active.clone(), ksk.clone()];
        assert_eq!(rollover(&keys, KeyRole::Zsk, at(10), 3600), Rollover::Start);
        let incoming = key(KeyRole::Zsk, KeyState::Incoming, 10);
        keys.push(incoming.clone());
        // With a longest TTL of a day, a day and an hour must pass.
        match rollover(&keys, KeyRole::Zsk, at(20), 86_400) {
            Rollover::TooEarly { from } => assert_eq!(from, at(35)),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            rollover(&keys, KeyRole::Zsk, at(35), 86_400),
            Rollover::Finish {
                retire: Some(active.id),
                activate: incoming.id
            }
        );
        // The other role is untouched by this one's rollover.
        assert_eq!(
            rollover(&keys, KeyRole::Ksk, at(35), 86_400),
            Rollover::Start
        );
    }

    #[test]
    fn keys_round_trip_and_give_the_parent_a_ds() {
        let stored = generate().unwrap();
        let k = signing_key(&stored).unwrap();
        let ksk = dnskey(&k, KeyRole::Ksk).unwrap();
        let zsk = dnskey(&k, KeyRole::Zsk).unwrap();
        assert_eq!(ksk.flags(), 257);
        assert_eq!(zsk.flags(), 256);
        assert_eq!(
            key_tag(&stored, KeyRole::Ksk).unwrap(),
            ksk.calculate_key_tag().unwrap()
        );
        let ds = ds("SukamajuKab.go.id", &ksk).unwrap();
        let parts: Vec<&str> = ds.split(' ').collect();
        assert_eq!(parts[0], "sukamajukab.go.id.");
        assert_eq!(parts[3], ksk.calculate_key_tag().unwrap().to_string());
        assert_eq!(&parts[4..6], ["13", "2"]);
        assert_eq!(parts[6].len(), 64);
        assert!(signing_key("not a key").is_err());
        assert!(dnskey_text("sukamajukab.go.id", &ksk).contains(" DNSKEY 257 3 13 "));
    }
}
