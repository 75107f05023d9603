//! The second factor: time-based one-time passwords (TOTP, RFC 6238, as every authenticator
//! app speaks them), one-time recovery codes, and the rules for when a second factor is
//! required (per role, and per client by its security level, KT 8.1). Pure functions; the SQL
//! is in `store`.

pub mod store;

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use kernel::permissions::{Role, RoleGrant};
use rand::RngCore;
use sha1::Sha1;

/// Seconds per TOTP step.
pub const STEP_SECONDS: i64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;
/// Recovery codes issued at a time.
pub const RECOVERY_CODES: usize = 10;
/// Wrong codes allowed for one pending sign-in before it is void.
pub const CHALLENGE_ATTEMPTS: i32 = 5;
/// Minutes a pending sign-in waits for its second factor.
pub const CHALLENGE_MINUTES: i64 = 5;

/// A new random 160-bit TOTP secret, base32 without padding (what authenticator apps take).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    BASE32_NOPAD.encode(&bytes)
}

/// The HOTP value (RFC 4226) of `secret` at `counter`, as `DIGITS` digits.
fn hotp(secret: &[u8], counter: u64) -> Option<String> {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).ok()?;
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest.last()? & 0x0f);
    let window = digest.get(offset..offset + 4)?;
    let mut word = [0u8; 4];
    word.copy_from_slice(window);
    let value = u32::from_be_bytes(word) & 0x7fff_ffff;
    Some(format!(
        "{:0width$}",
        value % 10u32.pow(DIGITS),
        width = DIGITS as usize
    ))
}

/// The TOTP step a Unix time falls in.
pub fn step_at(unix: i64) -> i64 {
    unix.div_euclid(STEP_SECONDS)
}

/// The code for one step (used by tests and to show what an app should display).
pub fn code_at_step(secret_b32: &str, step: i64) -> Option<String> {
    let secret = BASE32_NOPAD.decode(secret_b32.as_bytes()).ok()?;
    hotp(&secret, u64::try_from(step).ok()?)
}

/// Checks a code typed by a person against the steps around `now` (one step of clock drift
/// either way). Returns the step it matched, which must be newer than `last_step` so a code
/// seen over someone's shoulder cannot be used twice.
pub fn verify(secret_b32: &str, code: &str, now_unix: i64, last_step: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS as usize || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let now = step_at(now_unix);
    [now, now - 1, now + 1]
        .into_iter()
        .filter(|s| *s > last_step)
        .find(|s| code_at_step(secret_b32, *s).is_some_and(|c| constant_eq(&c, &code)))
}

fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The `otpauth://` URI an authenticator app reads from the QR code.
pub fn otpauth_uri(issuer: &str, login: &str, secret_b32: &str) -> String {
    let enc = |s: &str| -> String { form_urlencoded::byte_serialize(s.as_bytes()).collect() };
    let label = format!("{}:{}", enc(issuer), enc(login)).replace('+', "%20");
    format!(
        "otpauth://totp/{label}?secret={secret_b32}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        enc(issuer).replace('+', "%20")
    )
}

/// The QR code of `text` as an SVG element, drawn on the server so the page needs no script.
pub fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
    )
}

