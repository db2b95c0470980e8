//! Reading and writing the platforms' JSON without `value["key"]` indexing, which panics when a
//! write meets something other than an object: a missing field reads as `null`, and a write to
//! anything but an object changes nothing.

#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;

static NULL: Value = Value::Null;

/// The value at a JSON pointer (`/user/id`), or `null` when there is none.
pub fn at<'a>(value: &'a Value, pointer: &str) -> &'a Value {
    value.pointer(pointer).unwrap_or(&NULL)
}

/// Sets `key` on an object; anything else is left as it is.
pub fn set(value: &mut Value, key: &str, to: Value) {
    if let Some(object) = value.as_object_mut() {
        object.insert(key.to_string(), to);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_and_writes_never_panic() {
        let mut v = json!({ "user": { "id": "U1" }, "list": [1] });
        assert_eq!(at(&v, "/user/id"), "U1");
        assert_eq!(at(&v, "/user/name"), &Value::Null);
        assert_eq!(at(&v, "/list/0"), 1);
        set(&mut v, "flags", json!(64));
        assert_eq!(v["flags"], 64);
        let mut s = json!("text");
        set(&mut s, "flags", json!(64));
        assert_eq!(s, "text");
    }
}
