//! JSON instances generated from OpenAPI 3.0 schemas, to feed the SDK's decoders.
//!
//! Three kinds (see [`crate::Spec::instances`]): every property with nullables `null`; every
//! property with values, in variants that walk through enum values and `oneOf`/`anyOf`
//! alternatives; and required properties only. `allOf` members are merged; a chosen
//! alternative is merged into its parent. Values follow `enum`, `format`, simple `pattern`s,
//! bounds and `minItems`; a schema that refers to itself is cut where it recurses.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::{Spec, component_name};

/// The most `maximal-valued` variants of one schema.
const MAX_VARIANTS: usize = 32;
/// The deepest chain of `$ref`s followed while generating one instance.
const MAX_DEPTH: usize = 48;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    MaximalNull,
    MaximalValued(usize),
    Minimal,
}

impl Mode {
    /// Which enum value or alternative to choose (modulo the count).
    fn pick(self) -> usize {
        match self {
            Mode::MaximalValued(k) => k,
            Mode::MaximalNull | Mode::Minimal => 0,
        }
    }
}

/// The instances of `raw`; `name` is its component name, if it is one (so a reference back to
/// it counts as recursion).
pub(crate) fn instances(spec: &Spec, raw: &Value, name: Option<&str>) -> Vec<(String, Value)> {
    let root: Vec<String> = name.map(str::to_owned).into_iter().collect();
    let mut seen = root.iter().cloned().collect();
    let variants = variant_count(spec, raw, &mut seen).clamp(1, MAX_VARIANTS);
    let generate = |mode| {
        Generator {
            spec,
            mode,
            stack: root.clone(),
        }
        .value(raw, "")
    };
    let mut out = Vec::new();
    if let Some(v) = generate(Mode::MaximalNull) {
        out.push(("maximal-null".to_owned(), v));
    }
    let mut valued: Vec<Value> = Vec::new();
    for k in 0..variants {
        if let Some(v) = generate(Mode::MaximalValued(k))
            && !valued.contains(&v)
        {
            valued.push(v.clone());
            out.push((format!("maximal-valued[k={k}]"), v));
        }
    }
    if let Some(v) = generate(Mode::Minimal) {
        out.push(("minimal".to_owned(), v));
    }
    out
}

/// The longest enum (without `null`) or list of alternatives reachable from `schema`.
fn variant_count(spec: &Spec, schema: &Value, seen: &mut BTreeSet<String>) -> usize {
    let Value::Object(map) = schema else {
        return 1;
    };
    if let Some(r) = map.get("$ref").and_then(Value::as_str) {
        let Some(name) = component_name(r) else {
            return 1;
        };
        if !seen.insert(name.clone()) {
            return 1;
        }
        return variant_count(spec, spec.raw_component_schema(&name), seen);
    }
    let mut most = 1;
    if let Some(values) = map.get("enum").and_then(Value::as_array) {
        most = most.max(values.iter().filter(|v| !v.is_null()).count());
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(alts) = map.get(key).and_then(Value::as_array) {
            most = most.max(alts.len());
        }
    }
    let mut children: Vec<&Value> = Vec::new();
    for key in ["items", "additionalProperties", "not"] {
        children.extend(map.get(key));
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        children.extend(map.get(key).and_then(Value::as_array).into_iter().flatten());
    }
    if let Some(props) = map.get("properties").and_then(Value::as_object) {
        children.extend(props.values());
    }
    for child in children {
        most = most.max(variant_count(spec, child, seen));
    }
    most
}

struct Generator<'a> {
    spec: &'a Spec,
    mode: Mode,
    /// The component schemas being expanded, to cut recursion.
    stack: Vec<String>,
}

