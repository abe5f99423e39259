//! A folder of output files written as one: into a temporary folder beside the target, renamed at
//! the end, so a failed run leaves nothing half-written.
use crate::error::{internal, usage};
use anyhow::Result;
use std::path::{Path, PathBuf};

/// Check that `dir` may be written, before any work: absent in a folder that exists, or an empty
/// folder, or (with `force`) an earlier shnor report (see [`earlier_report`]) — never a folder
/// holding anything else. Returns what was checked of an earlier report (empty otherwise), for
/// [`Staging::finish_checked`].
/// Errors: usage (exit 2) for a missing parent folder, an existing file, a non-empty folder without
/// `force`, or, with `force`, a folder that is not an earlier report (naming what it holds that is
/// not the report's).
pub fn check_target(dir: &Path, force: bool) -> Result<Checked> {
    let held = check_free(dir, force)?;
    let parent = dir
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.exists() && !parent.is_dir() {
        return Err(usage(format!(
            "--out {}: the folder {} does not exist",
            dir.display(),
            parent.display()
        )));
    }
    if !held {
        return Ok(Checked::default());
    }
    earlier_report(dir, &Checked::default()).map_err(|what| {
        usage(format!(
            "--out {}: --force replaces only an earlier shnor report, and this folder {what}; \
             nothing was deleted — choose another folder",
            dir.display()
        ))
    })
}

/// Check that `dir` is absent or a folder, empty unless `force`; returns whether it holds anything
/// (what `force` may do with it is the caller's: `report` replaces only an earlier report, `synth`
/// overwrites its own files).
/// Errors: usage (exit 2) for `-`, a link to nothing, an existing file or a non-empty folder
/// without `force` (naming what it holds).
pub fn check_free(dir: &Path, force: bool) -> Result<bool> {
    if dir.as_os_str() == "-" {
        return Err(usage(
            "--out -: this writes a folder of files, not one stream; give a folder path",
        ));
    }
    if !dir.exists() {
        if std::fs::symlink_metadata(dir).is_ok() {
            return Err(usage(format!(
                "--out {}: a symbolic link to a folder that does not exist ({}); create it or give another path",
                dir.display(),
                std::fs::read_link(dir)
                    .map(|t| t.display().to_string())
                    .unwrap_or_default()
            )));
        }
        return Ok(false);
    }
    if !dir.is_dir() {
        return Err(usage(format!(
            "--out {}: this is a file, not a folder",
            dir.display()
        )));
    }
    let mut held: Vec<String> = std::fs::read_dir(dir)
        .and_then(|r| {
            r.map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
                .collect()
        })
        .map_err(|e| usage(format!("--out {}: cannot read ({e})", dir.display())))?;
    if !held.is_empty() && !force {
        held.sort();
        let more = match held.len() {
            n if n > 5 => format!(" and {} more", n - 5),
            _ => String::new(),
        };
        held.truncate(5);
        return Err(usage(format!(
            "--out {}: the folder exists and is not empty (it holds {}{more}); choose another or add --force to replace it",
            dir.display(),
            held.join(", ")
        )));
    }
    Ok(!held.is_empty())
}

/// The manifest every report folder holds; `--force` replaces only a folder that has one.
pub const MANIFEST: &str = "manifest.json";

/// The files of an earlier report found unchanged (their sha256 that of its manifest), each with
/// its [`Stamp`] when it was read: a file whose stamp is the same when checked again is not read
/// again.
#[derive(Debug, Default)]
pub struct Checked(std::collections::BTreeMap<String, Stamp>);

/// What tells a file's content changed without reading it: its size, modification time and, on
/// Unix, its device, inode and status-change time (which a write always moves, and which no
/// user can set back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    id: (u64, u64, i64, i64),
}

impl Stamp {
    fn of(m: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        Stamp {
            len: m.len(),
            modified: m.modified().ok(),
            #[cfg(unix)]
            id: (m.dev(), m.ino(), m.ctime(), m.ctime_nsec()),
        }
    }
}

