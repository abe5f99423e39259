//! `shnor config`: the defaults print and check back.
use crate::util::*;

#[test]
fn default_config_prints_and_round_trips() {
    let text = stdout_of(shnor().args(["config", "--print-default"]));
    assert!(text.contains("threshold = 0.30"));
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("c.toml");
    std::fs::write(&p, &text).unwrap();
    shnor()
        .args(["config", "--check"])
        .arg(&p)
        .assert()
        .success();
}