impl Generator<'_> {
    /// A value for `schema`; `None` where generating would recurse forever. `hint` (the
    /// property name) makes strings readable.
    fn value(&mut self, schema: &Value, hint: &str) -> Option<Value> {
        let Value::Object(map) = schema else {
            return Some(json!(plausible(hint)));
        };
        if map.get("nullable").and_then(Value::as_bool) == Some(true)
            && self.mode == Mode::MaximalNull
        {
            return Some(Value::Null);
        }
        // The schemas `flatten` expands stay on the stack while their properties are made.
        let depth = self.stack.len();
        let value = self
            .flatten(map)
            .and_then(|flat| self.value_of_flat(&flat, hint));
        self.stack.truncate(depth);
        value
    }

    /// `map` with `$ref` resolved, `allOf` members merged and the chosen `oneOf`/`anyOf`
    /// alternative merged in. Pushes the component schemas it expands on the stack; the
    /// caller pops them.
    fn flatten(&mut self, map: &Map<String, Value>) -> Option<Map<String, Value>> {
        if let Some(r) = map.get("$ref").and_then(Value::as_str) {
            let name = component_name(r).unwrap_or_else(|| panic!("unsupported $ref {r:?}"));
            if self.stack.contains(&name) || self.stack.len() >= MAX_DEPTH {
                return None;
            }
            let target = self.spec.raw_component_schema(&name);
            self.stack.push(name);
            return match target {
                Value::Object(inner) => self.flatten(inner),
                _ => Some(Map::new()),
            };
        }
        let mut out = Map::new();
        for (k, v) in map {
            if !matches!(k.as_str(), "allOf" | "oneOf" | "anyOf" | "nullable") {
                out.insert(k.clone(), v.clone());
            }
        }
        let members = map.get("allOf").and_then(Value::as_array);
        for member in members.into_iter().flatten() {
            if let Value::Object(m) = member {
                let flat = self.flatten(m)?;
                merge(&mut out, flat);
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(alts) = map.get(key).and_then(Value::as_array)
                && let Some(Value::Object(alt)) = alts.get(self.mode.pick() % alts.len().max(1))
            {
                let flat = self.flatten(alt)?;
                merge(&mut out, flat);
            }
        }
        Some(out)
    }

    fn value_of_flat(&mut self, flat: &Map<String, Value>, hint: &str) -> Option<Value> {
        if let Some(values) = flat.get("enum").and_then(Value::as_array) {
            let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            if !values.is_empty() {
                return Some(values[self.mode.pick() % values.len()].clone());
            }
        }
        let ty = match flat.get("type").and_then(Value::as_str) {
            Some(t) => t,
            None if ["properties", "additionalProperties", "required"]
                .iter()
                .any(|k| flat.contains_key(*k)) =>
            {
                "object"
            }
            None if flat.contains_key("items") => "array",
            None => "string",
        };
        match ty {
            "object" => self.object(flat),
            "array" => self.array(flat, hint),
            "integer" => Some(integer(flat)),
            "number" => Some(number(flat)),
            "boolean" => Some(Value::Bool(true)),
            "null" => Some(Value::Null),
            _ => Some(Value::String(string(flat, hint))),
        }
    }

    fn object(&mut self, flat: &Map<String, Value>) -> Option<Value> {
        let required: BTreeSet<&str> = flat
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut out = Map::new();
        let props = flat.get("properties").and_then(Value::as_object);
        for (name, schema) in props.into_iter().flatten() {
            let is_required = required.contains(name.as_str());
            if self.mode == Mode::Minimal && !is_required {
                continue;
            }
            match self.value(schema, name) {
                Some(v) => {
                    out.insert(name.clone(), v);
                }
                // Cut recursion: the best a required property can get.
                None if is_required => {
                    out.insert(name.clone(), Value::Null);
                }
                None => {}
            }
        }
        for name in required {
            if !out.contains_key(name) {
                out.insert(name.to_owned(), json!(plausible(name)));
            }
        }
        if props.is_none_or(|p| p.is_empty()) && self.mode != Mode::Minimal {
            match flat.get("additionalProperties") {
                Some(Value::Bool(false)) => {}
                Some(schema @ Value::Object(s)) if !s.is_empty() => {
                    if let Some(v) = self.value(schema, "k") {
                        out.insert("k".to_owned(), v);
                    }
                }
                _ => {
                    out.insert("k".to_owned(), json!("v"));
                }
            }
        }
        Some(Value::Object(out))
    }

    fn array(&mut self, flat: &Map<String, Value>, hint: &str) -> Option<Value> {
        let min = flat.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = flat
            .get("maxItems")
            .and_then(Value::as_u64)
            .map(|m| m as usize);
        let count = max.map_or(min.max(1), |max| min.max(1).min(max));
        let items = flat.get("items").cloned().unwrap_or(json!({}));
        let mut out = Vec::with_capacity(count);
        for _ in 0..count {
            match self.value(&items, hint) {
                Some(v) => out.push(v),
                None => return Some(json!([])),
            }
        }
        Some(Value::Array(out))
    }
}

