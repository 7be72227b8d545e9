//! The Sandbox: what runs inside the container process (PID 1 of the
//! container's PID namespace, after its root filesystem is set up and its
//! stdio are the container's) once containerd starts the task.
use containerd_shim_wasm::sandbox::context::RuntimeContext;
use containerd_shim_wasm::sandbox::Sandbox;

use std::sync::atomic::{AtomicI32, AtomicPtr, Ordering};
use std::time::Duration;

use crate::capi::{self, RuleKind};
use crate::node::{self, Ceiling, Node};
use crate::plan::{Module, Plan};
use crate::pod_env::PodPolicy;

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
    match run_guest(&plan, node) {
        Ok(status) => status,
        Err(e) => {
            eprintln!("wasinet: {e}");
            EXIT_HOST_ERROR
        }
    }
}

/// The guest, through wasinet's C API: the container's root as its `/`,
/// the pod's argv and environment, its grants within the node's ceiling.
fn run_guest(plan: &Plan, node: &Node) -> Result<i32, String> {
    // Before compiling, which can take seconds: a SIGTERM then must not be
    // lost (PID 1 ignores signals it has no handler for).
    catch_stop_signals();
    let engine = capi::Engine::new(node.cache_dir.as_ref().map(|(dir, _)| dir))?;
    let module = match &plan.module {
        Module::File(path) => capi::Module::load_file(&engine, path)?,
        Module::Layer {
            digest,
            bytes,
            precompiled,
        } => capi::Module::from_bytes(&engine, bytes, digest, *precompiled)?,
    };
    let mut o = capi::Options::new();
    for a in &plan.argv {
        o.add_arg(a)?;
    }
    for e in &plan.env {
        o.add_env(e)?;
    }
    o.add_dir("/", "/")?;
    o.without_host_files();
    add_pod_policy(&mut o, &plan.policy)?;
    if let Ceiling::Policy {
        origin,
        format,
        text,
    } = &node.ceiling
    {
        o.add_ceiling(text, format, &origin.display().to_string())
            .map_err(|e| format!("the node's network ceiling: {e}"))?;
    }
    let guest = capi::Guest::new(&module, &o)?;
    drop(o);
    stop_through(&guest);
    let end = guest.run();
    stop_signals_done();
    let end = end?;
    if !end.message.is_empty() && end.message != "stopped" {
        eprintln!("wasinet: {}: {}", plan.argv.first().map(String::as_str).unwrap_or("module"), end.message);
    }
    Ok(end.status)
}

/// The pod's grants (its WASINET_* variables), each error naming the
/// variable it came from.
fn add_pod_policy(o: &mut capi::Options, p: &PodPolicy) -> Result<(), String> {
    let rules = [
        ("WASINET_ALLOW_NET", RuleKind::AllowNet, &p.allow_net),
        ("WASINET_DENY_NET", RuleKind::DenyNet, &p.deny_net),
        ("WASINET_ALLOW_LISTEN", RuleKind::AllowListen, &p.allow_listen),
        ("WASINET_ALLOW_UNIX", RuleKind::AllowUnix, &p.allow_unix),
    ];
    for (var, kind, value) in rules {
        if let Some(v) = value {
            o.add_rules(kind, v).map_err(|e| format!("{var}: {e}"))?;
        }
    }
    o.set_allow_dns(p.allow_dns);
    if let Some(file) = &p.net_policy {
        o.add_policy_file(file)
            .map_err(|e| format!("WASINET_NET_POLICY: {e}"))?;
    }
    Ok(())
}

// ---------------------------------------------------------------- signals
//
// The guest runs as PID 1 of the container's PID namespace, where a signal
// without a handler is ignored: SIGTERM (`ctr task kill`, a pod's
// deletion) and SIGINT stop the guest as `wasinet run` does. The handler
// asks the guest to stop (async-signal-safe) and wakes a watchdog thread
// through a pipe; the watchdog ends the process if the guest has not
// returned after a grace period (a guest computing without host calls
// never sees the stop). SIGKILL needs nothing of ours.

static GUEST: AtomicPtr<capi::RawGuest> = AtomicPtr::new(std::ptr::null_mut());
static WAKE_WRITE: AtomicI32 = AtomicI32::new(-1);
/// The status of a stop signal that came before the guest existed (0: none).
static EARLY_STOP: AtomicI32 = AtomicI32::new(0);

/// How long a stopped guest has to return before the process ends.
const STOP_GRACE: Duration = Duration::from_secs(2);

extern "C" fn on_stop_signal(sig: libc::c_int) {
    let guest = GUEST.load(Ordering::SeqCst);
    if guest.is_null() {
        EARLY_STOP.store(128 + sig, Ordering::SeqCst);
    } else {
        // SAFETY: GUEST is cleared before the guest is freed.
        unsafe { capi::stop_raw(guest, 128 + sig) };
    }
    let fd = WAKE_WRITE.load(Ordering::SeqCst);
    if fd >= 0 {
        let byte = sig as u8;
        // SAFETY: write(2) is async-signal-safe; a full pipe loses nothing
        // that matters (the first byte already woke the watchdog).
        unsafe { libc::write(fd, (&byte as *const u8).cast(), 1) };
    }
}

/// Signals now reach the guest; one that came earlier stops it at once
/// (its run then returns as stopped).
fn stop_through(guest: &capi::Guest) {
    GUEST.store(guest.raw(), Ordering::SeqCst);
    let early = EARLY_STOP.load(Ordering::SeqCst);
    if early != 0 {
        // SAFETY: the guest is alive; stop is valid before its run.
        unsafe { capi::stop_raw(guest.raw(), early) };
    }
}

fn catch_stop_signals() {
    let mut fds = [-1; 2];
    // SAFETY: pipe2 fills two fds.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } == 0 {
        WAKE_WRITE.store(fds[1], Ordering::SeqCst);
        let read_fd = fds[0];
        std::thread::spawn(move || {
            let mut byte = 0u8;
            // SAFETY: a blocking read of one byte into `byte`.
            let n = unsafe { libc::read(read_fd, (&mut byte as *mut u8).cast(), 1) };
            if n == 1 {
                std::thread::sleep(STOP_GRACE);
                eprintln!(
                    "wasinet: the guest did not stop within {}s of signal {byte}: ending it",
                    STOP_GRACE.as_secs()
                );
                // SAFETY: ends the process without running destructors while
                // the guest's thread may still be inside them.
                unsafe { libc::_exit(128 + i32::from(byte)) };
            }
        });
    }
    for sig in [libc::SIGTERM, libc::SIGINT] {
        // SAFETY: a plain handler with an empty mask; it does only
        // async-signal-safe things.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_stop_signal as extern "C" fn(libc::c_int) as usize;
            libc::sigemptyset(&mut sa.sa_mask);
            sa.sa_flags = libc::SA_RESTART;
            libc::sigaction(sig, &sa, std::ptr::null_mut());
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, sig);
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        }
    }
}

/// After the run: the handler must no longer reach the guest, which the
/// caller frees next.
fn stop_signals_done() {
    GUEST.store(std::ptr::null_mut(), Ordering::SeqCst);
}
