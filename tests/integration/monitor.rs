//! `shnor monitor` on a synthetic region with planted entries and exits.
use crate::util::*;

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
    // the text agrees its counts with their nouns (it said «2 лет»)
    let text = stdout_of(shnor().arg("monitor").arg(&region));
    assert!(
        text.contains("Вышли в эффективный режим (2 года без правил этапа 1)"),
        "{text}"
    );
}
