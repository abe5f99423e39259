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

/// Fresh-eyes run 9: profiles that give some of the ten factors (a wide file with four factor
/// columns) listed the others as «0 / 0 / 0» and among the least common; they are left out of
/// every block and named in `summary.absent_factors` and in a note.
#[test]
fn factors_no_profile_gives_are_named_not_counted_as_zero() {
    let (_d, region) = region(42, 120);
    let path = region.join("risk_profiles.csv");
    let kept = [
        "Логин",
        "Низкий уровень оснащения школы",
        "Дефицит педагогических кадров",
    ];
    let text = std::fs::read_to_string(&path).unwrap();
    let two: String = text
        .lines()
        .filter(|l| kept.iter().any(|k| l.contains(k)))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&path, two).unwrap();
    let v = json_of(shnor().arg("risk").arg(&region).args(["--format", "json"]));
    let absent = v["summary"]["absent_factors"].as_array().unwrap();
    assert_eq!(absent.len(), 8, "{absent:?}");
    for b in v["factors"].as_array().unwrap() {
        let names: Vec<&str> = b["factors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["factor"].as_str().unwrap())
            .collect();
        assert_eq!(names, kept[1..], "{}", b["name"]);
        assert!(b["least_common"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| kept.contains(&f.as_str().unwrap())));
    }
    let text = stdout_of(shnor().arg("risk").arg(&region));
    assert!(
        text.contains("Факторы, которых нет ни в одном профиле"),
        "{text}"
    );
}