/// Merges a flattened schema into another: properties and required lists add up; other
/// keywords of the later schema win (its constraints are the narrower ones in this spec).
fn merge(into: &mut Map<String, Value>, from: Map<String, Value>) {
    for (k, v) in from {
        match (k.as_str(), into.get_mut(&k), v) {
            ("properties", Some(Value::Object(props)), Value::Object(more)) => props.extend(more),
            ("required", Some(Value::Array(names)), Value::Array(more)) => {
                for name in more {
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
            }
            (_, _, v) => {
                into.insert(k, v);
            }
        }
    }
}

fn plausible(hint: &str) -> String {
    if hint.is_empty() {
        "example".to_owned()
    } else {
        format!("example_{hint}")
    }
}

fn string(flat: &Map<String, Value>, hint: &str) -> String {
    let format = flat.get("format").and_then(Value::as_str).unwrap_or("");
    let pattern = flat.get("pattern").and_then(Value::as_str);
    let mut s = match format {
        "date-time" => "2024-05-12T10:20:30Z".to_owned(),
        "date" => "2024-05-12".to_owned(),
        "time" => "10:20:30Z".to_owned(),
        "email" | "idn-email" => "ada@example.com".to_owned(),
        "uri" | "url" | "iri" => format!("https://example.com/{hint}"),
        "uuid" => "123e4567-e89b-12d3-a456-426614174000".to_owned(),
        "byte" => "aGVsbG8=".to_owned(),
        _ => pattern
            .and_then(sample_pattern)
            .unwrap_or_else(|| plausible(hint)),
    };
    let min = flat.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    while s.chars().count() < min {
        s.push('x');
    }
    if let Some(max) = flat.get("maxLength").and_then(Value::as_u64) {
        s = s.chars().take(max as usize).collect();
    }
    s
}

/// A limit of a number, with whether it is exclusive.
type Bound = Option<(f64, bool)>;

/// The bounds of a number schema as `(low, high)` (3.0's boolean `exclusiveMinimum` and
/// 2020-12's number form both read).
fn bounds(flat: &Map<String, Value>) -> (Bound, Bound) {
    let bound = |inclusive: &str, exclusive: &str| match flat.get(exclusive) {
        Some(Value::Number(n)) => n.as_f64().map(|n| (n, true)),
        Some(Value::Bool(true)) => flat
            .get(inclusive)
            .and_then(Value::as_f64)
            .map(|n| (n, true)),
        _ => flat
            .get(inclusive)
            .and_then(Value::as_f64)
            .map(|n| (n, false)),
    };
    (
        bound("minimum", "exclusiveMinimum"),
        bound("maximum", "exclusiveMaximum"),
    )
}

fn integer(flat: &Map<String, Value>) -> Value {
    let mut v: i64 = if flat.get("format").and_then(Value::as_str) == Some("int64") {
        1_700_000_000_000
    } else {
        1
    };
    let (low, high) = bounds(flat);
    if let Some((lo, exclusive)) = low {
        let lo = if exclusive {
            lo.floor() as i64 + 1
        } else {
            lo.ceil() as i64
        };
        v = v.max(lo);
    }
    if let Some((hi, exclusive)) = high {
        let hi = if exclusive {
            hi.ceil() as i64 - 1
        } else {
            hi.floor() as i64
        };
        v = v.min(hi);
    }
    json!(v)
}

fn number(flat: &Map<String, Value>) -> Value {
    let mut v = 1.5;
    let (low, high) = bounds(flat);
    if let Some((lo, exclusive)) = low
        && (v < lo || (exclusive && v <= lo))
    {
        v = if exclusive { lo + 0.5 } else { lo };
    }
    if let Some((hi, exclusive)) = high
        && (v > hi || (exclusive && v >= hi))
    {
        v = if exclusive { hi - 0.5 } else { hi };
    }
    json!(v)
}

/// A string matching `pattern`, for the regex subset specs use: literals, escapes (`\w`,
/// `\d`, `\s`, `\S`, ...), classes (`[a-z0-9_-]`, `[^_]`), groups (`(...)`, `(?:...)`) with
/// alternation (the first branch is taken), anchors, and the quantifiers `?`, `*`, `+`,
/// `{n}`, `{n,}`, `{n,m}` (optional parts are included, `*` repeats zero times). `None` for
/// anything else.
pub(crate) fn sample_pattern(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut parser = PatternSampler {
        chars: &chars,
        pos: 0,
    };
    let out = parser.alternation()?;
    (parser.pos == chars.len()).then_some(out)
}

struct PatternSampler<'a> {
    chars: &'a [char],
    pos: usize,
}

