//! JSON Schemas as callers give them (JSON text, or Python dicts and
//! lists), read without recursion and bounded in depth before anything
//! recursive (serde_json's parser, the schema compiler) sees them.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

use crate::errors::input_err;

/// Most levels of nested arrays and objects in a schema document (the
/// outermost one is level 1). Deeper documents are refused before they are
/// parsed or compiled, with the JSON Pointer where the limit is crossed.
pub const MAX_SCHEMA_DEPTH: usize = 1000;

/// Most values (objects, arrays and scalars) read from a Python schema: a
/// bound on the work when shared sub-dicts make it exponentially large.
pub const MAX_SCHEMA_VALUES: usize = 1_000_000;

/// Why a schema document was refused before compiling.
pub enum InputError {
    /// Nested deeper than [`MAX_SCHEMA_DEPTH`]; the pointer of the first
    /// value too deep.
    TooDeep(String),
    /// A value JSON cannot hold (at the pointer).
    NotJson(String, String),
    /// More than [`MAX_SCHEMA_VALUES`] values.
    TooLarge,
    /// A Python error (e.g. a type JSON does not have).
    Py(PyErr),
}

impl From<PyErr> for InputError {
    fn from(e: PyErr) -> Self {
        InputError::Py(e)
    }
}

/// `segments` as a JSON Pointer (RFC 6901).
fn pointer<'a>(segments: impl Iterator<Item = std::borrow::Cow<'a, str>>) -> String {
    let mut p = String::new();
    for s in segments {
        p.push('/');
        p.push_str(&s.replace('~', "~0").replace('/', "~1"));
    }
    p
}

/// Where JSON `text` first nests deeper than `limit`, as a JSON Pointer,
/// or None. One pass over the bytes, no recursion; malformed text is left
/// for the parser to report.
pub fn text_too_deep(text: &str, limit: usize) -> Option<String> {
    enum Seg {
        /// The current key (byte span of the quoted string), and whether
        /// the next string is a key.
        Obj(Option<(usize, usize)>, bool),
        Arr(usize),
    }
    let b = text.as_bytes();
    let mut stack: Vec<Seg> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                let end = (i + 1).min(b.len());
                if let Some(Seg::Obj(key, expect)) = stack.last_mut() {
                    if *expect {
                        *key = Some((start, end));
                        *expect = false;
                    }
                }
            }
            c @ (b'{' | b'[') => {
                if stack.len() >= limit {
                    let segs = stack.iter().map(|s| match *s {
                        Seg::Obj(Some((a, z)), _) => {
                            let raw = text.get(a..z).unwrap_or("");
                            serde_json::from_str::<String>(raw).map_or_else(
                                |_| raw.trim_matches('"').to_owned().into(),
                                Into::into,
                            )
                        }
                        Seg::Obj(None, _) => "".into(),
                        Seg::Arr(n) => n.to_string().into(),
                    });
                    return Some(pointer(segs));
                }
                stack.push(if c == b'{' {
                    Seg::Obj(None, true)
                } else {
                    Seg::Arr(0)
                });
            }
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Seg::Arr(n)) => *n += 1,
                Some(Seg::Obj(_, expect)) => *expect = true,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    None
}

/// An object or array being read: its children, and the values made of
/// those read so far.
enum Frame<'py> {
    Obj {
        kids: Vec<(String, Bound<'py, PyAny>)>,
        next: usize,
        map: Map<String, Value>,
    },
    Arr {
        kids: Vec<Bound<'py, PyAny>>,
        next: usize,
        vec: Vec<Value>,
    },
}

impl<'py> Frame<'py> {
    /// The next child to read.
    fn next_kid(&mut self) -> Option<Bound<'py, PyAny>> {
        match self {
            Frame::Obj { kids, next, .. } => {
                let k = kids.get(*next)?.1.clone();
                *next += 1;
                Some(k)
            }
            Frame::Arr { kids, next, .. } => {
                let k = kids.get(*next)?.clone();
                *next += 1;
                Some(k)
            }
        }
    }

    /// Stores the value of the child last returned by `next_kid`.
    fn put(&mut self, v: Value) {
        match self {
            Frame::Obj { kids, next, map } => {
                let key = std::mem::take(&mut kids[*next - 1].0);
                map.insert(key, v);
            }
            Frame::Arr { vec, .. } => vec.push(v),
        }
    }

    /// The segment of the child being read, for pointers.
    fn segment(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Frame::Obj { kids, next, .. } => kids
                .get(next.wrapping_sub(1))
                .map_or("".into(), |k| k.0.as_str().into()),
            Frame::Arr { next, .. } => next.saturating_sub(1).to_string().into(),
        }
    }

    fn finish(self) -> Value {
        match self {
            Frame::Obj { map, .. } => Value::Object(map),
            Frame::Arr { vec, .. } => Value::Array(vec),
        }
    }
}

