//! What the shim takes from the node rather than from the pod: the network
//! ceiling (/etc/wasinet/node-policy.toml) and the compiled-module cache
//! directory.
//!
//! Both are read in main(), before containerd-shim-wasm forks its zygote:
//! every container process is forked from that zygote, so it inherits this
//! memory and the open cache directory. By the time run_wasi runs, the
//! process is inside the container (after pivot_root): the node's paths are
//! out of reach, and /etc/wasinet/node-policy.toml there would be the
//! image's own file, which must never count.
//!
//! The shim's own environment (containerd's, where the operator may set
//! them; the tests set them per run through a wrapper script) can move them:
//!   WASINET_NODE_POLICY  the ceiling's path (default below)
//!   WASINET_CACHE_DIR    the cache directory (default below; empty: none)
//!   WASINET_SHIM_DRY_RUN 1: print what would run instead of running it
use std::fs::{self, File};
use std::io::ErrorKind;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub const DEFAULT_NODE_POLICY: &str = "/etc/wasinet/node-policy.toml";
pub const DEFAULT_CACHE_DIR: &str = "/var/cache/wasinet/modules";

/// The node's network ceiling.
pub enum Ceiling {
    /// No file: the pod's own rules are the only bound (as for a native
    /// container, which has its network namespace to itself).
    None,
    /// The policy file's text, passed to wasinet as the guest's ceiling.
    Policy {
        origin: PathBuf,
        format: &'static str,
        text: String,
    },
    /// A file that exists but cannot be read: every wasm container fails
    /// to start rather than run without the ceiling the operator meant.
    Unreadable(String),
}

pub struct Node {
    pub ceiling: Ceiling,
    /// The open cache directory and its node path (for messages).
    pub cache_dir: Option<(File, PathBuf)>,
    /// Problems that cost a feature but not the run (an unusable cache
    /// directory): printed on the container's stderr at its start, as
    /// main() runs before any log is set up.
    pub notes: Vec<String>,
    pub dry_run: bool,
}

static NODE: OnceLock<Node> = OnceLock::new();

/// Reads the node's settings once; call before the shim forks anything.
pub fn load() {
    NODE.get_or_init(read);
}

pub fn get() -> &'static Node {
    NODE.get().expect("node::load() runs first, in main")
}

fn read() -> Node {
    let mut notes = Vec::new();
    let policy = std::env::var_os("WASINET_NODE_POLICY")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_NODE_POLICY));
    let ceiling = read_ceiling(&policy);
    let cache = std::env::var_os("WASINET_CACHE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_CACHE_DIR));
    let cache_dir = if cache.as_os_str().is_empty() {
        None
    } else {
        match open_cache_dir(&cache) {
            Ok(f) => Some((f, cache)),
            Err(e) => {
                notes.push(format!(
                    "the node's module cache {} cannot be used ({e}): compiling without a cache",
                    cache.display()
                ));
                None
            }
        }
    };
    let dry_run = std::env::var("WASINET_SHIM_DRY_RUN").is_ok_and(|v| v == "1");
    Node {
        ceiling,
        cache_dir,
        notes,
        dry_run,
    }
}

fn read_ceiling(path: &Path) -> Ceiling {
    match fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Ceiling::Policy {
                origin: path.to_path_buf(),
                format: if path.extension().is_some_and(|e| e == "json") {
                    "json"
                } else {
                    "toml"
                },
                text,
            },
            Err(_) => Ceiling::Unreadable(format!("{}: not UTF-8 text", path.display())),
        },
        Err(e) if e.kind() == ErrorKind::NotFound => Ceiling::None,
        Err(e) => Ceiling::Unreadable(format!("{}: {e}", path.display())),
    }
}

/// Creates the directory if needed (as the shim runs as root, for every
/// container of the node) and opens it. The descriptor is close-on-exec,
/// which matters only to native containers: they exec their program.
fn open_cache_dir(path: &Path) -> std::io::Result<File> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o755)
        .create(path)?;
    File::options()
        .read(true)
        .custom_flags(libc::O_DIRECTORY)
        .open(path)
}
