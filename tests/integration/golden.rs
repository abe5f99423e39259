//! Golden-file (snapshot) tests on the shipped sample region `data-samples/region`: the table outputs
//! and the JSON contracts of `select --all`, `index` and `compare`, compared byte for byte with the files
//! in `tests/golden/`.
//!
//! After an intended change of an output, regenerate them with
//! `SHNOR_BLESS=1 cargo test --test integration golden::` and review the diff before committing; any
//! other value of the variable, or none, only compares.
use crate::util::*;
use std::path::Path;

/// Run shnor in the project folder with `args` and compare its standard output with
/// `tests/golden/{name}` (or write it there under `SHNOR_BLESS=1`).
fn golden(name: &str, args: &[&str]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cmd = shnor();
    cmd.current_dir(root).args(args);
    let got = stdout_of(&mut cmd);
    let path = root.join("tests/golden").join(name);
    if std::env::var("SHNOR_BLESS").as_deref() == Ok("1") {
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} missing: run with SHNOR_BLESS=1", path.display()));
    if let Some((line, g, w)) = first_difference(&got, &want) {
        panic!(
            "{name} differs from {} at line {line}:\n--- got ---\n{g}\n--- want ---\n{w}\n\
             (SHNOR_BLESS=1 regenerates it after an intended change)",
            path.display()
        );
    }
}

/// The first line (1-based) where two texts differ, with that line of each (empty past the end).
fn first_difference<'a>(got: &'a str, want: &'a str) -> Option<(usize, &'a str, &'a str)> {
    if got == want {
        return None;
    }
    let (mut g, mut w) = (got.split('\n'), want.split('\n'));
    for line in 1.. {
        match (g.next(), w.next()) {
            (Some(a), Some(b)) if a == b => continue,
            (a, b) => return Some((line, a.unwrap_or(""), b.unwrap_or(""))),
        }
    }
    unreachable!()
}

#[test]
fn first_difference_names_the_line() {
    assert_eq!(first_difference("a\nb\n", "a\nb\n"), None);
    assert_eq!(first_difference("a\nb\n", "a\nc\n"), Some((2, "b", "c")));
    assert_eq!(first_difference("a\n", "a\nb"), Some((2, "", "b")));
}

#[test]
fn select_final_list_markdown() {
    golden(
        "select_sample.md",
        &["select", "data-samples/region", "--format", "md"],
    );
}

#[test]
fn select_final_list_terminal_table() {
    golden("select_sample.txt", &["select", "data-samples/region"]);
}

#[test]
fn explain_story() {
    golden(
        "explain_edu990004.txt",
        &["explain", "edu990004", "data-samples/region"],
    );
}

#[test]
fn compare_csv() {
    golden(
        "compare_sample.csv",
        &[
            "compare",
            "data-samples/region",
            "--procedure",
            "ВПР:математика:4",
            "--format",
            "csv",
        ],
    );
}

#[test]
fn select_all_json() {
    golden(
        "select_all_sample.json",
        &["select", "data-samples/region", "--all", "--format", "json"],
    );
}

#[test]
fn index_json() {
    golden(
        "index_sample.json",
        &["index", "data-samples/region", "--format", "json"],
    );
}

#[test]
fn compare_json() {
    golden(
        "compare_sample.json",
        &["compare", "data-samples/region", "--format", "json"],
    );
}

#[test]
fn scales_csv() {
    golden("scales_builtin.csv", &["scales", "--format", "csv"]);
}
