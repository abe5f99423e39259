//! Regressions of the defects a fresh-eyes tester reported and the session after fixed: a bad
//! item score named, ЕГЭ wording, a repeated unused column, `select --all` counts, explain and
//! load-report wording.
use crate::util::*;

/// Defect 1: a non-numeric, negative or fractional item score in a per-pupil sheet is a counted
/// warning naming the row, the column and the cell (not only a «total ≠ items» mismatch), and the
/// numbers of a mismatch are written the Russian way (a decimal comma).
#[test]
fn a_bad_item_score_is_a_named_warning_and_numbers_have_a_comma() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir
        .path()
        .join("Проведение работы по математике, 4 класс. ВПР 2025.xlsx");
    let head = [
        "Логин школы",
        "Вариант",
        "балл за 1",
        "балл за 2",
        "Всего баллов",
    ];
    let pupil = |a: &str, b: &str, total: &str| row(&["sch220001", "1", a, b, total]);
    let rows = vec![
        row(&head),
        pupil("x", "2", "5"),
        pupil("-1", "3", "2"),
        pupil("3", "2,5", "6"),
        pupil("3", "2", "5"),
    ];
    text_workbook(&p, &[("Sheet", &rows)]);
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    let i = &v["inputs"][0];
    let w = warning(&i["warnings"], "не целое неотрицательное");
    assert_eq!(w["count"], 3, "{i:#}");
    assert_eq!(
        w["examples"],
        serde_json::json!([
            "строка 2, «балл за 1»: «x»",
            "строка 3, «балл за 1»: «-1»",
            "строка 4, «балл за 2»: «2,5»"
        ]),
        "{i:#}"
    );
    // the rows with a named bad cell give no second, mismatch warning; the totals are the scores
    assert!(
        find_warning(&i["warnings"], "не равно сумме").is_none(),
        "{i:#}"
    );
    assert_eq!(i["pupils"]["participants"], 4, "{i:#}");
}
