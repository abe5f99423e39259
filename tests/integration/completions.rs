//! `shnor completions SHELL`, `shnor man` and the global `--quiet`.
use crate::util::*;

#[test]
fn completions_name_every_subcommand() {
    for shell in ["bash", "zsh", "fish"] {
        let s = stdout_of(shnor().args(["completions", shell]));
        for sub in ["select", "report", "compare", "excel"] {
            assert!(s.contains(sub), "{shell}: {sub} missing");
        }
    }
    shnor().args(["completions", "cmd"]).assert().code(2);
}

#[test]
fn man_pages_are_roff_for_the_command_and_each_subcommand() {
    let page = stdout_of(shnor().arg("man"));
    assert!(page.contains(".TH shnor 1"), "{page}");
    assert!(page.contains("report"));
    let d = tempfile::tempdir().unwrap();
    shnor()
        .arg("man")
        .arg("--out")
        .arg(d.path())
        .assert()
        .success();
    let report = std::fs::read_to_string(d.path().join("shnor-report.1")).unwrap();
    assert!(
        report.contains(".TH shnor-report 1") && report.contains("\\-\\-force"),
        "{report}"
    );
    assert!(!d.path().join("shnor-help.1").exists());
    // a folder that does not exist yet is created, as report does
    let new = d.path().join("man/man1");
    shnor().arg("man").arg("--out").arg(&new).assert().success();
    assert!(new.join("shnor.1").is_file());
    let file = d.path().join("shnor.1");
    shnor().arg("man").arg("--out").arg(&file).assert().code(2);
}

#[test]
fn quiet_is_accepted_everywhere_and_output_is_unchanged() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let a = stdout_of(
        shnor()
            .current_dir(root)
            .args(["index", "data-samples/region"]),
    );
    let b = stdout_of(
        shnor()
            .current_dir(root)
            .args(["index", "data-samples/region", "--quiet"]),
    );
    assert_eq!(a, b);
}