impl PatternSampler<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn alternation(&mut self) -> Option<String> {
        let first = self.sequence()?;
        while self.peek() == Some('|') {
            self.pos += 1;
            self.sequence()?;
        }
        Some(first)
    }

    fn sequence(&mut self) -> Option<String> {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            let times = self.quantifier()?;
            for _ in 0..times {
                out.push_str(&atom);
            }
        }
        Some(out)
    }

    fn atom(&mut self) -> Option<String> {
        Some(match self.next()? {
            '^' | '$' => String::new(),
            '(' => {
                if self.peek() == Some('?') {
                    // Only non-capturing groups; lookarounds and named groups are not sampled.
                    if self.chars.get(self.pos + 1) != Some(&':') {
                        return None;
                    }
                    self.pos += 2;
                }
                let inner = self.alternation()?;
                if self.next()? != ')' {
                    return None;
                }
                inner
            }
            '[' => self.class()?.to_string(),
            '\\' => escape_sample(self.next()?)?.to_string(),
            '.' => "a".to_owned(),
            ')' | '|' | '*' | '+' | '?' | '{' => return None,
            c => c.to_string(),
        })
    }

    fn quantifier(&mut self) -> Option<usize> {
        let times = match self.peek() {
            Some('?' | '+') => {
                self.pos += 1;
                1
            }
            Some('*') => {
                self.pos += 1;
                0
            }
            Some('{') => {
                self.pos += 1;
                let mut digits = String::new();
                while let Some(c) = self.peek().filter(|c| c.is_ascii_digit()) {
                    digits.push(c);
                    self.pos += 1;
                }
                let low: usize = digits.parse().ok()?;
                while self.peek().is_some_and(|c| c == ',' || c.is_ascii_digit()) {
                    self.pos += 1;
                }
                if self.next()? != '}' {
                    return None;
                }
                low
            }
            _ => return Some(1),
        };
        if self.peek() == Some('?') {
            self.pos += 1; // lazy
        }
        Some(times)
    }

    fn class(&mut self) -> Option<char> {
        let negated = self.peek() == Some('^');
        if negated {
            self.pos += 1;
        }
        let mut ranges: Vec<(char, char)> = Vec::new();
        let mut first = true;
        loop {
            let c = self.next()?;
            if c == ']' && !first {
                break;
            }
            first = false;
            let low = if c == '\\' {
                match self.next()? {
                    'w' => {
                        ranges.extend([('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')]);
                        continue;
                    }
                    'd' => {
                        ranges.push(('0', '9'));
                        continue;
                    }
                    's' => {
                        ranges.extend([(' ', ' '), ('\t', '\t'), ('\n', '\n'), ('\r', '\r')]);
                        continue;
                    }
                    'S' | 'W' | 'D' | 'b' | 'B' => return None,
                    other => other,
                }
            } else {
                c
            };
            if self.peek() == Some('-') && self.chars.get(self.pos + 1).is_some_and(|&n| n != ']') {
                self.pos += 1;
                let mut high = self.next()?;
                if high == '\\' {
                    high = self.next()?;
                }
                ranges.push((low, high));
            } else {
                ranges.push((low, low));
            }
        }
        let inside = |ch: char| ranges.iter().any(|&(a, b)| a <= ch && ch <= b);
        const CANDIDATES: &str =
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_-.";
        if negated {
            CANDIDATES.chars().find(|&ch| !inside(ch))
        } else {
            CANDIDATES
                .chars()
                .find(|&ch| inside(ch))
                .or_else(|| ranges.first().map(|r| r.0))
        }
    }
}

