//! A region's ВПР folder as downloaded (`synth --vpr-folder`): 40 per-pupil xlsx files, the 2021
//! context form and a directory, nothing else. Every procedure with a built-in scale is scored,
//! the six without one load with a warning, and `select` names every selected school with the
//! settlement and deficit the form gives — the planted ones.
use crate::util::*;
use serde_json::Value;

fn folder() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("vpr2021");
    shnor()
        .args(["synth", "--vpr-folder", "--seed", "3", "--schools", "60"])
        .args(["--years", "2021", "--out"])
        .arg(&out)
        .assert()
        .success();
    (dir, out)
}

#[test]
fn a_downloaded_folder_is_scored_and_selected_with_settlement_and_deficit() {
    let (_d, region) = folder();
    let v = json_of(
        shnor()
            .arg("inspect")
            .arg(&region)
            .args(["--format", "json"]),
    );
    let inputs = v["inputs"].as_array().unwrap();
    let pupils: Vec<&Value> = inputs.iter().filter(|i| i["kind"] == "pupils").collect();
    assert_eq!(pupils.len(), 40);
    let scored = pupils
        .iter()
        .filter(|i| i["pupils"]["marks_computed"] == true)
        .count();
    assert_eq!(scored, 34);
    let unscored: Vec<String> = pupils
        .iter()
        .filter(|i| i["pupils"]["marks_computed"] != true)
        .map(|i| i["warnings"].to_string())
        .collect();
    assert!(
        unscored
            .iter()
            .all(|w| w.contains("нет шкалы перевода") && w.contains("участников без отметок")),
        "{unscored:?}"
    );
    assert!(inputs.iter().any(|i| i["kind"] == "context-form"));
    assert!(inputs.iter().any(|i| i["kind"] == "directory"));

    let sel = select_json(&region, &[]);
    let planted = planted(&region);
    let selected: Vec<&Value> = sel["schools"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["selected"] == true)
        .collect();
    assert!(selected.len() >= 3, "{:#}", sel["summary"]);
    for s in &selected {
        let login = s["login"].as_str().unwrap();
        let truth = &planted[&login.replace("sch", "edu")];
        assert!(!s["name"].as_str().unwrap().is_empty(), "{s}");
        assert_eq!(s["settlement"], truth["settlement"], "{login}");
        assert_eq!(s["deficit"], truth["deficit"], "{login}");
    }
    let groups = sel["summary"]["groups_nonempty"].as_u64().unwrap();
    assert!(groups >= 3, "{:#}", sel["summary"]);
}
