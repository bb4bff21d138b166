//! Caller-owned buffers: token masks (int32) and logits (floats), given as
//! numpy arrays, torch tensors, or anything else with the buffer protocol.
//!
//! Nothing about a buffer is remembered between calls: each call checks its
//! buffers afresh (element type, shape, contiguity, writability, device,
//! and for tensors that the storage still holds every element), and reads
//! or writes them only while it holds the GIL, right after the checks, so
//! no Python code can resize, free or re-type the memory in between. (A
//! buffer export alone would not be enough: numpy resizes an exported array
//! when asked with `refcheck=False`.) Work that needs no buffer, such as
//! computing a mask, runs detached into Rust-owned memory and is copied in
//! afterwards.
//!
//! A tensor is checked through its own methods (`data_ptr()`,
//! `untyped_storage()`, ...). Python code that intercepts those calls (a
//! tensor subclass's `__torch_function__`, a `TorchFunctionMode`) runs in
//! the middle of the checks and is trusted not to resize the storage there.

use std::ffi::{c_char, c_int, c_void, CStr};

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

/// Element types corral reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Elem {
    I32,
    F16,
    BF16,
    F32,
    F64,
}

impl Elem {
    pub fn size(self) -> usize {
        match self {
            Elem::F16 | Elem::BF16 => 2,
            Elem::I32 | Elem::F32 => 4,
            Elem::F64 => 8,
        }
    }
}

/// What a buffer is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// An int32 token mask that corral writes.
    MaskOut,
    /// An int32 token mask that corral reads.
    MaskIn,
    /// Logits that corral writes -inf into.
    Logits,
    /// float32 logits that corral reads.
    LogitsIn,
}

impl Role {
    fn accepts(self, e: Elem) -> bool {
        match self {
            Role::MaskOut | Role::MaskIn => e == Elem::I32,
            Role::Logits => e != Elem::I32,
            Role::LogitsIn => e == Elem::F32,
        }
    }

    fn is_logits(self) -> bool {
        matches!(self, Role::Logits | Role::LogitsIn)
    }

    fn writes(self) -> bool {
        self != Role::MaskIn && self != Role::LogitsIn
    }

    fn what(self) -> &'static str {
        match self {
            Role::MaskOut | Role::MaskIn => "bitmask",
            Role::Logits | Role::LogitsIn => "logits",
        }
    }

    fn dtypes(self) -> &'static str {
        match self {
            Role::MaskOut | Role::MaskIn => "int32",
            Role::Logits => "float32, float16, bfloat16 or float64",
            Role::LogitsIn => "float32",
        }
    }
}

/// A checked caller buffer: 1-D (one row) or 2-D, C-contiguous, with
/// `rows * cols` elements of `elem` at `ptr`. Valid while it lives; it
/// cannot leave the thread nor outlive the GIL hold that made it (it holds
/// a `Bound<'py>`, which is not `Send`).
pub struct Buf<'py> {
    ptr: *mut u8,
    pub rows: usize,
    pub cols: usize,
    pub elem: Elem,
    /// Keeps the buffer exported (released on drop, with the GIL held).
    _export: Option<Export>,
    /// Keeps the object alive.
    _obj: Bound<'py, PyAny>,
}

