//! The inputs' sha256 for the report's manifest, made on a background thread that takes only the
//! CPU the report leaves idle, and finished by the caller at normal priority when it needs them.
//!
//! The hashes (≈ 0.25 s of CPU for the national inputs) used to run on a thread of the same
//! priority as the pipeline's, taking a core from it while both cores were busy. Started before
//! the load under the idle scheduling policy (`SCHED_IDLE`, set with the `thread-priority`
//! crate: the library stays free of `unsafe`), the thread runs when a core would
//! otherwise wait (the load's and the method's single-threaded steps); what it has not hashed
//! when the manifest is due, the caller hashes itself, from the byte it stopped at
//! ([`Hashing::add_to`]): a thread left at the lowest priority on a busy host is never waited for.
use crate::input::report::InputReport;
use anyhow::Result;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Bytes hashed per step: the hand-over waits for at most one step of the thread.
const STEP: usize = 1 << 20;

/// Put the calling thread under the idle scheduling policy (Linux `SCHED_IDLE`: it runs only on
/// a core no other thread wants). A failure leaves the usual policy (the thread then competes for
/// the cores: slower, not different).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        use thread_priority::{
            set_thread_priority_and_policy, thread_native_id, NormalThreadSchedulePolicy,
            ThreadPriority, ThreadSchedulePolicy,
        };
        let idle = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
        let _ = set_thread_priority_and_policy(thread_native_id(), ThreadPriority::Min, idle);
    }
}

/// The work left: files to hash, in order, the one begun (its path, open file and state), and
/// each file hashed (a file that could not be read is left out; [`Hashing::add_to`] reads it
/// again and says why).
#[derive(Default)]
struct Left {
    files: VecDeque<PathBuf>,
    begun: Option<(PathBuf, File, Sha256)>,
    done: HashMap<PathBuf, String>,
}

impl Left {
    /// Hash one step (up to [`STEP`] bytes of the file begun, or open the next); false when no
    /// file is left.
    fn step(&mut self, buf: &mut [u8]) -> bool {
        let Some((path, mut file, mut h)) = self.begun.take() else {
            let Some(path) = self.files.pop_front() else {
                return false;
            };
            if let Ok(f) = File::open(&path) {
                self.begun = Some((path, f, Sha256::new()));
            }
            return true;
        };
        match file.read(buf) {
            Ok(0) => {
                self.done.insert(path, format!("{:x}", h.finalize()));
            }
            Ok(n) => {
                h.update(&buf[..n]);
                self.begun = Some((path, file, h));
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                self.begun = Some((path, file, h));
            }
            // left out: hashed again by `add_to`, which reports the error
            Err(_) => {}
        }
        true
    }
}

