//! Transaction signatures (TSIG, RFC 8945) with the Dinas's HMAC-SHA256 keys: a signed request
//! is checked (key, MAC, time) and its answer signed; a zone transfer's later messages are
//! signed in a chain (RFC 8945 5.3.1). The MAC arithmetic is hickory's; the chaining of
//! transfer messages is written here, where hickory's server has it.

use base64::Engine;
use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::rdata::tsig::{TSIG, TsigAlgorithm, TsigError, make_tsig_record};
use hickory_proto::rr::{Name, TSigResponseContext, TSigner};

use crate::store::KeyRow;

/// Seconds a signature's time may differ from ours (RFC 8945 10: 300 recommended).
pub const FUDGE: u16 = 300;

/// The keys in the form the server uses.
pub fn signers(rows: &[KeyRow]) -> Vec<TSigner> {
    rows.iter()
        .filter_map(|k| {
            let secret = base64::engine::general_purpose::STANDARD
                .decode(&k.secret)
                .ok()?;
            let name = Name::from_ascii(&k.name).ok()?;
            TSigner::new(secret, TsigAlgorithm::HmacSha256, name, FUDGE).ok()
        })
        .collect()
}

/// A new key's secret: 32 random octets (the HMAC-SHA256 output length, RFC 8945 6), base64.
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// What a request's signature says.
pub enum Signed {
    /// No signature.
    No,
    /// A good signature by this key: the answer is signed with it, chained to `mac`.
    By {
        /// The key.
        signer: TSigner,
        /// The request's MAC.
        mac: Vec<u8>,
    },
    /// A signature that fails; the (unsigned, or for a bad time signed) answer to send.
    Refused(Box<Message>),
}

/// Checks the signature of `request` (as received, `bytes`) against `keys` at `now` (seconds
/// since the epoch).
pub fn check(keys: &[TSigner], request: &Message, bytes: &[u8], now: u64) -> Signed {
    let Some(sig) = request.signature() else {
        return Signed::No;
    };
    let id = request.metadata.id;
    let refuse = |context: TSigResponseContext| {
        let mut r = super::answer::response_to(request, ResponseCode::NotAuth);
        if let Ok(wire) = r.to_vec()
            && let Ok(tsig) = context.sign(&wire)
        {
            r.set_signature(tsig);
        }
        Signed::Refused(Box::new(r))
    };
    let Some(signer) = keys
        .iter()
        .find(|k| k.signer_name() == &sig.name && k.algorithm() == &sig.data.algorithm)
    else {
        return refuse(TSigResponseContext::unknown_key(id, now, sig.name.clone()));
    };
    match signer.verify_message_byte(bytes, None, true) {
        Err(_) => refuse(TSigResponseContext::bad_signature(id, now, signer.clone())),
        Ok((mac, _, window)) if !window.contains(&now) => refuse(TSigResponseContext::new(
            id,
            now,
            signer.clone(),
            mac,
            Some(TsigError::BadTime),
        )),
        Ok((mac, _, _)) => Signed::By {
            signer: signer.clone(),
            mac,
        },
    }
}

/// `response` in wire form, signed when the request was: the first (or only) answer to a
/// request with MAC `mac`.
pub fn sign_first(
    response: &mut Message,
    signer: &TSigner,
    request_mac: &[u8],
    now: u64,
) -> Option<(Vec<u8>, Vec<u8>)> {
    let wire = response.to_vec().ok()?;
    let context = TSigResponseContext::new(
        response.metadata.id,
        now,
        signer.clone(),
        request_mac.to_vec(),
        None,
    );
    let tsig = context.sign(&wire).ok()?;
    let mac = tsig.data.mac.clone();
    response.set_signature(tsig);
    Some((response.to_vec().ok()?, mac))
}