impl Buf<'_> {
    fn len_bytes(&self) -> usize {
        // Checked when the buffer was made.
        self.rows * self.cols * self.elem.size()
    }

    /// Copies `src` (whole rows of a mask) into the buffer from row `row`.
    pub fn write_mask_rows(&mut self, row: usize, src: &[u32]) -> PyResult<()> {
        let start = row.checked_mul(self.cols * 4);
        let end = start.and_then(|s| s.checked_add(std::mem::size_of_val(src)));
        match (self.elem, start, end) {
            (Elem::I32, Some(start), Some(end)) if end <= self.len_bytes() => {
                // SAFETY: the buffer was checked just now, with the GIL held
                // since (no Python code ran to resize or free it): `ptr`
                // holds `len_bytes()` writable bytes, and `start..end` lies
                // inside them. `src` is Rust-owned and cannot overlap it;
                // bytes are copied, so the buffer needs no alignment.
                unsafe {
                    std::ptr::copy_nonoverlapping(
                        src.as_ptr().cast::<u8>(),
                        self.ptr.add(start),
                        end - start,
                    );
                }
                Ok(())
            }
            _ => Err(PyValueError::new_err(
                "internal error: a mask write outside the bitmask",
            )),
        }
    }

    /// The whole mask, copied out (`rows * cols` words).
    pub fn read_mask(&self) -> Vec<u32> {
        let n = self.rows * self.cols;
        let mut out = vec![0u32; n];
        if self.elem == Elem::I32 {
            // SAFETY: as in `write_mask_rows`: `ptr` holds `len_bytes()`
            // = 4n readable bytes while the GIL is held; the destination is
            // a fresh Rust vector of n words; a byte copy needs no alignment.
            unsafe {
                std::ptr::copy_nonoverlapping(
                    self.ptr.cast_const(),
                    out.as_mut_ptr().cast::<u8>(),
                    4 * n,
                );
            }
        }
        out
    }

    /// float32 elements, read-only.
    pub fn as_f32(&self) -> PyResult<&[f32]> {
        if self.elem != Elem::F32 || (self.ptr as usize) % 4 != 0 {
            return Err(PyValueError::new_err(
                "internal error: logits read as float32 are not float32",
            ));
        }
        let n = self.rows * self.cols;
        if n == 0 {
            return Ok(&[]);
        }
        // SAFETY: checked just now with the GIL held since: `ptr` holds n
        // readable float32 elements, aligned (tested above), and every bit
        // pattern is a valid f32. The slice borrows `self`, which cannot
        // outlive this GIL hold, so no Python code can free or resize the
        // memory while it lives.
        Ok(unsafe { std::slice::from_raw_parts(self.ptr.cast::<f32>().cast_const(), n) })
    }

    /// The elements as a mutable slice of `T` (the same size as `elem`).
    pub fn as_mut_slice<T: Copy>(&mut self) -> PyResult<&mut [T]> {
        let size = std::mem::size_of::<T>();
        if size != self.elem.size() || (self.ptr as usize) % std::mem::align_of::<T>() != 0 {
            return Err(PyValueError::new_err(format!(
                "internal error: {}-byte elements seen as {size}-byte ones",
                self.elem.size()
            )));
        }
        let n = self.rows * self.cols;
        if n == 0 {
            return Ok(&mut []);
        }
        // SAFETY: checked just now with the GIL held since: `ptr` holds n
        // writable elements of `size` bytes, aligned for `T` (tested
        // above), and every bit pattern is a valid `T` (plain integers
        // standing for floats). The slice borrows `self`, which cannot
        // outlive this GIL hold, and no other Rust reference to the memory
        // exists (masks are copied out before logits are written).
        Ok(unsafe { std::slice::from_raw_parts_mut(self.ptr.cast::<T>(), n) })
    }
}

/// Reads and checks a caller's buffer for `role`.
pub fn buffer<'py>(obj: &Bound<'py, PyAny>, role: Role) -> PyResult<Buf<'py>> {
    let py = obj.py();
    if let Some(t) = TORCH.get(py) {
        if obj.is_instance(t.tensor.bind(py))? {
            return tensor(obj, t, role);
        }
    }
    match export(obj)? {
        Some(e) => exported(obj, e, role),
        None => match torch(py)? {
            Some(t) if obj.is_instance(t.tensor.bind(py))? => tensor(obj, t, role),
            _ => Err(PyTypeError::new_err(format!(
                "{} must be a numpy array or a torch tensor of {}, got {}",
                role.what(),
                role.dtypes(),
                obj.get_type().name()?
            ))),
        },
    }
}

fn shape_2d(shape: &[usize], role: Role) -> PyResult<(usize, usize)> {
    match *shape {
        [w] => Ok((1, w)),
        [b, w] => Ok((b, w)),
        _ => Err(PyValueError::new_err(format!(
            "{} must have shape [rows, {}] or [{}], got {shape:?}",
            role.what(),
            if role.is_logits() { "width" } else { "words" },
            if role.is_logits() { "width" } else { "words" },
        ))),
    }
}

/// `rows * cols * size`, or an error if it overflows.
fn byte_len(rows: usize, cols: usize, size: usize) -> PyResult<usize> {
    rows.checked_mul(cols)
        .and_then(|n| n.checked_mul(size))
        .filter(|&n| n <= isize::MAX as usize)
        .ok_or_else(|| PyValueError::new_err("buffer size overflows"))
}

// ---------------------------------------------------------------- buffer protocol

