//! The public catalogue in DCAT (DCAT-AP 2): `GET /portal/catalog.jsonld` (JSON-LD) and
//! `GET /portal/catalog.ttl` (Turtle), for harvesters that speak RDF rather than CKAN. Each
//! dataset carries its publisher, themes, keywords, update frequency (the EU frequency
//! vocabulary), area, contact point, licence and a distribution per readable version.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use kernel::{AppError, AppResult, AppState};
use serde_json::{Value, json};

use crate::ckan::Catalogue;
use crate::ckan::package::{Entry, modified};
use crate::model::{Frequency, tags_of};

fn frequency_uri(f: Frequency) -> &'static str {
    match f {
        Frequency::Daily => "http://publications.europa.eu/resource/authority/frequency/DAILY",
        Frequency::Weekly => "http://publications.europa.eu/resource/authority/frequency/WEEKLY",
        Frequency::Monthly => "http://publications.europa.eu/resource/authority/frequency/MONTHLY",
        Frequency::Quarterly => {
            "http://publications.europa.eu/resource/authority/frequency/QUARTERLY"
        }
        Frequency::Semiannual => {
            "http://publications.europa.eu/resource/authority/frequency/BIANNUAL"
        }
        Frequency::Annual => "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
        Frequency::Irregular => "http://publications.europa.eu/resource/authority/frequency/IRREG",
    }
}

fn licence_uri(id: &str) -> String {
    match id.to_ascii_uppercase().as_str() {
        "CC-BY-4.0" => "https://creativecommons.org/licenses/by/4.0/".to_owned(),
        "CC-BY-SA-4.0" => "https://creativecommons.org/licenses/by-sa/4.0/".to_owned(),
        "CC0-1.0" => "https://creativecommons.org/publicdomain/zero/1.0/".to_owned(),
        _ => format!("https://spdx.org/licenses/{id}"),
    }
}

async fn catalogue(state: &AppState) -> AppResult<(Catalogue, String)> {
    let base = state.config.public_url.trim_end_matches('/').to_owned();
    let cat = Catalogue::load(state, base.clone())
        .await
        .map_err(|_| AppError::Internal("catalogue".into()))?;
    let title = state
        .read(|c| Ok(org::directory::region(c)?))
        .await?
        .map(|r| format!("Portal Data {}", r.name))
        .unwrap_or_else(|| "Portal Data".into());
    Ok((cat, title))
}

fn dataset_node(cat: &Catalogue, e: &Entry) -> Value {
    let r = &e.row;
    let base = &cat.base;
    let uri = format!("{base}/portal/{}", r.slug);
    let publisher = cat.agencies.get(&r.agency_id).map(|a| {
        json!({"@id": format!("{base}/portal?organization={}", crate::ckan::package::org_name(a)),
            "@type": "foaf:Organization", "foaf:name": a.name})
    });
    let distributions: Vec<Value> = e
        .versions
        .iter()
        .map(|v| {
            json!({"@id": format!("{uri}/v{}", v.number), "@type": "dcat:Distribution",
                "dct:title": format!("{} (versi {})", r.title, v.number),
                "dcat:accessURL": {"@id": uri}, "dcat:downloadURL": {"@id": format!("{uri}/v{}.csv", v.number)},
                "dcat:mediaType": "text/csv", "dct:format": "CSV",
                "dct:license": {"@id": licence_uri(&r.licence)},
                "dct:modified": {"@value": kernel_time(v.finished_at.unwrap_or(v.created_at)), "@type": "xsd:dateTime"}})
        })
        .collect();
    let mut node = json!({
        "@id": uri, "@type": "dcat:Dataset",
        "dct:identifier": r.id.to_string(), "dct:title": r.title, "dct:description": r.description,
        "dcat:keyword": tags_of(&r.tags),
        "dcat:theme": {"@id": format!("{base}/portal?groups={}", r.topic.as_str())},
        "dct:issued": {"@value": kernel_time(r.created_at), "@type": "xsd:dateTime"},
        "dct:modified": {"@value": kernel_time(modified(e)), "@type": "xsd:dateTime"},
        "dct:accrualPeriodicity": {"@id": frequency_uri(r.frequency)},
        "dcat:landingPage": {"@id": uri},
        "dcat:distribution": distributions,
    });
    if let Some(p) = publisher {
        crate::ckan::put(&mut node, "dct:publisher", p);
    }
    if !r.coverage.is_empty() {
        crate::ckan::put(&mut node, "dct:spatial", json!(r.coverage));
    }
    if !r.contact_name.is_empty() || !r.contact_email.is_empty() {
        let mut contact = json!({"@type": "vcard:Kind", "vcard:fn": if r.contact_name.is_empty() { &r.contact_email } else { &r.contact_name }});
        if !r.contact_email.is_empty() {
            crate::ckan::put(
                &mut contact,
                "vcard:hasEmail",
                json!({"@id": format!("mailto:{}", r.contact_email)}),
            );
        }
        crate::ckan::put(&mut node, "dcat:contactPoint", contact);
    }
    node
}

