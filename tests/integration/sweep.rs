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

/// Fresh-eyes run 11: `sweep --format csv` wrote each grid point as one text cell
/// («stage1.threshold = 0,25», a decimal comma), which a script cannot read as a number. Each swept
/// key is a column of its own: numbers with `.`, a choice as its word.
#[test]
fn sweep_csv_gives_each_swept_key_a_column_of_values() {
    let out = shnor()
        .args(["sweep", "data-samples/region", "--format", "csv"])
        .args(["--param", "stage1.threshold=0.25:0.27:0.01"])
        .args(["--param", "stage1.rule=risk,bottom"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("stage1.threshold,stage1.rule,Размер списка,"),
        "{header}"
    );
    let values: Vec<(String, f64)> = lines
        .map(|l| {
            let mut f = l.split(',');
            let threshold = f.next().unwrap().parse::<f64>().unwrap();
            (f.next().unwrap().to_string(), threshold)
        })
        .collect();
    assert_eq!(values.len(), 6, "{text}");
    assert!(values
        .iter()
        .any(|(r, x)| r == "bottom" && (x - 0.26).abs() < 1e-9));
}