/// `Py_buffer`, as CPython lays it out on every version corral supports
/// (the layout has not changed since 3.3; it joined the limited API in
/// 3.11, after the 3.10 ABI corral's wheels target, so pyo3 does not
/// declare it for these wheels).
#[repr(C)]
struct RawBuffer {
    buf: *mut c_void,
    obj: *mut ffi::PyObject,
    len: ffi::Py_ssize_t,
    itemsize: ffi::Py_ssize_t,
    readonly: c_int,
    ndim: c_int,
    format: *mut c_char,
    shape: *mut ffi::Py_ssize_t,
    strides: *mut ffi::Py_ssize_t,
    suboffsets: *mut ffi::Py_ssize_t,
    internal: *mut c_void,
}

extern "C" {
    // Exported by every CPython 3 interpreter (and part of the stable ABI
    // from 3.11). A Windows wheel for 3.10 would not find them in
    // python3.dll; corral builds Linux wheels.
    fn PyObject_GetBuffer(obj: *mut ffi::PyObject, view: *mut RawBuffer, flags: c_int) -> c_int;
    fn PyBuffer_Release(view: *mut RawBuffer);
}

const PYBUF_FORMAT: c_int = 0x0004;
const PYBUF_ND: c_int = 0x0008;
const PYBUF_STRIDES: c_int = 0x0010 | PYBUF_ND;

/// A buffer exported by its object (released on drop). Boxed: exporters
/// may point `shape` into the struct itself.
struct Export(Box<RawBuffer>);

impl Drop for Export {
    fn drop(&mut self) {
        // SAFETY: the export succeeded (see `export`) and is released once,
        // here. An `Export` lives only inside a `Buf<'py>`, dropped before
        // the GIL hold that made it ends.
        unsafe { PyBuffer_Release(&mut *self.0) }
    }
}

/// The object's buffer, or None if it does not export one.
fn export(obj: &Bound<'_, PyAny>) -> PyResult<Option<Export>> {
    let py = obj.py();
    let mut raw = Box::new(RawBuffer {
        buf: std::ptr::null_mut(),
        obj: std::ptr::null_mut(),
        len: 0,
        itemsize: 0,
        readonly: 0,
        ndim: 0,
        format: std::ptr::null_mut(),
        shape: std::ptr::null_mut(),
        strides: std::ptr::null_mut(),
        suboffsets: std::ptr::null_mut(),
        internal: std::ptr::null_mut(),
    });
    // SAFETY: `obj` is a live object and the GIL is held (`Bound`); `raw`
    // is a writable `Py_buffer` that stays at one address (boxed).
    let rc = unsafe { PyObject_GetBuffer(obj.as_ptr(), &mut *raw, PYBUF_STRIDES | PYBUF_FORMAT) };
    if rc == 0 {
        return Ok(Some(Export(raw)));
    }
    let err = PyErr::fetch(py);
    if err.is_instance_of::<PyTypeError>(py) {
        // Not a buffer exporter (e.g. a torch tensor).
        return Ok(None);
    }
    Err(err)
}

/// The element type a `struct` format names, in native byte order.
fn format_elem(format: &[u8], itemsize: usize) -> Option<Elem> {
    let (order, code) = match *format {
        [c] => (b'@', c),
        [o, c] => (o, c),
        _ => return None,
    };
    let native = match order {
        b'@' | b'=' => true,
        b'<' => cfg!(target_endian = "little"),
        b'>' | b'!' => cfg!(target_endian = "big"),
        _ => false,
    };
    if !native {
        return None;
    }
    match (code, itemsize) {
        (b'i' | b'l', 4) => Some(Elem::I32),
        (b'e', 2) => Some(Elem::F16),
        (b'f', 4) => Some(Elem::F32),
        (b'd', 8) => Some(Elem::F64),
        _ => None,
    }
}

/// A numpy-style name for a `struct` format, for messages.
fn format_name(format: &str, itemsize: usize) -> String {
    let code = format.trim_start_matches(['@', '=', '<', '>', '!']);
    let name = match code {
        "?" => "bool",
        "b" => "int8",
        "B" | "c" => "uint8",
        "h" => "int16",
        "H" => "uint16",
        "i" | "l" | "q" | "n" => match itemsize {
            4 => "int32",
            8 => "int64",
            _ => "",
        },
        "I" | "L" | "Q" | "N" => match itemsize {
            4 => "uint32",
            8 => "uint64",
            _ => "",
        },
        "e" => "float16",
        "f" => "float32",
        "d" => "float64",
        _ => "",
    };
    let swapped = format_elem(format.as_bytes(), itemsize).is_none()
        && format_elem(code.as_bytes(), itemsize).is_some();
    match (name, swapped) {
        ("", _) => format!("format {format:?} ({itemsize}-byte items)"),
        (n, true) => format!("{n} in non-native byte order"),
        (n, false) => n.to_owned(),
    }
}

