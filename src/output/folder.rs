//! A folder of output files written as one: into a temporary folder beside the target, renamed at
//! the end, so a failed run leaves nothing half-written.
use crate::error::{internal, usage};
use anyhow::Result;
use std::path::{Path, PathBuf};

/// Check that `dir` may be written: absent, or an empty folder, or (with `force`) any folder.
/// Errors: usage (exit 2) for an existing file, or a non-empty folder without `force`.
pub fn check_target(dir: &Path, force: bool) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(usage(format!(
            "--out {}: this is a file, not a folder",
            dir.display()
        )));
    }
    let empty = std::fs::read_dir(dir)
        .map_err(|e| usage(format!("--out {}: cannot read ({e})", dir.display())))?
        .next()
        .is_none();
    if !empty && !force {
        return Err(usage(format!(
            "--out {}: the folder exists and is not empty; choose another or add --force to replace it",
            dir.display()
        )));
    }
    Ok(())
}

/// Write `files` (relative path, bytes) into `dir` as one: a temporary folder beside `dir` is
/// filled, then an existing `dir` is moved aside, the new one renamed into place and the old one
/// removed. Errors: usage (exit 2) when the parent folder does not exist; internal (exit 3) when a
/// write or rename fails (the temporary folder is removed).
pub fn write_folder(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
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
    let tmp = parent.join(format!(".{name}.tmp-{pid}"));
    let old = parent.join(format!(".{name}.old-{pid}"));
    let res = fill(&tmp, files).and_then(|_| swap(dir, &tmp, &old));
    if let Err(e) = res {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(internal(format!("{}: cannot write ({e})", dir.display())));
    }
    Ok(())
}

fn fill(tmp: &Path, files: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    std::fs::create_dir(tmp)?;
    for (rel, bytes) in files {
        let p: PathBuf = tmp.join(rel);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d)?;
        }
        std::fs::write(&p, bytes)?;
    }
    Ok(())
}

/// Put `tmp` in the place of `dir`, moving an existing `dir` aside to `old` first and removing it
/// after.
fn swap(dir: &Path, tmp: &Path, old: &Path) -> std::io::Result<()> {
    let existed = dir.exists();
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

    #[test]
    fn a_non_empty_folder_needs_force_and_is_replaced_whole() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("r");
        check_target(&out, false).unwrap();
        write_folder(&out, &[("a.txt".into(), b"1".to_vec())]).unwrap();
        let e = check_target(&out, false).unwrap_err();
        assert_eq!(crate::error::exit_code(&e), 2);
        check_target(&out, true).unwrap();
        write_folder(&out, &[("sub/b.txt".into(), b"2".to_vec())]).unwrap();
        assert!(!out.join("a.txt").exists());
        assert_eq!(std::fs::read(out.join("sub/b.txt")).unwrap(), b"2");
        // nothing left beside it
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    }
}
