//! wasinet's C API (include/wasinet/wasinet.h), declared for Rust by hand:
//! only the functions the shim calls, with the header's types, and safe
//! wrappers around them. Keep each declaration identical to the header's.
use std::ffi::{c_char, c_int, CStr};
use std::ptr;

/// wasinet_status_t: WASINET_OK or an error category.
type Status = c_int;
const WASINET_OK: Status = 0;

#[repr(C)]
struct RawEngine {
    _opaque: [u8; 0],
}
#[repr(C)]
struct RawEngineOptions {
    _opaque: [u8; 0],
}

extern "C" {
    fn wasinet_version() -> *const c_char;
    fn wasinet_last_error() -> *const c_char;
    fn wasinet_engine_new(options: *const RawEngineOptions, out: *mut *mut RawEngine) -> Status;
    fn wasinet_engine_free(engine: *mut RawEngine);
    fn wasinet_engine_fingerprint(engine: *const RawEngine) -> *const c_char;
}

/// The linked library's version ("0.1.0").
pub fn version() -> &'static str {
    // SAFETY: wasinet_version returns a NUL-terminated string in static
    // storage and never fails.
    let v = unsafe { CStr::from_ptr(wasinet_version()) };
    v.to_str().expect("wasinet_version() is ASCII")
}

/// The reason for this thread's last failed wasinet call.
fn last_error() -> String {
    // SAFETY: wasinet_last_error returns a NUL-terminated string valid until
    // this thread's next wasinet call; it is copied at once.
    unsafe { CStr::from_ptr(wasinet_last_error()) }
        .to_string_lossy()
        .into_owned()
}

/// A wasinet engine (compiler and code cache), freed on drop.
pub struct Engine(*mut RawEngine);

impl Engine {
    /// An engine with the default settings. Err: wasinet's one-line reason.
    pub fn new() -> Result<Engine, String> {
        let mut raw = ptr::null_mut();
        // SAFETY: NULL options mean the defaults; `raw` is written only on
        // success.
        match unsafe { wasinet_engine_new(ptr::null(), &mut raw) } {
            WASINET_OK => Ok(Engine(raw)),
            _ => Err(last_error()),
        }
    }

    /// The engine version and code settings (part of every cache key).
    pub fn fingerprint(&self) -> String {
        // SAFETY: the engine is alive; the string it owns is copied at once.
        unsafe { CStr::from_ptr(wasinet_engine_fingerprint(self.0)) }
            .to_string_lossy()
            .into_owned()
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        // SAFETY: made by wasinet_engine_new, freed once.
        unsafe { wasinet_engine_free(self.0) }
    }
}
