//! Allocator options for a run of the binary (and of the benchmarks, which include this file).
//!
//! mimalloc (the global allocator, `src/lib.rs`) by default gives freed memory back to the OS after
//! 1 s (`purge_delay`) and advises its arenas as transparent huge pages. A national `select` or
//! `report` frees and re-allocates gigabytes within seconds, so each purged page came back as a fresh
//! page for the kernel to zero — on a host with THP on «madvise», a 2 MiB page each time: perf showed
//! `clear_page_erms` under `do_huge_pmd_anonymous_page` at a third of a national `select`'s CPU.
//! Keeping freed memory (the process is short-lived and exits without freeing its dataset) and no
//! huge-page advice: `select` on /work/data/nat 3.0–4.6 → 1.8–2.3 s, system CPU 1.6–2.6 → 0.15–0.3 s,
//! peak 750 → 750–800 MB (docs/PERFORMANCE.md, «Allocator options»).
//!
//! mimalloc reserves its first arena (1 GiB) at the process's first allocation, before `main`, and advises
//! it as huge pages then, with the option still at its default: setting the option in `main` spared only
//! later arenas. The first arena holds most of a national run, so the process also asks the kernel for no
//! transparent huge pages at all (`prctl(PR_SET_THP_DISABLE)`, checked at each page fault, so it covers the
//! arena already advised): on /work/data/nat, `select` 1.85–3.20 → 1.63–1.80 s, system CPU 0.59–2.13 →
//! 0.38–0.51 s (docs/PERFORMANCE.md, «Huge pages off for the whole process»).
//!
//! This is the project's only `unsafe` code: the library itself is `#![forbid(unsafe_code)]`.

/// mimalloc 3.x's option numbers (`mi_option_e` in `include/mimalloc.h` of mimalloc 3.3.2, vendored by
/// libmimalloc-sys 0.1.49); libmimalloc-sys names neither.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

/// The mimalloc major version whose option numbers are the ones above (`mi_version()` = major·10000 +
/// minor·100 + patch).
const KNOWN_MAJOR: i32 = 3;

/// Sets the options before the program allocates in earnest; with another mimalloc major version (whose
/// option numbers may differ) it leaves the defaults and says nothing: the run is slower, not different.
pub fn tune() {
    // SAFETY: `prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0)` takes integers only and sets a flag of this process;
    // it cannot fail on Linux ≥ 3.15 and a failure would leave the kernel's default (slower, not different).
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    if !known_version() {
        return;
    }
    // SAFETY: `mi_option_set` only stores a value in mimalloc's option table; the numbers are those of
    // this mimalloc version (checked above), and no other thread exists yet to read the table.
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DELAY, -1);
        libmimalloc_sys::mi_option_set(ALLOW_THP, 0);
    }
}

/// Whether the linked mimalloc is the major version whose option numbers this file knows.
pub fn known_version() -> bool {
    // SAFETY: `mi_version` reads a constant.
    let v = unsafe { libmimalloc_sys::mi_version() };
    v / 10000 == KNOWN_MAJOR
}

#[cfg(test)]
mod tests {
    /// An upgrade of mimalloc to another major version shows here: check the option numbers against
    /// its `mimalloc.h`, then change `KNOWN_MAJOR`.
    #[test]
    fn mimalloc_is_the_version_whose_options_are_known() {
        assert!(super::known_version());
    }

    #[test]
    fn the_options_take() {
        super::tune();
        // SAFETY: reads the option table.
        let (purge, thp) = unsafe {
            (
                libmimalloc_sys::mi_option_get(super::PURGE_DELAY),
                libmimalloc_sys::mi_option_get(super::ALLOW_THP),
            )
        };
        assert_eq!((purge, thp), (-1, 0));
        // SAFETY: reads a flag of this process.
        let disabled = unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
        assert_eq!(
            disabled, 1,
            "transparent huge pages still allowed for the process"
        );
    }
}
