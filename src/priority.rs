//! The lowest scheduling priority for a background thread of the binary (the library forbids
//! `unsafe`, so it gets this from here: `shnor::commands::report::set_lowering`).

/// Give the calling thread the lowest priority (nice 19): on Linux the nice value is a thread's
/// own (`setpriority(PRIO_PROCESS, 0, …)` sets the calling thread's). The thread then runs only
/// on a core the process's other threads leave idle. A failure leaves the usual priority (slower
/// to start, not different); elsewhere than Linux nothing is done.
pub fn lowest() {
    #[cfg(target_os = "linux")]
    // SAFETY: `setpriority` takes integers only and changes the calling thread's nice value.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 19);
    }
}