enum Read<'py> {
    Leaf(Value),
    Open(Frame<'py>),
}

/// A dict key as `json.dumps` writes it.
fn key_text(k: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = k.cast::<PyString>() {
        return Ok(s.to_str()?.to_owned());
    }
    if k.is_instance_of::<PyBool>() {
        return Ok(if k.extract::<bool>()? {
            "true"
        } else {
            "false"
        }
        .to_owned());
    }
    if k.is_none() {
        return Ok("null".to_owned());
    }
    if k.is_instance_of::<PyInt>() {
        return k
            .py()
            .get_type::<PyInt>()
            .call_method1("__repr__", (k,))?
            .extract();
    }
    if k.is_instance_of::<PyFloat>() {
        let r: String = k
            .py()
            .get_type::<PyFloat>()
            .call_method1("__repr__", (k,))?
            .extract()?;
        return Ok(match r.as_str() {
            "inf" => "Infinity".to_owned(),
            "-inf" => "-Infinity".to_owned(),
            "nan" => "NaN".to_owned(),
            _ => r,
        });
    }
    Err(PyTypeError::new_err(format!(
        "schema keys must be str, int, float, bool or None, not {}",
        k.get_type().name()?
    )))
}

/// One Python value: a scalar, or the start of an object or array.
fn read<'py>(obj: &Bound<'py, PyAny>, at: &dyn Fn() -> String) -> Result<Read<'py>, InputError> {
    if obj.is_none() {
        return Ok(Read::Leaf(Value::Null));
    }
    if obj.is_instance_of::<PyBool>() {
        return Ok(Read::Leaf(Value::Bool(obj.extract()?)));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(v) = obj.extract::<i64>() {
            return Ok(Read::Leaf(Value::Number(v.into())));
        }
        if let Ok(v) = obj.extract::<u64>() {
            return Ok(Read::Leaf(Value::Number(v.into())));
        }
        // As a JSON parser reads a long integer: a float.
        let f = obj
            .py()
            .get_type::<PyFloat>()
            .call1((obj,))
            .and_then(|f| f.extract::<f64>());
        return match f.ok().and_then(Number::from_f64) {
            Some(n) => Ok(Read::Leaf(Value::Number(n))),
            None => Err(InputError::NotJson(
                at(),
                "an integer too large for JSON".into(),
            )),
        };
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return match Number::from_f64(f.value()) {
            Some(n) => Ok(Read::Leaf(Value::Number(n))),
            None => Err(InputError::NotJson(
                at(),
                format!("{}, which is not a JSON number", f.value()),
            )),
        };
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return match s.to_str() {
            Ok(s) => Ok(Read::Leaf(Value::String(s.to_owned()))),
            Err(_) => Err(InputError::NotJson(
                at(),
                "a string that is not valid Unicode (a lone surrogate)".into(),
            )),
        };
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut kids = Vec::with_capacity(d.len());
        for (k, v) in d.iter() {
            kids.push((key_text(&k)?, v));
        }
        let map = Map::with_capacity(kids.len());
        return Ok(Read::Open(Frame::Obj { kids, next: 0, map }));
    }
    let kids: Option<Vec<Bound<'py, PyAny>>> = if let Ok(l) = obj.cast::<PyList>() {
        Some(l.iter().collect())
    } else if let Ok(t) = obj.cast::<PyTuple>() {
        Some(t.iter().collect())
    } else {
        None
    };
    if let Some(kids) = kids {
        let vec = Vec::with_capacity(kids.len());
        return Ok(Read::Open(Frame::Arr { kids, next: 0, vec }));
    }
    Err(InputError::Py(PyTypeError::new_err(format!(
        "the schema holds a {} at {:?}, which is not JSON (dicts, lists, str, int, float, bool, None)",
        obj.get_type().name()?,
        at()
    ))))
}

/// A Python schema (dicts, lists, tuples, str, int, float, bool, None) as
/// JSON, as `json.dumps` then a JSON parser would read it, without
/// recursion: nested deeper than `limit`, it is refused.
pub fn from_python(obj: &Bound<'_, PyAny>, limit: usize) -> Result<Value, InputError> {
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut values = 1usize;
    let frame = match read(obj, &String::new)? {
        Read::Leaf(v) => return Ok(v),
        Read::Open(f) => f,
    };
    if limit == 0 {
        return Err(InputError::TooDeep(String::new()));
    }
    stack.push(frame);
    loop {
        let top = stack
            .last_mut()
            .expect("the stack holds the root until it is done");
        let Some(kid) = top.next_kid() else {
            let v = stack.pop().expect("non-empty").finish();
            match stack.last_mut() {
                Some(parent) => parent.put(v),
                None => return Ok(v),
            }
            continue;
        };
        values += 1;
        if values > MAX_SCHEMA_VALUES {
            return Err(InputError::TooLarge);
        }
        let at = || pointer(stack.iter().map(Frame::segment));
        match read(&kid, &at)? {
            Read::Leaf(v) => stack.last_mut().expect("non-empty").put(v),
            Read::Open(f) => {
                if stack.len() >= limit {
                    return Err(InputError::TooDeep(at()));
                }
                stack.push(f);
            }
        }
    }
}

