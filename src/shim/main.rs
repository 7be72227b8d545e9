//! containerd-shim-wasinet-v1: containerd's runtime io.containerd.wasinet.v1,
//! which runs WASI preview1 modules with wasinet (its sockets, network
//! policy and limits) in place of a container's native process.
//!
//! containerd-shim-wasm drives the container's life (containerd's shim
//! protocol, the OCI bundle, youki's libcontainer for namespaces, cgroups
//! and the root filesystem); this crate supplies the Sandbox that runs the
//! module, through wasinet's C API (include/wasinet/wasinet.h).
mod capi;
mod node;
mod plan;
mod pod_env;
mod sandbox;

use containerd_shim_wasm::shim::{Cli, Shim, Version};

// Links the engine crate (wasmtime's C API and wasinet's additions; a
// dependency for its symbols only: the C++ code calls them). Without a use,
// rustc would not link the crate at all.
use wasinet_wasmtime as _;

/// The wasinet.h this shim was written against (WASINET_VERSION).
const HEADER_VERSION: &str = "0.1.0";

struct WasinetShim;

impl Shim for WasinetShim {
    type Sandbox = sandbox::WasinetSandbox;

    /// Runtime io.containerd.wasinet.v1; also names the shim's state
    /// directories under /run/containerd.
    fn name() -> &'static str {
        "wasinet"
    }

    fn version() -> Version {
        Version {
            version: capi::version(),
            revision: "<none>",
        }
    }
}

fn main() {
    let linked = capi::version();
    if linked != HEADER_VERSION {
        eprintln!(
            "containerd-shim-wasinet-v1: linked with wasinet {linked}, written for {HEADER_VERSION}: rebuild it with `make shim`"
        );
        std::process::exit(1);
    }
    // Before Cli::run, which forks the zygote every container is made
    // from: see node.rs.
    node::load();
    WasinetShim::run(None);
}