fn kernel_time(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The catalogue as a JSON-LD document.
pub fn json_ld(cat: &Catalogue, title: &str) -> Value {
    json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/", "vcard": "http://www.w3.org/2006/vcard/ns#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": format!("{}/portal/catalog", cat.base), "@type": "dcat:Catalog",
        "dct:title": title, "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/IND"},
        "foaf:homepage": {"@id": format!("{}/portal", cat.base)},
        "dcat:dataset": cat.entries.iter().map(|e| dataset_node(cat, e)).collect::<Vec<_>>(),
    })
}

/// `GET /portal/catalog.jsonld`.
pub async fn jsonld(State(state): State<AppState>) -> AppResult<Response> {
    let (cat, title) = catalogue(&state).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/ld+json")],
        json_ld(&cat, &title).to_string(),
    )
        .into_response())
}

/// A Turtle string literal.
fn literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An IRI in angle brackets, with the characters Turtle forbids there percent-encoded.
fn iri(s: &str) -> String {
    let mut out = String::from("<");
    for c in s.chars() {
        if matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\') || c <= ' ' {
            for b in c.to_string().bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out.push('>');
    out
}

/// Writes one JSON-LD node (as [`json_ld`] builds them) as Turtle statements.
fn node_turtle(out: &mut String, node: &Value) -> String {
    let subject = node["@id"].as_str().map_or_else(|| "[]".to_owned(), iri);
    let mut lines = vec![];
    if let Some(t) = node["@type"].as_str() {
        lines.push(format!("a {t}"));
    }
    let Some(map) = node.as_object() else {
        return subject;
    };
    for (k, v) in map {
        if k.starts_with('@') {
            continue;
        }
        let values: Vec<&Value> = match v {
            Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        let objects: Vec<String> = values
            .into_iter()
            .map(|v| match v {
                Value::String(s) => literal(s),
                Value::Object(o) if o.contains_key("@value") => format!(
                    "{}^^{}",
                    literal(o["@value"].as_str().unwrap_or_default()),
                    o.get("@type")
                        .and_then(Value::as_str)
                        .unwrap_or("xsd:string")
                ),
                Value::Object(o) if o.len() == 1 && o.contains_key("@id") => {
                    iri(o["@id"].as_str().unwrap_or_default())
                }
                Value::Object(_) => node_turtle(out, v),
                other => literal(&other.to_string()),
            })
            .collect();
        if !objects.is_empty() {
            lines.push(format!("{k} {}", objects.join(", ")));
        }
    }
    if node.get("@id").is_some() {
        out.push_str(&format!("{subject}\n    {} .\n\n", lines.join(" ;\n    ")));
        subject
    } else {
        format!("[ {} ]", lines.join(" ; "))
    }
}

/// The catalogue as Turtle.
pub fn turtle(cat: &Catalogue, title: &str) -> String {
    let doc = json_ld(cat, title);
    let mut out = String::new();
    for (p, u) in doc
        .get("@context")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        out.push_str(&format!(
            "@prefix {p}: {} .\n",
            iri(u.as_str().unwrap_or_default())
        ));
    }
    out.push('\n');
    let mut body = String::new();
    let mut catalog = doc.clone();
    if let Some(o) = catalog.as_object_mut() {
        o.remove("@context");
    }
    node_turtle(&mut body, &catalog);
    out.push_str(&body);
    out
}

/// `GET /portal/catalog.ttl`.
pub async fn ttl(State(state): State<AppState>) -> AppResult<Response> {
    let (cat, title) = catalogue(&state).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/turtle; charset=utf-8")],
        turtle(&cat, &title),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turtle_escapes_literals_and_iris() {
        assert_eq!(literal("a \"b\"\n\\"), "\"a \\\"b\\\"\\n\\\\\"");
        assert_eq!(iri("http://x/a b<c>"), "<http://x/a%20b%3Cc%3E>");
    }
}