/// Whether `dir` is an earlier shnor report that `--force` may replace: it holds a `manifest.json`
/// written by shnor (with `shnor_version` and the `files` list with each file's sha256), and
/// nothing else than the files that manifest lists, unchanged (same sha256), and their folders.
/// A listed file whose [`Stamp`] is the one in `since` (an earlier check's) is not hashed again;
/// the others are hashed side by side (rayon). Returns the files checked, with their stamps.
/// Errors: what the folder holds that makes it not one (a user's file is never deleted).
pub fn earlier_report(dir: &Path, since: &Checked) -> std::result::Result<Checked, String> {
    use rayon::prelude::*;
    let (listed, no) = match listed_files(dir) {
        Ok(l) => (l, None),
        Err(no) => (Default::default(), Some(no)),
    };
    let mut walked = Walked::default();
    walk(dir, Path::new(""), &listed, &mut walked).map_err(|e| format!("cannot be read ({e})"))?;
    let Walked {
        mut foreign,
        listed: found,
    } = walked;
    // each listed file's sha256 against its manifest's, unless unchanged since `since`
    let changed: Vec<Option<String>> = found
        .par_iter()
        .map(|(name, path, st)| {
            if since.0.get(name) == Some(st) {
                return Ok(None);
            }
            let got = crate::sha256_hex(&std::fs::read(path)?);
            Ok((Some(&got) != listed.get(name))
                .then(|| format!("{name} (changed since shnor wrote it)")))
        })
        .collect::<std::io::Result<_>>()
        .map_err(|e| format!("cannot be read ({e})"))?;
    foreign.extend(changed.into_iter().flatten());
    if foreign.is_empty() {
        let stamps = found.into_iter().map(|(name, _, st)| (name, st)).collect();
        return Ok(Checked(stamps));
    }
    foreign.sort();
    let n = foreign.len();
    foreign.truncate(5);
    let what = format!(
        "holds {n} item(s) that are not the report's own files: {}{}",
        foreign.join(", "),
        if n > 5 { ", …" } else { "" }
    );
    Err(match no {
        None => what,
        Some(no) => format!("{no} and {what}"),
    })
}

/// The files (relative path → sha256) of the report whose manifest is in `dir`.
fn listed_files(
    dir: &Path,
) -> std::result::Result<std::collections::BTreeMap<String, String>, &'static str> {
    let no = || "has no manifest.json written by shnor (it is not a shnor report)";
    let text = std::fs::read(dir.join(MANIFEST)).map_err(|_| no())?;
    let v: serde_json::Value = serde_json::from_slice(&text).map_err(|_| no())?;
    let files = v["files"]
        .as_array()
        .filter(|_| v["shnor_version"].is_string());
    let files = files.ok_or_else(no)?;
    files
        .iter()
        .map(|f| match (f["name"].as_str(), f["sha256"].as_str()) {
            (Some(n), Some(h)) => Ok((n.to_string(), h.to_string())),
            _ => Err(no()),
        })
        .collect()
}

/// What [`walk`] found under a folder: the entries that are not the report's (`foreign`), and the
/// files its manifest lists (relative name, path, [`Stamp`]), still to be compared with it.
#[derive(Default)]
struct Walked {
    foreign: Vec<String>,
    listed: Vec<(String, PathBuf, Stamp)>,
}

/// Collect into `out` every entry under `dir/rel` that is neither the manifest, nor a file it
/// lists, nor a folder holding only such files (`foreign`), and the files it lists (`listed`).
fn walk(
    dir: &Path,
    rel: &Path,
    listed: &std::collections::BTreeMap<String, String>,
    out: &mut Walked,
) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir.join(rel))? {
        let e = e?;
        let r = rel.join(e.file_name());
        let name = r.to_string_lossy().replace('\\', "/");
        let kind = e.file_type()?;
        if kind.is_dir() {
            if listed.keys().any(|k| k.starts_with(&format!("{name}/"))) {
                walk(dir, &r, listed, out)?;
            } else {
                out.foreign.push(format!("{name}/"));
            }
        } else if !kind.is_file() {
            out.foreign.push(name);
        } else if name == MANIFEST {
            continue;
        } else if listed.contains_key(&name) {
            // the stamp before the read: a write after it moves the stamp
            let st = Stamp::of(&e.metadata()?);
            out.listed.push((name, e.path(), st));
        } else {
            out.foreign.push(name);
        }
    }
    Ok(())
}

