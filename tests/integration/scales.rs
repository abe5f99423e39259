//! `shnor scales` and scales files: the built-ins listed, written as a file that loads back, a
//! user's faulty table an error naming the row, and the note of a resolved published table.
use crate::util::*;

/// `shnor scales --format csv --out FILE` in a temp folder; the file's text.
fn scales_file(dir: &std::path::Path) -> (std::path::PathBuf, String) {
    let out = dir.join("scales.csv");
    shnor()
        .args(["scales", "--format", "csv", "--out"])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    (out, text)
}

/// A per-pupil CSV of 8 кл. география 2021 with three pupils (34, 35 and 40 points).
fn geography_8(dir: &std::path::Path) -> std::path::PathBuf {
    let p = dir.join("Проведение работы по географии, 8 класс. ВПР 2021.csv");
    std::fs::write(
        &p,
        "логин школы;вариант;всего баллов\nsch220001;1;34\nsch220001;2;35\nsch220001;1;40\n",
    )
    .unwrap();
    p
}

#[test]
fn the_table_lists_every_builtin_procedure_with_its_source() {
    let v = json_of(shnor().args(["scales", "--format", "json"]));
    let rows = v["scales"].as_array().unwrap();
    assert_eq!(rows.iter().filter(|r| r["year"] == 2021).count(), 34);
    let r26: Vec<_> = rows.iter().filter(|r| r["year"] == 2026).collect();
    assert_eq!(r26.len(), 1);
    assert_eq!(r26[0]["subject"], "русский язык");
    assert_eq!(
        r26[0]["bands"],
        serde_json::json!([[0, 9], [10, 15], [16, 20], [21, 24]])
    );
    assert!(rows.iter().all(|r| r["source"]
        .as_str()
        .unwrap()
        .contains("Описание проверочной работы")));
    let text = stdout_of(shnor().arg("scales"));
    assert!(text.contains("Встроенные шкалы"), "{text}");
    assert!(
        text.contains("27–35 / 35–40"),
        "the resolved table is noted:\n{text}"
    );
}

#[test]
fn the_written_file_loads_back_and_its_edits_win() {
    let d = tempfile::tempdir().unwrap();
    let (file, text) = scales_file(d.path());
    let pupils = geography_8(d.path());
    // as written: loads, and the pupils of 35 points get «5»
    let v = json_of(
        shnor()
            .arg("inspect")
            .arg(&pupils)
            .arg("--scales")
            .arg(&file)
            .args(["--format", "json"]),
    );
    let inputs = v["inputs"].as_array().unwrap();
    let sc = inputs.iter().find(|i| i["kind"] == "scales").unwrap();
    assert_eq!(
        sc["rows"],
        shnor::input::scales::Scales::builtin().map.len()
    );
    let p = inputs.iter().find(|i| i["kind"] == "pupils").unwrap();
    assert_eq!(p["pupils"]["marks"], serde_json::json!([0, 0, 1, 2]), "{p}");
    // edited: «5» from 36
    let edited = text.replace(
        "0–12 / 13–26 / 27–34 / 35–40",
        "0–12 / 13–26 / 27–35 / 36–40",
    );
    std::fs::write(&file, edited).unwrap();
    let v = json_of(
        shnor()
            .arg("inspect")
            .arg(&pupils)
            .arg("--scales")
            .arg(&file)
            .args(["--format", "json"]),
    );
    let p = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "pupils")
        .unwrap()
        .clone();
    assert_eq!(p["pupils"]["marks"], serde_json::json!([0, 0, 2, 1]), "{p}");
}

#[test]
fn a_user_table_that_overlaps_is_an_error_naming_the_row() {
    let d = tempfile::tempdir().unwrap();
    let (file, text) = scales_file(d.path());
    std::fs::write(
        &file,
        text.replace(
            "0–12 / 13–26 / 27–34 / 35–40",
            "0–12 / 13–26 / 27–35 / 35–40",
        ),
    )
    .unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("27–34 / 35–40"))
        .unwrap()
        + 1;
    shnor()
        .arg("inspect")
        .arg(geography_8(d.path()))
        .arg("--scales")
        .arg(&file)
        .assert()
        .code(1)
        .stderr(contains(&format!("row {line}")))
        .stderr(contains("overlap"));
}

#[test]
fn a_second_row_for_one_procedure_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("my_scales.csv");
    std::fs::write(
        &file,
        "year,grade,subject,max_score,min3,min4,min5\n2022,5,история,15,4,8,12\n2022,5,история,15,5,8,12\n",
    )
    .unwrap();
    shnor()
        .arg("inspect")
        .arg(geography_8(d.path()))
        .arg("--scales")
        .arg(&file)
        .assert()
        .code(1)
        .stderr(contains("row 3"))
        .stderr(contains("a second row"));
}

#[test]
fn the_builtin_overlap_is_a_warning_of_the_file_that_uses_it() {
    let d = tempfile::tempdir().unwrap();
    let v = json_of(
        shnor()
            .arg("inspect")
            .arg(geography_8(d.path()))
            .args(["--format", "json"]),
    );
    let text = v.to_string();
    assert!(text.contains("перекрываются"), "{text}");
    assert!(text.contains("«5» с 35"), "{text}");
}

/// A 2026 per-pupil synth folder as downloaded (no scales file): the 4 кл. русский язык work is
/// scored by the built-in 2026 table (before that row, no 2026 work had marks) with no pupil above
/// its maximum of 24; the works without a 2026 table load with the «no scale» warning.
#[test]
fn a_2026_folder_is_scored_where_a_2026_table_is_built_in() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("vpr2026");
    shnor()
        .args(["synth", "--all-per-pupil", "--seed", "5", "--schools", "10"])
        .args(["--years", "2026", "--out"])
        .arg(&out)
        .assert()
        .success();
    std::fs::remove_file(out.join("scales.csv")).unwrap();
    let v = json_of(shnor().arg("inspect").arg(&out).args(["--format", "json"]));
    let inputs = v["inputs"].as_array().unwrap();
    let pupils: Vec<&serde_json::Value> = inputs.iter().filter(|i| i["kind"] == "pupils").collect();
    assert_eq!(pupils.len(), 10);
    for p in pupils {
        let rus4 = p["grade"] == 4 && p["subject"] == "русский язык";
        assert_eq!(p["year"], 2026);
        assert_eq!(p["pupils"]["marks_computed"], rus4, "{p}");
        let marks: u64 = p["pupils"]["marks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_u64().unwrap())
            .sum();
        if rus4 {
            assert_eq!(p["pupils"]["max_score"], 24, "{p}");
            assert_eq!(p["pupils"]["above_max"], 0, "{p}");
            assert!(marks > 0);
            assert_eq!(marks, p["pupils"]["participants"].as_u64().unwrap(), "{p}");
            assert!(
                !p["warnings"].to_string().contains("нет шкалы перевода"),
                "{p}"
            );
        } else {
            assert_eq!(marks, 0);
            assert!(
                p["warnings"].to_string().contains("участников без отметок"),
                "{p}"
            );
        }
    }
}
