//! `shnor explain`: one school's story in Russian.
use crate::util::*;

#[test]
fn explain_tells_the_story_in_russian() {
    let (_d, region) = region(42, 120);
    let truth = planted(&region);
    let strong = truth.iter().find(|(_, t)| t["role"] == "strong").unwrap().0;
    let sch = strong.replace("edu", "sch");
    let out = stdout_of(shnor().args(["explain", &sch]).arg(&region));
    assert!(out.contains("Этап 1, правило A"), "{out}");
    assert!(out.contains("Этап 2: общая доля «2»"), "{out}");
    assert!(out.contains("сильно неуспевающие"), "{out}");
    assert!(out.contains("Итог:"), "{out}");
}

/// Fresh-eyes #4: a procedure with fewer than `min_participants` pupils counts towards the window
/// total (METHOD.md §10) but not towards the shares: explain says so, and its figures reconcile
/// with select's «Участников».
#[test]
fn a_procedure_too_small_for_the_shares_is_named_and_the_counts_reconcile() {
    let d = tempfile::tempdir().unwrap();
    let marks = d.path().join("vpr_marks.csv");
    std::fs::write(
        &marks,
        "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n\
         2025;4;математика;edu990001;5;2;1;1;1\n\
         2025;4;русский язык;edu990001;5;2;1;1;1\n\
         2025;4;окружающий мир;edu990001;4;1;1;1;1\n\
         2025;4;математика;edu990002;20;1;5;8;6\n\
         2025;4;русский язык;edu990002;20;1;5;8;6\n",
    )
    .unwrap();
    let out = stdout_of(shnor().args(["explain", "edu990001"]).arg(&marks));
    assert!(
        out.contains("всего участников за 2025: 14 (нужно ≥ 10)"),
        "{out}"
    );
    assert!(
        out.contains(
            "ВПР окружающий мир 4 кл.: 4 участника, меньше 5 — учтено в этом числе, но не в долях"
        ),
        "{out}"
    );
    assert!(out.contains("(4 из 10;"), "{out}");
    let v = json_of(
        shnor()
            .arg("select")
            .arg(&marks)
            .args(["--all", "--format", "json"]),
    );
    let s = &by_login(&v)["edu990001"];
    assert_eq!(s["participants"], 10, "{s}");
}

/// Newcomer finding 10: a name that matches no school exactly named no near one; now the schools
/// whose name (or login) holds the words are listed, the first five and how many more.
#[test]
fn a_school_not_found_lists_the_schools_whose_name_holds_the_words() {
    shnor()
        .args(["explain", "сельская  сош", "--quiet"])
        .arg(sample_region())
        .assert()
        .code(2)
        .stderr(contains("no such school among the 120 schools with results in 2025; «сельская  сош» is part of the login or name of 57 schools: edu990003 «МКОУ \"Сельская СОШ №3\"» (Озёрный муниципальный район), "))
        .stderr(contains(" and 52 more; give the school's login or its whole name"));
    // third fresh-eyes run: an empty school is said to be empty
    shnor()
        .args(["explain", " ", "--quiet"])
        .arg(sample_region())
        .assert()
        .code(2)
        .stderr(contains("explain: the school is empty"));
    shnor()
        .args(["explain", "zzz", "--quiet"])
        .arg(sample_region())
        .assert()
        .code(2)
        .stderr(contains(
            "zzz: no such school among the 120 schools with results in 2025\n",
        ));
}