/// Drops a value without recursion (a deep one would overflow the stack).
pub fn drop_flat(v: Value) {
    let mut todo = vec![v];
    while let Some(v) = todo.pop() {
        match v {
            Value::Array(a) => todo.extend(a),
            Value::Object(m) => todo.extend(m.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

/// A schema as given: JSON text, or the JSON a Python object stands for.
/// Either is checked to nest at most [`MAX_SCHEMA_DEPTH`] levels, without
/// recursion, before anything recursive reads it.
pub enum SchemaInput {
    Text(String),
    Value(Value),
}

impl SchemaInput {
    /// Reads a schema argument: a `str` is JSON text, anything else the
    /// JSON it stands for (dicts, lists, strings, numbers, ...).
    pub fn new(py: Python<'_>, schema: &Bound<'_, PyAny>) -> PyResult<SchemaInput> {
        let too_deep = |pointer: String| {
            let shown = if pointer.len() > 120 {
                let cut = (0..=60)
                    .rev()
                    .find(|&i| pointer.is_char_boundary(i))
                    .unwrap_or(0);
                let tail = (pointer.len() - 40..pointer.len())
                    .find(|&i| pointer.is_char_boundary(i))
                    .unwrap_or(pointer.len());
                format!("{}…{}", &pointer[..cut], &pointer[tail..])
            } else {
                pointer.clone()
            };
            input_err(
                py,
                pointer,
                format!(
                    "the schema nests arrays and objects more than {MAX_SCHEMA_DEPTH} levels \
                     deep, corral's depth limit (at {shown:?})"
                ),
            )
        };
        if schema.is_instance_of::<pyo3::types::PyType>() && schema.hasattr("model_json_schema")? {
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "a Pydantic model class is not a JSON Schema: use Grammar.from_pydantic(Model) \
                 (or pass Model.model_json_schema())",
            ));
        }
        if let Ok(s) = schema.cast::<PyString>() {
            let text = s.to_str()?.to_owned();
            if let Some(p) = text_too_deep(&text, MAX_SCHEMA_DEPTH) {
                return Err(too_deep(p));
            }
            return Ok(SchemaInput::Text(text));
        }
        match from_python(schema, MAX_SCHEMA_DEPTH) {
            Ok(v) => Ok(SchemaInput::Value(v)),
            Err(InputError::TooDeep(p)) => Err(too_deep(p)),
            Err(InputError::NotJson(p, what)) => {
                let msg = format!("the schema holds {what} at {p:?}");
                Err(input_err(py, p, msg))
            }
            Err(InputError::TooLarge) => Err(input_err(
                py,
                String::new(),
                format!(
                    "the schema holds more than {MAX_SCHEMA_VALUES} values (shared sub-dicts \
                     count each time they appear)"
                ),
            )),
            Err(InputError::Py(e)) => Err(e),
        }
    }

    /// The schema's JSON text and value (text is parsed here, its depth
    /// bounded already, so the parser's recursion is too: run it on a
    /// thread with a large stack).
    pub fn read(self) -> Result<(String, Value), String> {
        match self {
            SchemaInput::Text(text) => {
                let mut de = serde_json::Deserializer::from_str(&text);
                // The depth was bounded when the input was made.
                de.disable_recursion_limit();
                match serde::Deserialize::deserialize(&mut de).and_then(|v| de.end().map(|()| v)) {
                    Ok(v) => Ok((text, v)),
                    Err(e) => Err(format!("the schema is not valid JSON: {e}")),
                }
            }
            SchemaInput::Value(v) => Ok((serde_json::to_string(&v).unwrap_or_default(), v)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_of_text() {
        assert_eq!(text_too_deep("[[1]]", 2), None);
        assert_eq!(text_too_deep("[[[1]]]", 2).as_deref(), Some("/0/0"));
        assert_eq!(
            text_too_deep(r#"{"a": 1, "b/~": {"c": [0, {"[": "{"}]}}"#, 3).as_deref(),
            Some("/b~1~0/c/1")
        );
        assert_eq!(
            text_too_deep(r#"{"x\"{": "[[[[", "y": []}"#, 1).as_deref(),
            Some("/y")
        );
        assert_eq!(text_too_deep(r#"{"\u0061": {}}"#, 1).as_deref(), Some("/a"));
    }
}