/// Shows a secret in groups of four for typing by hand.
pub fn grouped(secret_b32: &str) -> String {
    secret_b32
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// New recovery codes: ten groups like `k7qm-2xdp-9wfa`, easy to read aloud and to type.
pub fn new_recovery_codes() -> Vec<String> {
    // No 0/o, 1/l/i: nothing to confuse on paper.
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 12];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let chars: Vec<char> = bytes
                .iter()
                .map(|b| {
                    let i = usize::from(*b) % ALPHABET.len();
                    ALPHABET.get(i).copied().map(char::from).unwrap_or('a')
                })
                .collect();
            chars
                .chunks(4)
                .map(|c| c.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// A recovery code as typed, normalised before hashing (case, spaces and dashes ignored).
pub fn normalise_recovery(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether what was typed looks like a recovery code rather than a TOTP code.
pub fn looks_like_recovery(code: &str) -> bool {
    normalise_recovery(code).len() == 12
}

kernel::text_enum! {
    /// Security levels of an electronic system (KT 8.1): how much harm its failure or misuse
    /// would do. Applications carry one; their single sign-on clients follow it.
    pub enum SecurityLevel {
        /// Low: public-facing or low-impact systems.
        Rendah = "rendah",
        /// High: systems holding personal or confidential data.
        Tinggi = "tinggi",
        /// Strategic: systems whose failure harms the region's services or security.
        Strategis = "strategis",
    }
}

impl SecurityLevel {
    /// Whether signing in to such an application needs a second factor.
    pub fn requires_second_factor(self) -> bool {
        !matches!(self, Self::Rendah)
    }
}

/// Whether any of a person's roles is one the Dinas requires a second factor for.
pub fn role_requires_second_factor(grants: &[RoleGrant], required: &[Role]) -> bool {
    grants.iter().any(|g| required.contains(&g.role))
}

/// Assurance of a sign-in with a password alone (the ID token's `acr`).
pub const ACR_PASSWORD: &str = "urn:simpul:loa:1";
/// Assurance of a sign-in with a second factor.
pub const ACR_SECOND_FACTOR: &str = "urn:simpul:loa:2";

/// The `acr` a sign-in reached, from how it was made (`amr`).
pub fn acr(amr: &str) -> &'static str {
    if amr.split_whitespace().any(|m| m == "mfa") {
        ACR_SECOND_FACTOR
    } else {
        ACR_PASSWORD
    }
}

/// Whether an application's `acr_values` can only be met with a second factor: it asks for
/// assurance, and none of what it asks for is reached by a password alone.
pub fn acr_needs_second_factor(acr_values: &str) -> bool {
    let asked: Vec<&str> = acr_values.split_whitespace().collect();
    !asked.is_empty() && !asked.contains(&ACR_PASSWORD)
}

/// The `amr` (authentication methods) of a session, for ID tokens (RFC 8176).
pub fn amr(second_factor: bool) -> &'static str {
    if second_factor { "pwd otp mfa" } else { "pwd" }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1, secret "12345678901234567890", last six digits.
    #[test]
    fn assurance_follows_how_the_person_signed_in() {
        assert_eq!(acr(amr(true)), ACR_SECOND_FACTOR);
        assert_eq!(acr(amr(false)), ACR_PASSWORD);
        assert!(acr_needs_second_factor(ACR_SECOND_FACTOR));
        assert!(!acr_needs_second_factor(&format!(
            "{ACR_SECOND_FACTOR} {ACR_PASSWORD}"
        )));
        assert!(!acr_needs_second_factor(""));
    }

    #[test]
    fn rfc6238_vectors() {
        let secret = BASE32_NOPAD.encode(b"12345678901234567890");
        for (t, want) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            assert_eq!(code_at_step(&secret, step_at(t)).unwrap(), want, "t={t}");
        }
    }

    #[test]
    fn verify_allows_one_step_of_drift_and_never_a_replay() {
        let s = new_secret();
        let now = 1_800_000_000;
        let step = step_at(now);
        let code = code_at_step(&s, step).unwrap();
        assert_eq!(verify(&s, &code, now, 0), Some(step));
        assert_eq!(
            verify(&s, &format!(" {} {} ", &code[..3], &code[3..]), now, 0),
            Some(step)
        );
        assert_eq!(verify(&s, &code, now, step), None, "the same code twice");
        let earlier = code_at_step(&s, step - 1).unwrap();
        assert_eq!(verify(&s, &earlier, now, 0), Some(step - 1));
        let old = code_at_step(&s, step - 3).unwrap();
        assert_eq!(verify(&s, &old, now, 0), None, "too old");
        assert_eq!(verify(&s, "12345", now, 0), None);
        assert_eq!(verify(&s, "abcdef", now, 0), None);
    }

    #[test]
    fn otpauth_uri_names_issuer_and_account() {
        let u = otpauth_uri("Simpul Kab. Sukamaju", "admin", "JBSWY3DPEHPK3PXP");
        assert!(
            u.starts_with("otpauth://totp/Simpul%20Kab.%20Sukamaju:admin?secret=JBSWY3DPEHPK3PXP")
        );
        assert!(u.contains("&issuer=Simpul%20Kab.%20Sukamaju&"));
        assert!(qr_svg(&u).unwrap().contains("<svg"));
    }

    #[test]
    fn recovery_codes_are_distinct_and_normalise() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert!(codes.iter().all(|c| looks_like_recovery(c)));
        let mut sorted = codes.clone();
        sorted.dedup();
        assert_eq!(sorted.len(), RECOVERY_CODES);
        assert_eq!(normalise_recovery(" K7QM-2XDP 9wfa "), "k7qm2xdp9wfa");
        assert!(!looks_like_recovery("123456"));
    }

    #[test]
    fn levels_and_roles_decide_the_second_factor() {
        assert!(!SecurityLevel::Rendah.requires_second_factor());
        assert!(SecurityLevel::Tinggi.requires_second_factor());
        assert_eq!(
            SecurityLevel::parse("strategis"),
            Some(SecurityLevel::Strategis)
        );
        assert_eq!(SecurityLevel::parse("x"), None);
        let admin = [RoleGrant {
            role: Role::DinasAdmin,
            agency: None,
        }];
        assert!(role_requires_second_factor(&admin, &[Role::DinasAdmin]));
        assert!(!role_requires_second_factor(&admin, &[]));
    }
}
