//! Defects found on 2026-11-30 (night): left from the eighth fresh-eyes run and found by the ninth.
use crate::util::*;

/// A per-pupil CSV (the two-item protocol of [`TWO_ITEM_HEAD`]) with `body` below its header, as
/// `inspect --format json` runs it: (exit code, stdout's JSON or stderr's text).
fn inspect_pupil_csv(body: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir
        .path()
        .join("Проведение работы по математике, 4 класс. ВПР 2025.csv");
    std::fs::write(&p, format!("{}\n{body}", TWO_ITEM_HEAD.join(";"))).unwrap();
    let out = shnor()
        .arg("inspect")
        .arg(&p)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let text = if out.status.success() {
        out.stdout
    } else {
        out.stderr
    };
    (out.status.code().unwrap(), String::from_utf8(text).unwrap())
}

/// Fresh-eyes run 8, F11: a truncated line in a per-pupil CSV («edu220001;1» where the header
/// has five columns) became a present pupil with an empty total (a counted «пустой первичный
/// балл» warning); in the flat, ОГЭ, risk and registry CSVs it is a data error naming its row.
#[test]
fn a_truncated_line_of_a_per_pupil_csv_is_a_data_error() {
    let (code, err) = inspect_pupil_csv("edu220001;1;1;1;2\nedu220001;2;0;1;1\nedu220001;1\n");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("row 4") && err.contains("truncated line"),
        "{err}"
    );
    // whole lines load, two pupils
    let (code, out) = inspect_pupil_csv("edu220001;1;1;1;2\nedu220001;2;0;1;1\n");
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["inputs"][0]["rows"], 2, "{v:#}");
}

/// Fresh-eyes run 7, F11: `compare --thresholds` showed a school alone in its municipality ∩
/// stratum as «в нижней группе МО: да» (1 из 1) even at 0 % «2», with no word that a group under
/// 1 / bottom_share schools has its worst school at the cut by construction. The table says how
/// many such schools it lists; JSON `summary.in_municipality_small_group`.
#[test]
fn thresholds_say_which_municipal_groups_are_too_small_to_rank() {
    let v = json_of(shnor().arg("compare").arg(sample_region()).args([
        "--thresholds",
        "--format",
        "json",
    ]));
    let small = v["schools"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["in_municipality"] == true && s["municipality_n"].as_u64().unwrap() < 10)
        .count();
    assert!(small > 0, "{v:#}");
    assert_eq!(v["summary"]["in_municipality_small_group"], small);
    let out = shnor()
        .arg("compare")
        .arg(sample_region())
        .arg("--thresholds")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!(
            "«В нижней группе МО: да» у {small} школ из групп МО × страта меньше 10 школ"
        )),
        "{text}"
    );
}
