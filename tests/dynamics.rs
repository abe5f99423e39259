//! `shnor monitor`, `sweep`, `risk` on synthetic regions with planted entries and exits.
mod common;
use common::*;
use predicates::str::contains;

#[test]
fn monitor_finds_the_planted_entry_and_exit() {
    let (_d, region) = region(42, 120);
    let truth = planted(&region);
    let role = |r: &str| {
        truth
            .iter()
            .find(|(_, t)| t["role"] == r)
            .unwrap()
            .0
            .clone()
    };
    let (improving, declining) = (role("improving"), role("declining"));
    let v = json_of(
        shnor()
            .arg("monitor")
            .arg(&region)
            .args(["--format", "json"]),
    );
    let exited: Vec<&str> = v["exited"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["login"].as_str().unwrap())
        .collect();
    assert_eq!(
        exited,
        vec![improving.as_str()],
        "exactly the planted improving school exits"
    );
    let e = &v["exited"][0];
    assert_eq!(e["last_selected"], 2023);
    assert_eq!(e["quiet_years"], serde_json::json!([2024, 2025]));
    let entered_2024: Vec<&str> = v["entered"]["2024"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(
        entered_2024.contains(&declining.as_str()),
        "{entered_2024:?}"
    );
    // every school that enters the list is a planted low-result school
    for (_, list) in v["entered"].as_object().unwrap() {
        for l in list.as_array().unwrap() {
            let r = truth[l.as_str().unwrap()]["role"].as_str().unwrap();
            assert!(
                ["strong", "moderate", "basic", "declining"].contains(&r),
                "{l}: {r}"
            );
        }
    }
    // transitions: the three clusters plus «не кандидат»
    let t = &v["transitions"][0];
    assert_eq!(
        (t["from_year"].as_i64(), t["to_year"].as_i64()),
        (Some(2023), Some(2024))
    );
    assert!(t["matrix"]["не кандидат"]["не кандидат"].as_u64().unwrap() > 80);
    let s = v["schools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["login"] == improving.as_str())
        .unwrap();
    assert!(s["share2_change_pp"].as_f64().unwrap() < -30.0);
    assert!(s["years"]["2023"]["share2_ci"].is_array());
}

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

#[test]
fn risk_profiles_are_aggregated() {
    let (_d, region) = region(42, 120);
    let v = json_of(shnor().arg("risk").arg(&region).args(["--format", "json"]));
    let blocks = v["factors"].as_array().unwrap();
    let all = blocks
        .iter()
        .find(|b| b["scope"] == "регион" && b["population"] == "все школы с профилем")
        .unwrap();
    assert_eq!(all["schools"], 120);
    let f = &all["factors"][0];
    assert_eq!(
        f["selected"].as_u64().unwrap(),
        f["medium"].as_u64().unwrap() + f["high"].as_u64().unwrap()
    );
    assert_eq!(
        f["low"].as_u64().unwrap() + f["selected"].as_u64().unwrap(),
        120
    );
    assert!(blocks
        .iter()
        .any(|b| b["scope"] == "группа" && b["population"] == "отобранные"));
    assert_eq!(v["selected_profiles"].as_array().unwrap().len(), 11);
}
