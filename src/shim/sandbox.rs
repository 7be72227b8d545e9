//! The Sandbox: what runs inside the container process (PID 1 of the
//! container's PID namespace, after its root filesystem is set up and its
//! stdio are the container's) once containerd starts the task.
use containerd_shim_wasm::sandbox::context::RuntimeContext;
use containerd_shim_wasm::sandbox::Sandbox;

use crate::node::{self, Ceiling};
use crate::plan::Plan;

/// Exit status when wasinet cannot start the guest (as `wasinet run`).
const EXIT_HOST_ERROR: i32 = 125;

#[derive(Default)]
pub struct WasinetSandbox;

impl Sandbox for WasinetSandbox {
    // Never Err: containerd-shim-wasm turns an Err into exit 137 with a line
    // in the shim's log only; a pod's owner reads the container's log, so
    // every failure is one line on its stderr and exit status 125.
    async fn run_wasi(&self, ctx: &impl RuntimeContext) -> anyhow::Result<i32> {
        Ok(run(ctx))
    }
}

fn run(ctx: &impl RuntimeContext) -> i32 {
    let node = node::get();
    for note in &node.notes {
        eprintln!("wasinet: {note}");
    }
    let plan = match Plan::new(ctx) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("wasinet: {e}");
            return EXIT_HOST_ERROR;
        }
    };
    if node.dry_run {
        print!("{}", plan.describe(node));
        return 0;
    }
    if let Ceiling::Unreadable(e) = &node.ceiling {
        eprintln!("wasinet: cannot read the node's network ceiling {e}: not starting without it");
        return EXIT_HOST_ERROR;
    }
    // The guest assembly behind the C API (issue 16 phase B) does not exist
    // yet: wasinet_guest_new and wasinet_guest_run come with it.
    eprintln!(
        "wasinet: this shim cannot run guests yet: wasinet's C API (include/wasinet/wasinet.h) \
         is designed but not implemented (issue 21)"
    );
    EXIT_HOST_ERROR
}