/// Write `files` (relative path, bytes) into `dir` as one: a temporary folder beside `dir` is
/// filled, then an existing `dir` is moved aside, the new one renamed into place and the old one
/// removed ([`Staging`]). Errors: usage (exit 2) when the parent folder does not exist; internal
/// (exit 3) when a write or rename fails (the temporary folder is removed).
pub fn write_folder(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    let stage = Staging::new(dir)?;
    for (rel, bytes) in files {
        stage.write(rel, bytes)?;
    }
    stage.finish()
}

/// A folder being written as one: its files go into a temporary folder beside it (any thread may
/// write, each file once), which [`Staging::finish`] puts in its place; dropped unfinished (a
/// failed run), the temporary folder is removed.
pub struct Staging {
    dir: PathBuf,
    tmp: PathBuf,
    old: PathBuf,
    done: bool,
}

impl Staging {
    /// The temporary folder of `dir`, created. A `dir` that is a symbolic link to a folder is
    /// followed: the folder it points to is replaced at the end and the link kept.
    /// Errors: usage (exit 2) when the parent folder does not exist; internal (exit 3) when the
    /// temporary folder cannot be created.
    pub fn new(dir: &Path) -> Result<Staging> {
        let linked = std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink());
        let followed = match linked && dir.is_dir() {
            true => std::fs::canonicalize(dir).ok(),
            false => None,
        };
        let dir = followed.as_deref().unwrap_or(dir);
        let parent = dir
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !parent.is_dir() {
            return Err(usage(format!(
                "--out {}: the folder {} does not exist",
                dir.display(),
                parent.display()
            )));
        }
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "report".into());
        let pid = std::process::id();
        let stage = Staging {
            dir: dir.to_path_buf(),
            tmp: parent.join(format!(".{name}.tmp-{pid}")),
            old: parent.join(format!(".{name}.old-{pid}")),
            done: false,
        };
        std::fs::create_dir(&stage.tmp).map_err(|e| stage.failed(e))?;
        Ok(stage)
    }

    /// The temporary folder itself (for the workbook's temporary files, which have no name).
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Write one file (path relative to the folder, its subfolders created).
    /// Errors: internal (exit 3) when the write fails.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let p: PathBuf = self.tmp.join(rel);
        let res = match p.parent() {
            Some(d) => std::fs::create_dir_all(d),
            None => Ok(()),
        };
        res.and_then(|_| std::fs::write(&p, bytes))
            .map_err(|e| self.failed(e))
    }

    /// Put the written folder in the place of `dir` (see [`write_folder`]).
    /// Errors: internal (exit 3) when the rename fails or `dir` is no more an earlier report.
    pub fn finish(self) -> Result<()> {
        self.finish_checked(&Checked::default())
    }

    /// [`Staging::finish`] after [`check_target`]: the earlier report in `dir` is checked again
    /// just before it is replaced, its files hashed again only when their [`Stamp`] moved since
    /// `checked`.
    pub fn finish_checked(mut self, checked: &Checked) -> Result<()> {
        swap(&self.dir, &self.tmp, &self.old, checked).map_err(|e| self.failed(e))?;
        self.done = true;
        Ok(())
    }

    fn failed(&self, e: std::io::Error) -> anyhow::Error {
        internal(format!("{}: cannot write ({e})", self.dir.display()))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Put `tmp` in the place of `dir`, moving an existing `dir` aside to `old` first and removing it
/// after; an existing `dir` is checked again first ([`earlier_report`] since `checked`).
fn swap(dir: &Path, tmp: &Path, old: &Path, checked: &Checked) -> std::io::Result<()> {
    let existed = dir.exists();
    let empty = existed && std::fs::read_dir(dir)?.next().is_none();
    if existed && !empty {
        // checked again just before: the folder may have changed during the run
        earlier_report(dir, checked)
            .map_err(|what| std::io::Error::other(format!("not replaced: the folder {what}")))?;
    }
    if existed {
        std::fs::rename(dir, old)?;
    }
    if let Err(e) = std::fs::rename(tmp, dir) {
        if existed {
            let _ = std::fs::rename(old, dir);
        }
        return Err(e);
    }
    if existed {
        std::fs::remove_dir_all(old)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A report's files with a manifest listing them, as `shnor report` writes them.
    fn report_files(files: &[(&str, &[u8])]) -> Vec<(String, Vec<u8>)> {
        let listed: Vec<_> = files
            .iter()
            .map(|(n, b)| serde_json::json!({"name": n, "sha256": crate::sha256_hex(b)}))
            .collect();
        let m = serde_json::json!({"shnor_version": "0", "files": listed});
        let mut out: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|(n, b)| (n.to_string(), b.to_vec()))
            .collect();
        out.push((MANIFEST.into(), m.to_string().into_bytes()));
        out
    }

    #[test]
    fn force_never_replaces_a_folder_that_is_not_an_earlier_report() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("x");
        std::fs::create_dir_all(out.join("sub")).unwrap();
        std::fs::write(out.join("sub/thesis.docx"), "x").unwrap();
        let e = check_target(&out, true).unwrap_err();
        assert_eq!(crate::error::exit_code(&e), 2);
        assert!(e.to_string().contains("manifest.json"), "{e}");
        // a report with a file of the user's added, or a report file changed
        let r = d.path().join("r");
        write_folder(&r, &report_files(&[("csv/a.csv", b"1"), ("b.html", b"2")])).unwrap();
        check_target(&r, true).unwrap();
        std::fs::write(r.join("csv/notes.txt"), "mine").unwrap();
        let e = check_target(&r, true).unwrap_err();
        assert!(e.to_string().contains("csv/notes.txt"), "{e}");
        std::fs::remove_file(r.join("csv/notes.txt")).unwrap();
        std::fs::write(r.join("b.html"), "edited").unwrap();
        let e = check_target(&r, true).unwrap_err();
        assert!(e.to_string().contains("b.html (changed"), "{e}");
        // and write_folder itself refuses to swap it
        assert!(write_folder(&r, &report_files(&[("c.csv", b"3")])).is_err());
        assert_eq!(std::fs::read(r.join("b.html")).unwrap(), b"edited");
        assert!(out.join("sub/thesis.docx").exists());
    }

    #[test]
    fn a_file_changed_after_the_check_is_still_seen_before_the_swap() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path().join("r");
        write_folder(
            &r,
            &report_files(&[("csv/a.csv", b"12"), ("b.html", b"34")]),
        )
        .unwrap();
        // unchanged since the check: replaced
        let checked = check_target(&r, true).unwrap();
        assert_eq!(checked.0.len(), 2);
        let stage = Staging::new(&r).unwrap();
        for (rel, bytes) in report_files(&[("c.csv", b"5")]) {
            stage.write(&rel, &bytes).unwrap();
        }
        stage.finish_checked(&checked).unwrap();
        assert!(r.join("c.csv").exists() && !r.join("b.html").exists());
        // changed after the check (same size): the swap refuses it
        write_folder(
            &r,
            &report_files(&[("csv/a.csv", b"12"), ("b.html", b"34")]),
        )
        .unwrap();
        let checked = check_target(&r, true).unwrap();
        std::fs::write(r.join("csv/a.csv"), "21").unwrap();
        let stage = Staging::new(&r).unwrap();
        stage.write("c.csv", b"5").unwrap();
        let e = stage.finish_checked(&checked).unwrap_err();
        assert!(e.to_string().contains("csv/a.csv (changed"), "{e}");
        assert_eq!(std::fs::read(r.join("csv/a.csv")).unwrap(), b"21");
        assert!(!r.join("c.csv").exists());
    }

    #[test]
    fn a_non_empty_folder_needs_force_and_is_replaced_whole() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("r");
        check_target(&out, false).unwrap();
        write_folder(&out, &report_files(&[("a.txt", b"1")])).unwrap();
        let e = check_target(&out, false).unwrap_err();
        assert_eq!(crate::error::exit_code(&e), 2);
        check_target(&out, true).unwrap();
        write_folder(&out, &report_files(&[("sub/b.txt", b"2")])).unwrap();
        assert!(!out.join("a.txt").exists());
        assert_eq!(std::fs::read(out.join("sub/b.txt")).unwrap(), b"2");
        // nothing left beside it
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    }
}
