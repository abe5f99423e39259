//! Golden-file (snapshot) tests of table outputs on the shipped sample region.
//! Regenerate after an intended change with `SHNOR_UPDATE_GOLDEN=1 cargo test --test golden`.
use crate::util::*;
use std::path::Path;

fn golden(name: &str, args: &[&str]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cmd = shnor();
    cmd.current_dir(root).args(args);
    let got = stdout_of(&mut cmd);
    let path = root.join("tests/golden").join(name);
    if std::env::var_os("SHNOR_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} missing: run with SHNOR_UPDATE_GOLDEN=1", path.display()));
    assert!(
        got == want,
        "{name} differs from {}:\n--- got ---\n{got}\n--- want ---\n{want}",
        path.display()
    );
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
