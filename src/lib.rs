//! shnor: selection of ШНОР / ШНСУ from ФИС ОКО, ВПР, ОГЭ and ЕГЭ exports.
//!
//! Data flows one way: paths → `input` → canonical `model` → `method` → `output`.
#![forbid(unsafe_code)]

/// One allocator for the binary, the tests and the benches (see Cargo.toml).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
pub mod commands;
pub mod config;
pub mod error;
pub mod input;
pub mod method;
pub mod model;
pub mod narrative;
pub mod output;
pub mod progress;
pub mod stats;
pub mod synth;
/// Run `op` on polars' thread pool (`polars_core::runtime::THREAD_POOL`, `POLARS_MAX_THREADS`
/// threads): shnor's own parallel steps (`rayon::join`, `par_iter`, `rayon::spawn`) then share the
/// pool polars' reads and group-bys run on, instead of a second pool of as many threads (rayon's
/// global one) contending with it for the same cores. On /work/data/nat, `select`: median wall
/// 1.00 → 0.96 s over ten interleaved runs (docs/PERFORMANCE.md, «Session 35»); outputs unchanged.
pub fn in_polars_pool<R: Send>(op: impl FnOnce() -> R + Send) -> R {
    polars_core::runtime::THREAD_POOL.install(op)
}

/// The SHA-256 of `bytes` as 64 lowercase hex digits (manifests, config and input checksums).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(bytes))
}

/// Phase timings for national-scale runs: with `SHNOR_TIMINGS` set, each phase's end goes to
/// stderr with the seconds since the first mark, the process's CPU so far (user + system, every
/// thread; 10 ms ticks) and the peak memory so far, last (docs/PERFORMANCE.md).
pub fn timing(label: &str) {
    static T0: std::sync::OnceLock<Option<std::time::Instant>> = std::sync::OnceLock::new();
    let Some(t0) =
        T0.get_or_init(|| std::env::var_os("SHNOR_TIMINGS").map(|_| std::time::Instant::now()))
    else {
        return;
    };
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kb| format!(", peak {:.0} MB", kb / 1024.0))
        .unwrap_or_default();
    // the process's CPU (user + system, all threads) so far: /proc/self/stat fields 14 and 15, in ticks
    let cpu = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
            Some(format!(", cpu {:.2} s", ticks / 100.0))
        })
        .unwrap_or_default();
    eprintln!("{:>7.3} s  {label}{cpu}{peak}", t0.elapsed().as_secs_f64());
}
