//! Shared helpers of the integration tests: run the binary, make fixtures reproducibly with `shnor synth`.
use assert_cmd::Command;
use std::path::{Path, PathBuf};

pub fn shnor() -> Command {
    Command::cargo_bin("shnor").unwrap()
}

/// A synthetic region in a fresh temp dir.
pub fn region(seed: u64, schools: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("region");
    shnor()
        .args([
            "synth",
            "--seed",
            &seed.to_string(),
            "--schools",
            &schools.to_string(),
            "--years",
            "2023-2025",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    (dir, out)
}

pub fn write_cp1251(path: &Path, text: &str) {
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
    std::fs::write(path, bytes).unwrap();
}

pub fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn json_of(cmd: &mut Command) -> serde_json::Value {
    serde_json::from_str(&stdout_of(cmd)).unwrap()
}

/// Planted roles by login.
pub fn planted(region: &Path) -> std::collections::BTreeMap<String, serde_json::Value> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(region.join("planted.json")).unwrap())
            .unwrap();
    by_login(&v)
}

/// The `schools` array of a JSON output (or of `planted.json`) by login.
pub fn by_login(v: &serde_json::Value) -> std::collections::BTreeMap<String, serde_json::Value> {
    v["schools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["login"].as_str().unwrap().to_string(), s.clone()))
        .collect()
}

/// `shnor select --all --format json` on a folder, with extra arguments.
pub fn select_json(region: &Path, extra: &[&str]) -> serde_json::Value {
    json_of(
        shnor()
            .arg("select")
            .arg(region)
            .args(["--all", "--format", "json"])
            .args(extra),
    )
}