fn exported<'py>(obj: &Bound<'py, PyAny>, e: Export, role: Role) -> PyResult<Buf<'py>> {
    let raw = &*e.0;
    let what = role.what();
    let itemsize = usize::try_from(raw.itemsize).unwrap_or(0);
    let format = if raw.format.is_null() {
        "B".to_owned()
    } else {
        // SAFETY: a non-null `format` is a NUL-terminated string owned by
        // the export, alive until it is released.
        unsafe { CStr::from_ptr(raw.format) }
            .to_string_lossy()
            .into_owned()
    };
    let elem = format_elem(format.as_bytes(), itemsize)
        .filter(|&el| role.accepts(el))
        .ok_or_else(|| {
            PyTypeError::new_err(format!(
                "{what} must be {}, got {}",
                role.dtypes(),
                format_name(&format, itemsize)
            ))
        })?;
    let ndim = usize::try_from(raw.ndim).unwrap_or(usize::MAX);
    if ndim == 0 || ndim > 2 || raw.shape.is_null() {
        return Err(PyValueError::new_err(format!(
            "{what} must have 1 or 2 dimensions, got {}",
            raw.ndim
        )));
    }
    // SAFETY: with PyBUF_ND requested, a non-null `shape` (checked above)
    // holds `ndim` (1 or 2, checked) entries, alive until the export is
    // released (it is held by `e` for this whole function).
    let shape: Vec<isize> = unsafe { std::slice::from_raw_parts(raw.shape, ndim) }.to_vec();
    let strides: Option<Vec<isize>> = (!raw.strides.is_null()).then(|| {
        // SAFETY: as for `shape`: PyBUF_STRIDES was requested, and a
        // non-null `strides` (tested just above) holds `ndim` entries.
        unsafe { std::slice::from_raw_parts(raw.strides, ndim) }.to_vec()
    });
    let shape: Vec<usize> = shape
        .iter()
        .map(|&s| usize::try_from(s))
        .collect::<Result<_, _>>()
        .map_err(|_| PyValueError::new_err(format!("{what} has a negative dimension")))?;
    let (rows, cols) = shape_2d(&shape, role)?;
    let len = byte_len(rows, cols, itemsize)?;
    if usize::try_from(raw.len).ok() != Some(len) {
        return Err(PyValueError::new_err(format!(
            "{what}'s buffer holds {} bytes, its shape {shape:?} needs {len}",
            raw.len
        )));
    }
    if let Some(st) = &strides {
        // C order: each stride is the size of what follows (dimensions of
        // length 1 may have any stride).
        let mut want = itemsize as isize;
        for (&n, &s) in shape.iter().zip(st).rev() {
            if n > 1 && s != want {
                return Err(PyValueError::new_err(format!(
                    "{what} must be C-contiguous (strides {st:?}); copy it with np.ascontiguousarray"
                )));
            }
            want *= n as isize;
        }
    }
    if !raw.suboffsets.is_null() {
        return Err(PyValueError::new_err(format!(
            "{what} must be C-contiguous (an indirect buffer)"
        )));
    }
    if role.writes() && raw.readonly != 0 {
        return Err(PyValueError::new_err(format!("{what} is read-only")));
    }
    if len > 0 && raw.buf.is_null() {
        return Err(PyValueError::new_err(format!("{what} has no memory")));
    }
    if role.is_logits() && (raw.buf as usize) % elem.size() != 0 {
        return Err(PyValueError::new_err(format!(
            "{what} are not aligned to their {}-byte elements",
            elem.size()
        )));
    }
    Ok(Buf {
        ptr: raw.buf.cast::<u8>(),
        rows,
        cols,
        elem,
        _export: Some(e),
        _obj: obj.clone(),
    })
}

// ---------------------------------------------------------------- torch tensors

/// torch objects, looked up once torch is imported.
struct Torch {
    tensor: Py<PyType>,
    strided: Py<PyAny>,
    dtypes: Vec<(Py<PyAny>, Elem)>,
}

static TORCH: PyOnceLock<Torch> = PyOnceLock::new();

