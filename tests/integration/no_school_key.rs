//! A results table with no school key (issue 14): an open-data extract of totals (an exam date, a
//! subject, a count and a mean mark, no school) is rejected with the columns it has — never loaded
//! as results, never «unknown header layout».
use crate::util::*;

const EXTRACT: &str = "Дата экзамена;Предмет;Количество участников;Средняя оценка\n\
2023-05-25;Математика;1520;3,61\n\
2023-05-30;Русский язык;1534;3,85\n";

#[test]
fn a_results_table_with_no_school_key_is_rejected_naming_its_columns() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("ОГЭ 2023 открытые данные.csv");
    std::fs::write(&p, EXTRACT).unwrap();
    let out = shnor().arg("select").arg(&p).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("a results table with no school key")
            && err
                .contains("«Дата экзамена», «Предмет», «Количество участников», «Средняя оценка»")
            && !err.contains("unknown header layout"),
        "{err}"
    );
}

#[test]
fn in_a_folder_it_is_skipped_with_its_reason_and_a_load_warning() {
    let (_d, region) = region(42, 40);
    std::fs::write(region.join("ОГЭ 2023 открытые данные.csv"), EXTRACT).unwrap();
    let out = stdout_of(shnor().arg("inspect").arg(&region));
    assert!(
        out.contains("пропущен: таблица результатов без ключа школы")
            && out.contains("прочитаны столбцы «Дата экзамена»"),
        "{out}"
    );
    let v = select_json(&region, &[]);
    let read: Vec<&str> = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert!(
        !read.iter().any(|p| p.contains("открытые данные")),
        "{read:?}"
    );
    let text = stdout_of(shnor().arg("select").arg(&region));
    assert!(
        text.contains(
            "таблица результатов без ключа школы (логина, кода, названия ОО) не загружена"
        ),
        "{text}"
    );
    // alone in a folder: nothing recognised, the reason given
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("extract.csv"), EXTRACT).unwrap();
    shnor()
        .arg("select")
        .arg(d.path())
        .assert()
        .code(1)
        .stderr(contains("таблица результатов без ключа школы"));
}