/// The sha256 of a list of files, being made on a low-priority thread ([`Hashing::start`]).
pub struct Hashing {
    left: Arc<Mutex<Left>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Hashing {
    /// Start hashing the tabular files of `files` (`input::table::is_tabular`; repeated paths
    /// once) on a thread of its own under the idle policy ([`lower_priority`]). Without a
    /// thread (it could not start) every file is hashed by [`Hashing::add_to`].
    pub fn start(files: &[PathBuf]) -> Hashing {
        let mut paths: Vec<PathBuf> = files
            .iter()
            .filter(|p| crate::input::table::is_tabular(p))
            .cloned()
            .collect();
        paths.sort();
        paths.dedup();
        let left = Arc::new(Mutex::new(Left {
            files: paths.into(),
            ..Left::default()
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let (l, s) = (Arc::clone(&left), Arc::clone(&stop));
        let thread = std::thread::Builder::new()
            .name("shnor-sha256".into())
            .spawn(move || {
                lower_priority();
                let mut buf = vec![0u8; STEP];
                while !s.load(Ordering::Relaxed) {
                    let Ok(mut left) = l.lock() else { return };
                    if !left.step(&mut buf) {
                        return;
                    }
                }
            })
            .ok();
        Hashing { left, stop, thread }
    }

    /// Stop the thread after its current step and hash what it left, here (the caller's
    /// priority): each file's sha256.
    fn finish(mut self) -> HashMap<PathBuf, String> {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let mut left = match self.left.lock() {
            Ok(mut l) => std::mem::take(&mut *l),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        };
        let mut buf = vec![0u8; STEP];
        while left.step(&mut buf) {}
        left.done
    }

    /// Set each tabular report's `sha256` (the manifest's inputs): the hash made here, else (a
    /// file not hashed: not listed at the start, or unreadable then) one made now, as the load
    /// makes it. Errors (data): a file cannot be read («PATH: cannot read (…)»).
    pub fn add_to(self, reports: &mut [InputReport]) -> Result<()> {
        let mut hashes = self.finish();
        for r in reports
            .iter_mut()
            .filter(|r| crate::input::table::is_tabular(Path::new(&r.path)))
        {
            let path = PathBuf::from(&r.path);
            r.sha256 = match hashes.get(&path) {
                Some(h) => h.clone(),
                None => {
                    let h = crate::input::files::sha256_file(&path)?;
                    hashes.insert(path, h.clone());
                    h
                }
            };
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hashing thread takes only idle cores: `lower_priority` puts its thread under
    /// `SCHED_IDLE` (no privilege needed to lower one's own policy).
    #[cfg(target_os = "linux")]
    #[test]
    fn the_hashing_thread_runs_under_the_idle_policy() {
        use thread_priority::{NormalThreadSchedulePolicy, ThreadSchedulePolicy};
        let policy = std::thread::spawn(|| {
            lower_priority();
            thread_priority::thread_schedule_policy().unwrap()
        })
        .join()
        .unwrap();
        let idle = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
        assert_eq!(policy, idle);
    }

    /// Three files (one empty, one of several steps) and a missing one, in a new folder.
    fn files(dir: &Path) -> Vec<PathBuf> {
        let big: Vec<u8> = (0..STEP * 2 + 12345).map(|i| (i * 7 % 251) as u8).collect();
        let written = [
            ("a.csv", big),
            ("b.csv", Vec::new()),
            ("c.txt", b"x;y\n".to_vec()),
        ];
        let mut paths: Vec<PathBuf> = written
            .into_iter()
            .map(|(name, bytes)| {
                let p = dir.join(name);
                std::fs::write(&p, bytes).unwrap();
                p
            })
            .collect();
        paths.push(dir.join("missing.csv"));
        paths
    }

    #[test]
    fn a_hand_over_at_any_step_gives_each_files_sha256() {
        let dir = tempfile::tempdir().unwrap();
        let paths = files(dir.path());
        let expected: HashMap<PathBuf, String> = paths[..3]
            .iter()
            .map(|p| (p.clone(), crate::sha256_hex(&std::fs::read(p).unwrap())))
            .collect();
        // the thread stopped after 0, 1, … steps (none started: every step here)
        for steps in 0..10 {
            let h = Hashing {
                left: Arc::new(Mutex::new(Left {
                    files: paths.clone().into(),
                    ..Left::default()
                })),
                stop: Arc::new(AtomicBool::new(true)),
                thread: None,
            };
            let mut buf = vec![0u8; STEP];
            for _ in 0..steps {
                h.left.lock().unwrap().step(&mut buf);
            }
            assert_eq!(h.finish(), expected, "after {steps} steps");
        }
        // and by the thread itself, to the end or stopped at once
        assert_eq!(Hashing::start(&paths).finish(), expected);
    }

    #[test]
    fn a_report_gets_its_hash_and_an_unreadable_file_its_error() {
        let dir = tempfile::tempdir().unwrap();
        let paths = files(dir.path());
        let report = |p: &Path| InputReport {
            path: p.display().to_string(),
            ..InputReport::default()
        };
        let mut reports = vec![report(&paths[2])];
        Hashing::start(&paths).add_to(&mut reports).unwrap();
        assert_eq!(reports[0].sha256, crate::sha256_hex(b"x;y\n"));
        let mut missing = vec![report(&paths[3])];
        let e = Hashing::start(&paths).add_to(&mut missing).unwrap_err();
        assert!(e.to_string().contains("missing.csv: cannot read"), "{e}");
    }
}
