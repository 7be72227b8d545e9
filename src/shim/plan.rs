//! What the shim hands wasinet for one container: the module, argv, the
//! guest's environment, the pod's grants and the node's ceiling, taken from
//! the OCI process and the node settings. Until the C API can run guests,
//! describe() is also what a dry run prints.
use std::fmt::Write as _;
use std::os::unix::fs::MetadataExt;

use containerd_shim_wasm::sandbox::context::{RuntimeContext, Source};

use crate::node::{Ceiling, Node};
use crate::pod_env::{self, PodPolicy};

pub enum Module {
    /// The entrypoint, a file in the container's root filesystem.
    File(String),
    /// The image's wasm layer (an image whose config says architecture
    /// wasm), read by the shim from containerd's content store.
    Layer {
        digest: String,
        bytes: Vec<u8>,
        precompiled: bool,
    },
}

pub struct Plan {
    pub module: Module,
    /// The OCI process args, argv[0] (the entrypoint as written) included.
    pub argv: Vec<String>,
    pub env: Vec<String>,
    pub policy: PodPolicy,
}

impl Plan {
    /// Err: one line for the container's log (the run then exits 125).
    pub fn new(ctx: &impl RuntimeContext) -> Result<Plan, String> {
        let entry = ctx.entrypoint();
        if entry.func != "_start" {
            return Err(format!(
                "entrypoint {}: wasinet runs a module's _start only (no #function)",
                entry
                    .arg0
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            ));
        }
        let module = match entry.source {
            Source::File(path) if path.as_os_str().is_empty() => {
                return Err("the container has no entrypoint: set the image's ENTRYPOINT or the pod's command to the module's path".into())
            }
            Source::File(path) => Module::File(path.display().to_string()),
            Source::Oci([layer]) => Module::Layer {
                digest: layer.config.digest().to_string(),
                bytes: layer.layer.clone(),
                precompiled: layer.precompiled,
            },
            Source::Oci(layers) => {
                return Err(format!("the image has {} wasm layers: wasinet runs one module", layers.len()))
            }
        };
        let env = pod_env::split(ctx.envs())?;
        Ok(Plan {
            module,
            argv: ctx.args().to_vec(),
            env: env.guest,
            policy: env.policy,
        })
    }

    /// One `wasinet-plan:` line per fact, for dry runs and their tests.
    pub fn describe(&self, node: &Node) -> String {
        let mut s = String::new();
        let mut line = |text: String| {
            let _ = writeln!(s, "wasinet-plan: {text}");
        };
        // The C API across FFI, inside the container: wasmtime starts here.
        match crate::capi::Engine::new(None::<&std::fs::File>) {
            Ok(engine) => line(format!("engine {}", engine.fingerprint())),
            Err(e) => line(format!("engine failed: {e}")),
        }
        match &self.module {
            Module::File(path) => match std::fs::metadata(path) {
                Ok(m) => line(format!("module file {path} ({} bytes)", m.size())),
                Err(e) => line(format!("module file {path} (unreadable: {e})")),
            },
            Module::Layer {
                digest,
                bytes,
                precompiled,
            } => line(format!(
                "module layer {digest} ({} bytes, precompiled={precompiled})",
                bytes.len()
            )),
        }
        for a in &self.argv {
            line(format!("arg {a}"));
        }
        for e in &self.env {
            line(format!("env {e}"));
        }
        let p = &self.policy;
        let rules = [
            ("allow-net", &p.allow_net),
            ("deny-net", &p.deny_net),
            ("allow-listen", &p.allow_listen),
            ("allow-unix", &p.allow_unix),
            ("net-policy", &p.net_policy),
        ];
        for (flag, value) in rules {
            if let Some(v) = value {
                line(format!("{flag} {v}"));
            }
        }
        if p.allow_dns {
            line("allow-dns".into());
        }
        match &node.ceiling {
            Ceiling::None => line("ceiling none".into()),
            Ceiling::Policy {
                origin,
                format,
                text,
            } => line(format!(
                "ceiling {} ({format}, {} bytes, fnv1a64={:016x})",
                origin.display(),
                text.len(),
                fnv1a64(text.as_bytes())
            )),
            Ceiling::Unreadable(e) => line(format!("ceiling unreadable: {e}")),
        }
        match &node.cache_dir {
            Some((dir, path)) => match dir.metadata() {
                Ok(m) if m.is_dir() => line(format!("cache-dir {} (open)", path.display())),
                Ok(_) => line(format!("cache-dir {} (not a directory)", path.display())),
                Err(e) => line(format!("cache-dir {} ({e})", path.display())),
            },
            None => line("cache-dir none".into()),
        }
        s
    }
}

/// FNV-1a, 64 bits: lets a test tell which file the ceiling came from
/// without the dry run printing a node's policy into a pod's log.
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