/// torch's objects if the program imported torch (a tensor cannot exist
/// otherwise).
fn torch(py: Python<'_>) -> PyResult<Option<&Torch>> {
    if let Some(t) = TORCH.get(py) {
        return Ok(Some(t));
    }
    let modules = py.import("sys")?.getattr("modules")?;
    let Ok(m) = modules.get_item("torch") else {
        return Ok(None);
    };
    let t = TORCH.get_or_try_init(py, || -> PyResult<Torch> {
        let dtype = |name: &str, e: Elem| -> PyResult<(Py<PyAny>, Elem)> {
            Ok((m.getattr(name)?.unbind(), e))
        };
        Ok(Torch {
            tensor: m.getattr("Tensor")?.cast_into::<PyType>()?.unbind(),
            strided: m.getattr("strided")?.unbind(),
            dtypes: vec![
                dtype("int32", Elem::I32)?,
                dtype("float32", Elem::F32)?,
                dtype("float16", Elem::F16)?,
                dtype("bfloat16", Elem::BF16)?,
                dtype("float64", Elem::F64)?,
            ],
        })
    })?;
    Ok(Some(t))
}

fn tensor<'py>(obj: &Bound<'py, PyAny>, t: &Torch, role: Role) -> PyResult<Buf<'py>> {
    let py = obj.py();
    let what = role.what();
    let layout = obj.getattr(intern!(py, "layout"))?;
    if !layout.is(t.strided.bind(py)) {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a dense tensor, got layout {layout}"
        )));
    }
    if !obj.getattr(intern!(py, "is_cpu"))?.extract::<bool>()? {
        let device = obj.getattr(intern!(py, "device"))?;
        let hint = if role == Role::Logits {
            ""
        } else {
            "; fill it on the CPU and copy it with .to(device, non_blocking=True)"
        };
        return Err(PyValueError::new_err(format!(
            "{what} must be on the CPU (got {device}){hint}"
        )));
    }
    let dtype = obj.getattr(intern!(py, "dtype"))?;
    let elem = t
        .dtypes
        .iter()
        .find(|(d, _)| dtype.is(d.bind(py)))
        .map(|&(_, e)| e)
        .filter(|&e| role.accepts(e))
        .ok_or_else(|| {
            PyTypeError::new_err(format!("{what} must be {}, got {dtype}", role.dtypes()))
        })?;
    let shape: Vec<usize> = obj.getattr(intern!(py, "shape"))?.extract()?;
    let (rows, cols) = shape_2d(&shape, role)?;
    if !obj
        .call_method0(intern!(py, "is_contiguous"))?
        .extract::<bool>()?
    {
        return Err(PyValueError::new_err(format!(
            "{what} must be contiguous (call .contiguous())"
        )));
    }
    if obj.call_method0(intern!(py, "is_neg"))?.extract::<bool>()? {
        return Err(PyValueError::new_err(format!(
            "{what} is a negated view (call .resolve_neg())"
        )));
    }
    if role == Role::Logits
        && obj
            .getattr(intern!(py, "requires_grad"))?
            .extract::<bool>()?
    {
        return Err(PyValueError::new_err(
            "logits require grad: mask them with corral.apply_mask, which records the operation",
        ));
    }
    let size = elem.size();
    let len = byte_len(rows, cols, size)?;
    let ptr: usize = obj.call_method0(intern!(py, "data_ptr"))?.extract()?;
    if len > 0 {
        if ptr == 0 {
            return Err(PyValueError::new_err(format!(
                "{what} has no memory (data_ptr() is 0)"
            )));
        }
        let storage = obj.call_method0(intern!(py, "untyped_storage"))?;
        let nbytes: usize = storage.call_method0(intern!(py, "nbytes"))?.extract()?;
        let base: usize = storage.call_method0(intern!(py, "data_ptr"))?.extract()?;
        let offset: usize = obj.call_method0(intern!(py, "storage_offset"))?.extract()?;
        let start = offset.checked_mul(size);
        let inside = start
            .and_then(|s| Some((base.checked_add(s)?, s.checked_add(len)?)))
            .is_some_and(|(p, end)| p == ptr && end <= nbytes);
        if !inside {
            return Err(PyValueError::new_err(format!(
                "{what}'s storage holds {nbytes} bytes, too few for its {} elements at offset \
                 {offset} (was the storage resized or released?)",
                rows * cols
            )));
        }
        if ptr % size != 0 {
            return Err(PyValueError::new_err(format!(
                "{what} is not aligned to its {size}-byte elements"
            )));
        }
    }
    Ok(Buf {
        ptr: ptr as *mut u8,
        rows,
        cols,
        elem,
        _export: None,
        _obj: obj.clone(),
    })
}
