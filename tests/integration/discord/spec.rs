//! What crosses the fake Discord, checked against Discord's published OpenAPI description
//! (specs/discord/openapi.json, vendored): the route and method exist, every query parameter is
//! declared, the request body fits the route's schema, and the fake's own answer fits the
//! response schema for its status. Schemas are checked by the `jsonschema` crate (2020-12, the
//! dialect of OpenAPI 3.1), not by rules of our own.

use jsonschema::Draft;
use serde_json::Value;

use crate::specs::{self, DISCORD_OPENAPI};

/// Reads the spec now, so a fake that cannot check requests says so before the test starts.
pub fn load() {
    specs::document(DISCORD_OPENAPI, "the fake Discord");
}

/// One operation of the spec: a path template and a method.
pub struct Operation {
    template: &'static str,
    method: String,
    op: &'static Value,
}

impl Operation {
    /// What the problems of this operation are reported as.
    pub fn name(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.template)
    }
}

/// The spec's operation for `method path` (path under /api/v10): where several templates fit,
/// the one with the most literal segments (`/users/@me` before `/users/{user_id}`).
pub fn operation(method: &str, path: &str) -> Option<Operation> {
    let spec = specs::document(DISCORD_OPENAPI, "the fake Discord");
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let method = method.to_lowercase();
    spec["paths"]
        .as_object()?
        .iter()
        .filter(|(_, item)| item.get(&method).is_some())
        .filter_map(|(template, _)| {
            let parts: Vec<&str> = template.trim_matches('/').split('/').collect();
            let fits = parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(p, s)| p == s || (p.starts_with('{') && p.ends_with('}')));
            let literal = parts.iter().filter(|p| !p.starts_with('{')).count();
            fits.then_some((literal, template))
        })
        .max_by_key(|(literal, _)| *literal)
        .map(|(_, template)| Operation {
            template: template.as_str(),
            op: &spec["paths"][template.as_str()][method.as_str()],
            method: method.clone(),
        })
}

/// Query parameters the operation does not declare.
pub fn check_query(op: &Operation, query: Option<&str>) -> Vec<String> {
    let declared: Vec<&str> = op.op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == "query")
        .filter_map(|p| p["name"].as_str())
        .collect();
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query.unwrap_or_default()).unwrap_or_default();
    pairs
        .into_iter()
        .filter(|(name, _)| !declared.contains(&name.as_str()))
        .map(|(name, _)| format!("query parameter `{name}` is not in the spec"))
        .collect()
}

/// Problems with a request body. A multipart body is checked by its `payload_json`, which
/// Discord reads as the JSON body.
pub fn check_body(op: &Operation, body: &Value) -> Vec<String> {
    let content = &op.op["requestBody"]["content"];
    if content["application/json"]["schema"].is_null() {
        return match body.is_null() {
            true => vec![],
            false => vec!["the spec gives this route no JSON body".into()],
        };
    }
    let required = op.op["requestBody"]["required"] == true;
    if body.is_null() {
        return match required {
            true => vec!["the body the spec requires is missing".into()],
            false => vec![],
        };
    }
    let validator = specs::validator(
        DISCORD_OPENAPI,
        Draft::Draft202012,
        &[
            "paths",
            op.template,
            &op.method,
            "requestBody",
            "content",
            "application/json",
            "schema",
        ],
    );
    specs::problems(&validator, body)
}

/// Problems with the fake's own answer: a status the spec does not list for the route, or a
/// body outside the schema it gives for that status.
pub fn check_response(op: &Operation, status: u16, body: &Value) -> Vec<String> {
    // 5xx come from Discord's infrastructure (Cloudflare's 502 pages), not from the API the
    // spec describes; the fake sends them only when a test injects them.
    if status >= 500 {
        return vec![];
    }
    let responses = &op.op["responses"];
    let code = status.to_string();
    let class = format!("{}XX", status / 100);
    let Some(key) = [code.as_str(), class.as_str()]
        .into_iter()
        .find(|k| !responses[*k].is_null())
    else {
        return vec![format!(
            "status {status} is not among the route's responses"
        )];
    };
    // A response is either described in place or a `$ref` to `#/components/responses/…`.
    let mut at: Vec<&str> = vec!["paths", op.template, &op.method, "responses", key];
    if let Some(shared) = responses[key]["$ref"].as_str() {
        at = shared.trim_start_matches("#/").split('/').collect();
    }
    let spec = specs::document(DISCORD_OPENAPI, "the fake Discord");
    let response = at.iter().fold(spec, |v, k| &v[*k]);
    if response["content"]["application/json"]["schema"].is_null() {
        return match body.is_null() {
            true => vec![],
            false => vec![format!("status {status} has no body in the spec")],
        };
    }
    at.extend(["content", "application/json", "schema"]);
    let validator = specs::validator(DISCORD_OPENAPI, Draft::Draft202012, &at);
    specs::problems(&validator, &without_errata(body))
}

/// Where the spec and Discord's documented answers differ, the fake answers as documented, and
/// the difference is taken out here before the spec check, one named case at a time:
///
/// - the field errors inside an "Invalid Form Body" (50035) answer carry string codes such as
///   `BASE_TYPE_MAX_LENGTH` (docs/reference, "Error Messages", the example JSON error
///   response), while the spec's `ErrorDetails` reuses `Error`, whose `code` is an integer.
fn without_errata(body: &Value) -> Value {
    fn field_errors(v: &mut Value) {
        let Some(fields) = v.as_object_mut() else {
            return;
        };
        for (key, value) in fields.iter_mut() {
            match (key.as_str(), value) {
                ("_errors", Value::Array(errors)) => {
                    for e in errors.iter_mut().filter(|e| e["code"].is_string()) {
                        e["code"] = Value::from(0);
                    }
                }
                (_, nested) => field_errors(nested),
            }
        }
    }
    let mut body = body.clone();
    if let Some(errors) = body.get_mut("errors") {
        field_errors(errors);
    }
    body
}

/// Problems with an answer Tandem returns in the HTTP response to an interaction: Discord reads
/// it as the body of the interaction callback, so it must fit that route's schema.
pub fn check_interaction_answer(answer: &Value) -> Vec<String> {
    let op = operation("POST", "/interactions/1/token/callback")
        .expect("the spec describes interaction callbacks");
    check_body(&op, answer)
}