/// A later message of a transfer, signed over the previous MAC, the message and the time
/// alone (RFC 8945 5.3.1).
pub fn sign_next(
    response: &mut Message,
    signer: &TSigner,
    previous_mac: &[u8],
    now: u64,
) -> Option<(Vec<u8>, Vec<u8>)> {
    let wire = response.to_vec().ok()?;
    let mut tbs = Vec::with_capacity(previous_mac.len() + wire.len() + 10);
    tbs.extend_from_slice(&u16::try_from(previous_mac.len()).ok()?.to_be_bytes());
    tbs.extend_from_slice(previous_mac);
    tbs.extend_from_slice(&wire);
    tbs.extend_from_slice(now.to_be_bytes().get(2..)?);
    tbs.extend_from_slice(&FUDGE.to_be_bytes());
    let mac = signer.sign(&tbs).ok()?;
    let tsig = TSIG::new(
        signer.algorithm().clone(),
        now,
        FUDGE,
        mac.clone(),
        response.metadata.id,
        None,
        Vec::new(),
    );
    response.set_signature(Box::new(make_tsig_record(
        signer.signer_name().clone(),
        tsig,
    )));
    Some((response.to_vec().ok()?, mac))
}

/// Signs a request of ours (a NOTIFY) with `signer`.
pub fn sign_request(request: &mut Message, signer: &TSigner, now: u64) -> bool {
    request.finalize(signer, now).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_proto::op::Query;
    use hickory_proto::rr::RecordType;

    fn key(name: &str) -> KeyRow {
        KeyRow {
            id: name.into(),
            name: name.into(),
            secret: new_secret(),
            created_at: chrono::NaiveDateTime::default(),
            created_by: String::new(),
        }
    }

    fn signed_query(signer: &TSigner, now: u64) -> (Message, Vec<u8>) {
        let mut m = Message::query();
        m.add_query(Query::query(
            Name::from_ascii("sukamajukab.go.id.").unwrap(),
            RecordType::SOA,
        ));
        assert!(sign_request(&mut m, signer, now));
        let bytes = m.to_vec().unwrap();
        (Message::from_vec(&bytes).unwrap(), bytes)
    }

    #[test]
    fn a_request_is_taken_only_with_a_known_key_a_good_mac_and_the_right_time() {
        let keys = signers(&[key("transfer-a"), key("transfer-b")]);
        let now = 1_800_000_000;
        let (m, bytes) = signed_query(&keys[1], now);
        assert!(matches!(check(&keys, &m, &bytes, now), Signed::By { .. }));
        assert!(matches!(
            check(&keys, &m, &bytes, now + 299),
            Signed::By { .. }
        ));
        let refused = |s: Signed| match s {
            Signed::Refused(r) => r.metadata.response_code,
            _ => ResponseCode::NoError,
        };
        // Too late: replayed beyond the fudge.
        assert_eq!(
            refused(check(&keys, &m, &bytes, now + 301)),
            ResponseCode::NotAuth
        );
        // A key of the same name with another secret.
        let impostor = signers(&[key("transfer-b")]);
        let (m2, bytes2) = signed_query(&impostor[0], now);
        assert_eq!(
            refused(check(&keys, &m2, &bytes2, now)),
            ResponseCode::NotAuth
        );
        // An unknown key.
        let stranger = signers(&[key("lain")]);
        let (m3, bytes3) = signed_query(&stranger[0], now);
        assert_eq!(
            refused(check(&keys, &m3, &bytes3, now)),
            ResponseCode::NotAuth
        );
        // A tampered question (the ID is left out of the MAC on purpose, RFC 8945 4.3.1).
        let mut tampered = bytes.clone();
        if let Some(b) = tampered.get_mut(14) {
            *b ^= 1;
        }
        let m4 = Message::from_vec(&tampered).unwrap();
        assert_eq!(
            refused(check(&keys, &m4, &tampered, now)),
            ResponseCode::NotAuth
        );
        // Unsigned is unsigned.
        let plain = Message::query();
        assert!(matches!(
            check(&keys, &plain, &plain.to_vec().unwrap(), now),
            Signed::No
        ));
    }
}
