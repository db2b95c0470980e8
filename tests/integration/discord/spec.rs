//! Checks request bodies against Discord's published OpenAPI description
//! (../shared/specs/discord/openapi.json): required fields present, no unknown fields, types,
//! lengths and counts as the spec says. A small JSON-schema subset: what the spec uses for the
//! routes Tandem calls.

use std::sync::OnceLock;

use serde_json::Value;

const SPEC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/specs/discord/openapi.json"
);

fn spec() -> &'static Value {
    static SPEC_JSON: OnceLock<Value> = OnceLock::new();
    SPEC_JSON.get_or_init(|| {
        let text = std::fs::read_to_string(SPEC).unwrap_or_else(|e| panic!("read {SPEC}: {e}"));
        serde_json::from_str(&text).expect("openapi.json parses")
    })
}

/// The request-body schema for `method path` (path under /api/v10), if the spec covers it.
pub fn request_schema(method: &str, path: &str) -> Option<&'static Value> {
    let paths = spec()["paths"].as_object()?;
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let template = paths.keys().find(|t| {
        let parts: Vec<&str> = t.trim_matches('/').split('/').collect();
        parts.len() == segments.len()
            && parts
                .iter()
                .zip(&segments)
                .all(|(p, s)| p == s || (p.starts_with('{') && p.ends_with('}')))
    })?;
    let op = &paths[template][method.to_lowercase()];
    let schema = &op["requestBody"]["content"]["application/json"]["schema"];
    (!schema.is_null()).then_some(schema)
}

/// Problems with `body` under `schema`; empty when it conforms.
pub fn check(schema: &Value, body: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    validate(schema, body, "$", &mut problems);
    problems
}

fn resolve(schema: &Value) -> &Value {
    match schema["$ref"].as_str() {
        Some(r) => {
            let name = r.trim_start_matches("#/components/schemas/");
            resolve(&spec()["components"]["schemas"][name])
        }
        None => schema,
    }
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "null" => v.is_null(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => true,
    }
}

fn validate(schema: &Value, v: &Value, at: &str, out: &mut Vec<String>) {
    let schema = resolve(schema);
    for key in ["oneOf", "anyOf"] {
        if let Some(choices) = schema[key].as_array() {
            let fits = choices.iter().any(|c| {
                let mut p = Vec::new();
                validate(c, v, at, &mut p);
                p.is_empty()
            });
            if !fits {
                // Report the closest choice's problems, for a readable failure.
                let best = choices
                    .iter()
                    .map(|c| {
                        let mut p = Vec::new();
                        validate(c, v, at, &mut p);
                        p
                    })
                    .min_by_key(|p| p.len())
                    .unwrap_or_default();
                out.push(format!("{at}: fits none of {key}: {best:?}"));
            }
            return;
        }
    }
    if let Some(all) = schema["allOf"].as_array() {
        for s in all {
            validate(s, v, at, out);
        }
        return;
    }
    match &schema["type"] {
        Value::String(t) if !type_matches(t, v) => return out.push(format!("{at}: not {t}: {v}")),
        Value::Array(ts) if !ts.iter().any(|t| type_matches(t.as_str().unwrap_or(""), v)) => {
            return out.push(format!("{at}: not any of {ts:?}: {v}"));
        }
        _ => {}
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(v)
    {
        out.push(format!("{at}: {v} not in {allowed:?}"));
    }
    if let Some(c) = schema.get("const")
        && c != v
    {
        out.push(format!("{at}: {v} is not {c}"));
    }
    if let Some(s) = v.as_str() {
        let n = s.chars().count() as u64;
        if schema["maxLength"].as_u64().is_some_and(|m| n > m)
            || schema["minLength"].as_u64().is_some_and(|m| n < m)
        {
            out.push(format!("{at}: length {n} out of bounds"));
        }
    }
    if let Some(n) = v.as_f64()
        && (schema["maximum"].as_f64().is_some_and(|m| n > m)
            || schema["minimum"].as_f64().is_some_and(|m| n < m))
    {
        out.push(format!("{at}: {n} out of bounds"));
    }
    if let Some(items) = v.as_array() {
        if schema["maxItems"]
            .as_u64()
            .is_some_and(|m| items.len() as u64 > m)
        {
            out.push(format!("{at}: too many items"));
        }
        if !schema["items"].is_null() {
            for (i, item) in items.iter().enumerate() {
                validate(&schema["items"], item, &format!("{at}[{i}]"), out);
            }
        }
    }
    if let (Some(fields), Some(props)) = (v.as_object(), schema["properties"].as_object()) {
        for required in schema["required"].as_array().into_iter().flatten() {
            let name = required.as_str().unwrap_or_default();
            if !fields.contains_key(name) {
                out.push(format!("{at}: missing {name}"));
            }
        }
        for (name, value) in fields {
            match props.get(name) {
                Some(s) => validate(s, value, &format!("{at}.{name}"), out),
                None => out.push(format!("{at}: unknown field {name}")),
            }
        }
    }
}
