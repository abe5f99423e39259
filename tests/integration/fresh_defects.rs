//! Regressions of the fresh-eyes tester's loader defects (/work/tools/fresh-defects.md #1, #2, #3,
//! #13): what a load must say instead of passing over silently.
use crate::util::*;

/// Defect #2: two columns with the same caption («Логин» twice) are a data error naming the
/// file, both columns and the header, not the first column read and the second dropped.
#[test]
fn a_header_with_a_column_twice_is_a_data_error_naming_both_columns() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("marks_twice.csv");
    std::fs::write(
        &f,
        "Год;Класс;Предмет;Логин;Логин;Кол-во участников;2;3;4;5\n2025;4;математика;edu990001;edu990002;20;5;5;5;5\n",
    )
    .unwrap();
    shnor()
        .arg("inspect")
        .arg(&f)
        .assert()
        .code(1)
        .stderr(contains("marks_twice.csv: header row 1: the column «Логин» appears twice (columns D (4) and E (5))"))
        .stderr(contains("header: «Год», «Класс»"));
    // the same in a workbook sheet, of another kind (a directory)
    let x = dir.path().join("dir.xlsx");
    text_workbook(
        &x,
        &[(
            "Школы",
            &[
                row(&["Логин", "ОО", "Муниципалитет", "ОО"]),
                row(&["edu990001", "Школа 1", "Район", "Школа 1"]),
            ],
        )],
    );
    shnor()
        .arg("inspect")
        .arg(&x)
        .assert()
        .code(1)
        .stderr(contains("dir.xlsx [лист «Школы»]: header row 1: the column «ОО» appears twice (columns B (2) and D (4))"));
}
