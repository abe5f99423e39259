//! Regressions of the findings of a first-time user (tools/newcomer-findings.md): a share in
//! another unit than its file's, repeated pupils, logins, the markers table and a per-pupil sheet
//! without its total.
use crate::util::*;

const GIA_HEAD: &str = "Код ОО;Наименование ОО;Количество участников;Средний балл;Доля не преодолевших минимальный порог;Доля получивших «5»";

/// Finding 1: in an ОГЭ share column whose unit is percents (two rows of three give whole pupils
/// as percents), a row of fractions (`0,05` of 100: 0.05 pupils as a percent, 5 as a share) is a
/// data error naming file, row, column, value, unit and why, not a school rounded to 0 % below the
/// minimum; with `--lenient` the row is skipped with a counted warning.
#[test]
fn a_gia_share_in_another_unit_is_a_data_error_not_rounded() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ОГЭ математика 2025 mixed.csv");
    let t = format!(
        "{GIA_HEAD}\n1000;A;100;25,5;0,05;0,79\n1001;B;200;25,5;10;69\n1002;C;50;25,5;4;70\n"
    );
    std::fs::write(&p, t).unwrap();
    let out = shnor().arg("inspect").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    for part in [
        "mixed.csv, row 2",
        "Доля не преодолевших минимальный порог",
        "«0,05»",
        "as percents, 0,05 of the 100 participants",
        "as shares, 5 pupils",
        "expected percents, the unit of the file's shares",
        "2 give whole pupils as percents and 1 as shares",
    ] {
        assert!(err.contains(part), "{part} not in {err}");
    }
    let v = json_of(
        shnor()
            .arg("inspect")
            .arg(&p)
            .args(["--lenient", "--format", "json"]),
    );
    let i = &v["inputs"][0];
    assert_eq!(i["rows"], 2, "{i:#}");
    let w = warning(&i["warnings"], "--lenient");
    assert_eq!(w["count"], 1, "{i:#}");
    assert!(
        w["examples"][0].as_str().unwrap().contains("row 2"),
        "{i:#}"
    );
}