fn escape_sample(escape: char) -> Option<char> {
    Some(match escape {
        'w' | 'S' | 'D' => 'a',
        'd' => '0',
        's' => ' ',
        'W' => '-',
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        'b' | 'B' | 'p' | 'P' | 'k' | 'u' | 'x' | 'c' => return None,
        c if c.is_ascii_digit() => return None,
        c => c,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_of_the_spec_are_sampled_and_match() {
        for pattern in [
            r"^user_\w{27}$",
            r"^(user|org|mch|scim)_\w{27}$",
            r"^ak_[0-9A-Fa-f]{32}$",
            r"^(ak|api_key)_[0-9A-Fa-f]{32}$",
            r"^[A-Z]{2}$",
            r"^[^_][A-Za-z0-9_-]*$",
            r"^(\S(.*\S)?)?$",
            r"^oauth_(?:(?:token_)|(?:custom_))?[a-z]+$",
            r"^from_oauth_(?:(?:token_)|(?:custom_))?[a-z]+$",
            r"^a\.b+c?d*e{2,3}$",
        ] {
            let sample = sample_pattern(pattern).unwrap_or_else(|| panic!("{pattern}: no sample"));
            let schema = json!({"type": "string", "pattern": pattern});
            assert!(
                jsonschema::is_valid(&schema, &json!(sample)),
                "{pattern}: {sample:?} does not match"
            );
        }
        assert_eq!(sample_pattern(r"^user_\w{3}$").as_deref(), Some("user_aaa"));
    }

    #[test]
    fn unsupported_patterns_give_none() {
        for pattern in [r"^(?=a)b$", r"(a)\1", r"\bword", "a{x}", "(a"] {
            assert_eq!(sample_pattern(pattern), None, "{pattern}");
        }
    }

    #[test]
    fn numbers_respect_bounds() {
        let flat = |v: Value| v.as_object().unwrap().clone();
        assert_eq!(
            integer(&flat(json!({"minimum": 10, "maximum": 20}))),
            json!(10)
        );
        assert_eq!(
            integer(&flat(
                json!({"format": "int64", "maximum": 100, "exclusiveMaximum": true})
            )),
            json!(99)
        );
        assert_eq!(
            integer(&flat(json!({"minimum": 0, "exclusiveMinimum": true}))),
            json!(1)
        );
        assert_eq!(number(&flat(json!({"minimum": 2}))), json!(2.0));
        assert_eq!(
            number(&flat(json!({"maximum": 1, "exclusiveMaximum": true}))),
            json!(0.5)
        );
    }
}
