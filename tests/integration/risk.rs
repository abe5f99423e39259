//! `shnor risk`: risk profiles aggregated.
use crate::util::*;

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
