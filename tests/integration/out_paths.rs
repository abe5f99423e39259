//! Where `--out` writes when the path is not a plain file: a fresh-eyes tester found that the atomic
//! rename replaced symbolic links, FIFOs and even `/dev/full` with regular files, and that `--out -`
//! wrote a file named «-».
use crate::util::*;
use std::path::Path;

fn select_csv_to(out: &Path, cwd: &Path) -> Outcome {
    shnor()
        .current_dir(cwd)
        .args(["select", "--format", "csv", "--quiet", "--out"])
        .arg(out)
        .arg(sample_region())
        .assert()
}

/// A link is followed: the file it points to gets the output, the link stays a link.
#[test]
fn out_through_a_symbolic_link_replaces_its_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let (target, link) = (dir.path().join("target.csv"), dir.path().join("link.csv"));
    std::fs::write(&target, "old\n").unwrap();
    std::os::unix::fs::symlink("target.csv", &link).unwrap();
    select_csv_to(&link, dir.path()).success();
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&target)
        .unwrap()
        .starts_with("№,Логин"));
    // a link to nothing is a usage error that says so
    let dangling = dir.path().join("dangling.csv");
    std::os::unix::fs::symlink("nothing.csv", &dangling).unwrap();
    select_csv_to(&dangling, dir.path())
        .code(2)
        .stderr(contains("a symbolic link to a file that does not exist"));
}

/// A FIFO is written in place (its reader gets the table) and is still a FIFO after.
#[test]
fn out_into_a_fifo_writes_to_its_reader_and_keeps_the_fifo() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    select_csv_to(&fifo, dir.path()).success();
    // checked first: a FIFO replaced by a file would leave the reader waiting for ever
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(reader.join().unwrap().starts_with("№,Логин"));
}

/// `--out -` is standard output, as for most command-line tools, not a file named «-».
#[test]
fn out_dash_is_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = shnor()
        .current_dir(dir.path())
        .args(["select", "--format", "csv", "--quiet", "--out", "-"])
        .arg(sample_region())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("№,Логин"));
    assert!(!dir.path().join("-").exists());
}

/// `report --out LINK --force`, LINK a link to an earlier report: the report replaces the folder the
/// link points to; the link stays.
#[test]
fn a_report_through_a_link_to_a_folder_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let (real, link) = (dir.path().join("real"), dir.path().join("link"));
    std::fs::create_dir(&real).unwrap();
    std::os::unix::fs::symlink("real", &link).unwrap();
    for _ in 0..2 {
        shnor()
            .args(["report", "--quiet", "--force", "--out"])
            .arg(&link)
            .arg(sample_region())
            .assert()
            .success();
    }
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(real.join("report.html").is_file());
}

/// A second fresh-eyes run: `report --out -` made a folder named «-», and `report --out LINK`,
/// LINK a link to nothing, failed with exit 3 («Not a directory», as if a bug of shnor's). Both are
/// usage errors now, and nothing is written.
#[test]
fn a_report_into_dash_or_a_link_to_nothing_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    shnor()
        .current_dir(dir.path())
        .args(["report", "--quiet", "--out", "-"])
        .arg(sample_region())
        .assert()
        .code(2)
        .stderr(contains("--out -: this writes a folder of files"));
    assert!(!dir.path().join("-").exists());
    let link = dir.path().join("gone");
    std::os::unix::fs::symlink("nowhere", &link).unwrap();
    shnor()
        .args(["report", "--quiet", "--out"])
        .arg(&link)
        .arg(sample_region())
        .assert()
        .code(2)
        .stderr(contains(
            "a symbolic link to a folder that does not exist (nowhere)",
        ));
    assert!(!dir.path().join("nowhere").exists());
}

/// Second fresh-eyes run: a `--out` that cannot be written was found only after the whole run
/// (a national `select` first, then the usage error). It is checked first: with an input that
/// would be a data error (exit 1), the `--out` usage error (exit 2) comes before the load.
#[test]
fn an_unwritable_out_is_a_usage_error_before_the_inputs_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("ВПР.csv");
    std::fs::write(&bad, "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n2025;4;математика;edu990001;x;1;1;1;1\n").unwrap();
    for (out, says) in [
        (dir.path().join("no/such/x.csv"), "does not exist"),
        (dir.path().to_path_buf(), "is a folder"),
    ] {
        for cmd in ["select", "inspect", "index"] {
            shnor()
                .args([cmd, "--quiet", "--out"])
                .arg(&out)
                .arg(&bad)
                .assert()
                .code(2)
                .stderr(contains(says));
        }
    }
    // the same input without --out is the data error
    shnor()
        .args(["inspect", "--quiet"])
        .arg(&bad)
        .assert()
        .code(1);
}

/// Third fresh-eyes run, #3: `report --out` under a folder that does not exist failed only after
/// the whole run; it is the usage error at once (before an input that would be a data error).
#[test]
fn report_out_under_a_missing_folder_is_a_usage_error_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("ВПР.csv");
    std::fs::write(&bad, "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n2025;4;математика;edu990001;x;1;1;1;1\n").unwrap();
    shnor()
        .args(["report", "--quiet", "--out"])
        .arg(dir.path().join("nodir/deeper/rep"))
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(contains("the folder"))
        .stderr(contains("does not exist"));
}
