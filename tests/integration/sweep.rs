//! `shnor sweep`: the baseline point reproduces `select`.
use crate::util::*;

#[test]
fn sweep_reproduces_select_at_the_baseline_point() {
    let (_d, region) = region(42, 120);
    let v = json_of(shnor().arg("sweep").arg(&region).args([
        "--param",
        "stage1.threshold=0.25:0.35:0.01",
        "--format",
        "json",
    ]));
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 11);
    let base = points
        .iter()
        .find(|p| p["values"]["stage1.threshold"] == 0.3)
        .unwrap();
    assert_eq!(base["jaccard"], 1.0);
    assert_eq!(base["entered"].as_array().unwrap().len(), 0);
    let sel = json_of(
        shnor()
            .arg("select")
            .arg(&region)
            .args(["--format", "json"]),
    );
    assert_eq!(base["size"], sel["summary"]["selected"]);
    // two parameters make a grid
    let v = json_of(shnor().arg("sweep").arg(&region).args([
        "--param",
        "stage1.threshold=0.3:0.4:0.05",
        "--param",
        "stage3.per_group=1:2:1",
        "--format",
        "json",
    ]));
    assert_eq!(v["points"].as_array().unwrap().len(), 6);
    shnor()
        .arg("sweep")
        .arg(&region)
        .args(["--param", "stage1.nope=1:2:1"])
        .assert()
        .code(2)
        .stderr(contains("stage1.nope"));
}
