//! The finishing pass over the merged OpenAPI document, so that what every context declares
//! with `#[utoipa::path]` comes out as one valid, complete contract: unique operation ids, the
//! one error shape on every error response, and the errors every operation can give (a bad
//! request, no or a wrong credential, an unknown id, a body too large) written out.

use serde_json::{Map, Value, json};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The merged document, finished.
pub fn finish(doc: &utoipa::openapi::OpenApi) -> Value {
    let mut doc = serde_json::to_value(doc).unwrap_or_else(|_| json!({}));
    let components = doc
        .as_object_mut()
        .map(|d| d.entry("components").or_insert_with(|| json!({})));
    if let Some(Value::Object(c)) = components {
        let schemas = c.entry("schemas").or_insert_with(|| json!({}));
        if let Value::Object(s) = schemas {
            s.insert("Error".into(), error_schema());
        }
    }
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return doc;
    };
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        for method in METHODS {
            if let Some(Value::Object(op)) = item.get_mut(method) {
                op.insert("operationId".into(), operation_id(method, path).into());
                file_bodies(op);
                complete_responses(path, op);
            }
        }
    }
    doc
}

/// `get_agencies_by_id` for `GET /api/v1/agencies/{id}`: unique because method and path are.
pub fn operation_id(method: &str, path: &str) -> String {
    let rest = path.strip_prefix("/api/v1").unwrap_or(path);
    let mut id = method.to_owned();
    for segment in rest.split('/').filter(|s| !s.is_empty()) {
        id.push('_');
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            id.push_str("by_");
            id.push_str(name);
        } else {
            id.extend(
                segment
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }),
            );
        }
    }
    id
}

/// A body that is not JSON (a CSV or XLSX upload) is a string of that media type, not the
/// array of bytes the Rust type would suggest.
fn file_bodies(op: &mut Map<String, Value>) {
    let Some(Value::Object(content)) = op.get_mut("requestBody").and_then(|b| b.get_mut("content"))
    else {
        return;
    };
    for (media_type, body) in content.iter_mut() {
        if media_type.contains("json") {
            continue;
        }
        let schema = if media_type.starts_with("text/") {
            json!({"type": "string"})
        } else {
            json!({"type": "string", "contentMediaType": media_type})
        };
        body["schema"] = schema;
    }
}

fn error_schema() -> Value {
    json!({
        "type": "object",
        "description": "Every error of the API: a stable code, a message in the caller's language (Accept-Language or the account's), and for invalid input the fields at fault.",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "details"],
                "properties": {
                    "code": {"type": "string", "enum": [
                        "invalid", "bad_request", "unauthorized", "forbidden", "csrf", "not_found",
                        "conflict", "too_many_attempts", "internal", "method_not_allowed",
                        "not_acceptable", "too_large", "uri_too_long", "unsupported_media_type",
                        "unavailable"
                    ]},
                    "message": {"type": "string"},
                    "field": {"type": ["string", "null"], "description": "the first field at fault"},
                    "details": {"type": "array", "items": {
                        "type": "object",
                        "required": ["field", "message"],
                        "properties": {"field": {"type": "string"}, "message": {"type": "string"}}
                    }}
                }
            }
        }
    })
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    })
}

/// Adds the errors this operation can give and gives every error response the error shape.
/// The provider's endpoints keep OAuth's own error shape, as they describe it.
fn complete_responses(path: &str, op: &mut Map<String, Value>) {
    if path.starts_with("/oauth2/") || path.starts_with("/.well-known/") {
        return;
    }
    let has_body = op.contains_key("requestBody");
    let has_params = op
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|p| !p.is_empty());
    // `security: []` or `[{}]`: no credential needed.
    let public = op
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| s.iter().all(|r| r.as_object().is_some_and(Map::is_empty)));
    let mut wanted: Vec<(&str, &str)> = vec![];
    if has_body || has_params {
        wanted.push((
            "400",
            "The request is malformed (not JSON, a repeated or unreadable parameter).",
        ));
        wanted.push((
            "422",
            "The input is invalid; `details` names every field at fault.",
        ));
    }
    if !public {
        wanted.push(("401", "No valid credential was sent."));
        wanted.push(("403", "The credential lacks the right for this."));
    }
    if path.contains('{') {
        wanted.push(("404", "No such record within the caller's view."));
    }
    if has_body {
        wanted.push(("413", "The body is larger than the limit."));
        wanted.push(("415", "The body is not of a type this operation reads."));
    }
    wanted.push((
        "default",
        "Any other error (405, 429, 503 …), in the same shape.",
    ));
    let responses = op.entry("responses").or_insert_with(|| json!({}));
    let Value::Object(responses) = responses else {
        return;
    };
    for (status, description) in wanted {
        responses
            .entry(status)
            .or_insert_with(|| json!({"description": description}));
    }
    for (status, response) in responses.iter_mut() {
        let is_error = status == "default" || status.starts_with('4') || status.starts_with('5');
        let Value::Object(r) = response else { continue };
        if !is_error || r.contains_key("content") {
            continue;
        }
        let description = r
            .get("description")
            .and_then(Value::as_str)
            .filter(|d| !d.is_empty())
            .unwrap_or("An error.")
            .to_owned();
        *response = error_response(&description);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_follow_method_and_path() {
        assert_eq!(
            operation_id("get", "/api/v1/agencies/{id}"),
            "get_agencies_by_id"
        );
        assert_eq!(
            operation_id("post", "/api/v1/applications/{id}/sso-client"),
            "post_applications_by_id_sso_client"
        );
    }

    #[test]
    fn error_responses_get_the_error_shape() {
        let mut op = json!({
            "requestBody": {"content": {}},
            "parameters": [{"name": "id", "in": "path"}],
            "responses": {"200": {"description": "ok"}, "409": {"description": "taken"}}
        });
        complete_responses("/api/v1/x/{id}", op.as_object_mut().unwrap());
        let r = &op["responses"];
        for status in [
            "400", "401", "403", "404", "409", "413", "415", "422", "default",
        ] {
            assert_eq!(
                r[status]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/Error",
                "{status}"
            );
        }
        assert_eq!(r["409"]["description"], "taken");
        assert!(r["200"].get("content").is_none());
    }
}
