//! wasinet's C API (include/wasinet/wasinet.h), declared for Rust by hand:
//! only the functions the shim calls, with the header's types, and safe
//! wrappers around them. Keep each declaration identical to the header's.
use std::ffi::{c_char, c_int, CStr, CString};
use std::os::fd::{AsRawFd, RawFd};
use std::ptr;

/// wasinet_status_t: WASINET_OK or an error category.
type Status = c_int;
const WASINET_OK: Status = 0;

macro_rules! opaque {
    ($($name:ident),*) => {
        $(#[repr(C)] pub struct $name { _opaque: [u8; 0] })*
    };
}
opaque!(RawEngine, RawEngineOptions, RawModule, RawOptions, RawGuest);

/// wasinet_net_rule_kind_t.
#[derive(Clone, Copy)]
#[repr(C)]
pub enum RuleKind {
    AllowNet = 1,
    DenyNet = 2,
    AllowListen = 3,
    AllowUnix = 4,
}

#[repr(C)]
struct RawExit {
    end: c_int,
    status: c_int,
    message: *const c_char,
}

extern "C" {
    fn wasinet_version() -> *const c_char;
    fn wasinet_last_error() -> *const c_char;
    fn wasinet_engine_options_new() -> *mut RawEngineOptions;
    fn wasinet_engine_options_free(o: *mut RawEngineOptions);
    fn wasinet_engine_options_set_cache_dir_fd(o: *mut RawEngineOptions, dirfd: c_int);
    fn wasinet_engine_new(options: *const RawEngineOptions, out: *mut *mut RawEngine) -> Status;
    fn wasinet_engine_free(engine: *mut RawEngine);
    fn wasinet_engine_fingerprint(engine: *const RawEngine) -> *const c_char;
    fn wasinet_module_load_file(engine: *const RawEngine, path: *const c_char, out: *mut *mut RawModule) -> Status;
    fn wasinet_module_compile(
        engine: *const RawEngine,
        wasm: *const u8,
        len: usize,
        name: *const c_char,
        out: *mut *mut RawModule,
    ) -> Status;
    fn wasinet_module_deserialize(
        engine: *const RawEngine,
        bytes: *const u8,
        len: usize,
        name: *const c_char,
        out: *mut *mut RawModule,
    ) -> Status;
    fn wasinet_module_free(module: *mut RawModule);
    fn wasinet_options_new() -> *mut RawOptions;
    fn wasinet_options_free(o: *mut RawOptions);
    fn wasinet_options_add_arg(o: *mut RawOptions, arg: *const c_char);
    fn wasinet_options_add_env(o: *mut RawOptions, kv: *const c_char) -> Status;
    fn wasinet_options_add_dir(o: *mut RawOptions, host: *const c_char, guest: *const c_char, flags: u32);
    fn wasinet_options_set_dns_files(o: *mut RawOptions, on: c_int);
    fn wasinet_options_set_ca_certs(o: *mut RawOptions, on: c_int);
    fn wasinet_options_add_net_rules(o: *mut RawOptions, kind: RuleKind, rules: *const c_char) -> Status;
    fn wasinet_options_set_allow_dns(o: *mut RawOptions, on: c_int);
    fn wasinet_options_add_net_policy_file(o: *mut RawOptions, path: *const c_char) -> Status;
    fn wasinet_options_add_net_ceiling_text(
        o: *mut RawOptions,
        text: *const c_char,
        len: usize,
        format: *const c_char,
        origin: *const c_char,
    ) -> Status;
    fn wasinet_guest_new(module: *const RawModule, options: *const RawOptions, out: *mut *mut RawGuest) -> Status;
    fn wasinet_guest_run(guest: *mut RawGuest, out: *mut RawExit) -> Status;
    fn wasinet_guest_stop(guest: *mut RawGuest, status: c_int);
    fn wasinet_guest_free(guest: *mut RawGuest);
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

fn check(status: Status) -> Result<(), String> {
    if status == WASINET_OK {
        Ok(())
    } else {
        Err(last_error())
    }
}

/// Text for C: a NUL inside it is an error naming `what`.
fn c_string(what: &str, s: &str) -> Result<CString, String> {
    CString::new(s).map_err(|_| format!("{what} holds a NUL byte"))
}

/// A wasinet engine (compiler and code cache), freed on drop.
pub struct Engine(*mut RawEngine);

impl Engine {
    /// An engine whose module cache is the open directory `cache_dir`
    /// (None: no cache). Err: wasinet's one-line reason.
    pub fn new(cache_dir: Option<&impl AsRawFd>) -> Result<Engine, String> {
        // SAFETY: options made and freed here; the fd is duplicated by the
        // library; `raw` is written only on success.
        unsafe {
            let o = wasinet_engine_options_new();
            if o.is_null() {
                return Err("out of memory".into());
            }
            if let Some(dir) = cache_dir {
                wasinet_engine_options_set_cache_dir_fd(o, dir.as_raw_fd() as RawFd);
            }
            let mut raw = ptr::null_mut();
            let status = wasinet_engine_new(o, &mut raw);
            wasinet_engine_options_free(o);
            check(status).map(|_| Engine(raw))
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

/// A compiled module, freed on drop (it keeps its engine alive).
pub struct Module(*mut RawModule);

impl Module {
    /// A file: WebAssembly (through the cache) or precompiled code.
    pub fn load_file(engine: &Engine, path: &str) -> Result<Module, String> {
        let p = c_string("the module path", path)?;
        let mut raw = ptr::null_mut();
        // SAFETY: valid engine and C string; `raw` written only on success.
        check(unsafe { wasinet_module_load_file(engine.0, p.as_ptr(), &mut raw) }).map(|_| Module(raw))
    }

    /// Bytes of an image's wasm layer: WebAssembly, or code precompiled by
    /// an engine of the same fingerprint.
    pub fn from_bytes(engine: &Engine, bytes: &[u8], name: &str, precompiled: bool) -> Result<Module, String> {
        let n = c_string("the module name", name)?;
        let mut raw = ptr::null_mut();
        // SAFETY: the slice is valid for the call (copied by the library).
        let status = unsafe {
            if precompiled {
                wasinet_module_deserialize(engine.0, bytes.as_ptr(), bytes.len(), n.as_ptr(), &mut raw)
            } else {
                wasinet_module_compile(engine.0, bytes.as_ptr(), bytes.len(), n.as_ptr(), &mut raw)
            }
        };
        check(status).map(|_| Module(raw))
    }
}

impl Drop for Module {
    fn drop(&mut self) {
        // SAFETY: made by a wasinet_module_* function, freed once.
        unsafe { wasinet_module_free(self.0) }
    }
}

/// What one guest gets, freed on drop.
pub struct Options(*mut RawOptions);

impl Options {
    pub fn new() -> Options {
        // SAFETY: returns a fresh object (NULL only when out of memory).
        let raw = unsafe { wasinet_options_new() };
        assert!(!raw.is_null(), "wasinet_options_new: out of memory");
        Options(raw)
    }

    pub fn add_arg(&mut self, arg: &str) -> Result<(), String> {
        let a = c_string("an argument", arg)?;
        // SAFETY: valid options and C string (copied).
        unsafe { wasinet_options_add_arg(self.0, a.as_ptr()) };
        Ok(())
    }

    pub fn add_env(&mut self, key_value: &str) -> Result<(), String> {
        let kv = c_string("an environment variable", key_value)?;
        // SAFETY: as above.
        check(unsafe { wasinet_options_add_env(self.0, kv.as_ptr()) })
    }

    pub fn add_dir(&mut self, host: &str, guest: &str) -> Result<(), String> {
        let h = c_string("a directory", host)?;
        let g = c_string("a directory", guest)?;
        // SAFETY: as above.
        unsafe { wasinet_options_add_dir(self.0, h.as_ptr(), g.as_ptr(), 0) };
        Ok(())
    }

    /// The host's DNS files and CA bundle: off in a container, whose own
    /// root is the guest's.
    pub fn without_host_files(&mut self) {
        // SAFETY: valid options.
        unsafe {
            wasinet_options_set_dns_files(self.0, 0);
            wasinet_options_set_ca_certs(self.0, 0);
        }
    }

    pub fn add_rules(&mut self, kind: RuleKind, rules: &str) -> Result<(), String> {
        let r = c_string("a rule", rules)?;
        // SAFETY: as above.
        check(unsafe { wasinet_options_add_net_rules(self.0, kind, r.as_ptr()) })
    }

    pub fn set_allow_dns(&mut self, on: bool) {
        // SAFETY: valid options.
        unsafe { wasinet_options_set_allow_dns(self.0, c_int::from(on)) }
    }

    pub fn add_policy_file(&mut self, path: &str) -> Result<(), String> {
        let p = c_string("a policy path", path)?;
        // SAFETY: as above.
        check(unsafe { wasinet_options_add_net_policy_file(self.0, p.as_ptr()) })
    }

    pub fn add_ceiling(&mut self, text: &str, format: &str, origin: &str) -> Result<(), String> {
        let f = c_string("a format", format)?;
        let o = c_string("an origin", origin)?;
        // SAFETY: the text is valid for `len` bytes and copied by the call.
        check(unsafe {
            wasinet_options_add_net_ceiling_text(self.0, text.as_ptr().cast(), text.len(), f.as_ptr(), o.as_ptr())
        })
    }
}

impl Drop for Options {
    fn drop(&mut self) {
        // SAFETY: made by wasinet_options_new, freed once.
        unsafe { wasinet_options_free(self.0) }
    }
}

/// How a guest ended: the status the container exits with, and one line
/// about it ("" when it returned or exited).
pub struct Exit {
    pub status: i32,
    pub message: String,
}

/// A guest ready to run, freed on drop.
pub struct Guest(*mut RawGuest);

// SAFETY: wasinet_guest_stop may be called from any thread; run is called
// by the one thread that owns the Guest.
unsafe impl Send for Guest {}
unsafe impl Sync for Guest {}

impl Guest {
    pub fn new(module: &Module, options: &Options) -> Result<Guest, String> {
        let mut raw = ptr::null_mut();
        // SAFETY: valid module and options; `raw` written only on success.
        check(unsafe { wasinet_guest_new(module.0, options.0, &mut raw) }).map(|_| Guest(raw))
    }

    /// The raw handle, for a signal handler to pass to stop_raw.
    pub fn raw(&self) -> *mut RawGuest {
        self.0
    }

    /// Runs on this thread until the guest ends.
    pub fn run(&self) -> Result<Exit, String> {
        let mut out = RawExit {
            end: 0,
            status: 0,
            message: ptr::null(),
        };
        // SAFETY: valid guest; `out` filled on success; its message is
        // owned by the guest and copied at once.
        check(unsafe { wasinet_guest_run(self.0, &mut out) })?;
        let message = if out.message.is_null() {
            String::new()
        } else {
            unsafe { CStr::from_ptr(out.message) }.to_string_lossy().into_owned()
        };
        Ok(Exit {
            status: out.status,
            message,
        })
    }
}

/// wasinet_guest_stop: async-signal-safe, for the shim's signal handler.
///
/// # Safety
/// `guest` must be a live guest handle (not yet freed).
pub unsafe fn stop_raw(guest: *mut RawGuest, status: c_int) {
    wasinet_guest_stop(guest, status)
}

impl Drop for Guest {
    fn drop(&mut self) {
        // SAFETY: made by wasinet_guest_new, freed once, after its run.
        unsafe { wasinet_guest_free(self.0) }
    }
}
