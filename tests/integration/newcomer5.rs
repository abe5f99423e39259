//! Regressions of the fifth fresh-eyes run's findings: school rows of a per-school ОГЭ/ЕГЭ table
//! with an empty code, and its aggregate rows.
use crate::util::*;

/// Write `text` to `path` and read it back as `inspect --format json` shows it.
fn inspect_file(path: &std::path::Path, text: &str) -> serde_json::Value {
    std::fs::write(path, text).unwrap();
    json_of(shnor().arg("inspect").arg(path).args(["--format", "json"]))
}

const GIA_HEAD: &str = "Код ОО;Наименование ОО;Количество участников;Средний балл;Доля не преодолевших минимальный порог;Доля получивших «5»";

/// H1: a school row with figures but an empty (or dash) «Код ОО» was dropped without a word — the
/// region's worst school left the list and the region's participants lost its pupils. It is a data
/// error naming row and column; with `--lenient`, a skipped row with a counted warning.
#[test]
fn a_gia_school_row_without_its_code_is_a_data_error() {
    let dir = tempfile::tempdir().unwrap();
    for code in ["", "-"] {
        let p = dir.path().join("ОГЭ математика 2024.csv");
        let rows = format!(
            "{GIA_HEAD}\n1000;МБОУ \"СОШ №1\";40;15,2;10,00;20,00\n{code};МБОУ \"СОШ №3\";50;12,0;30,00;4,00\n"
        );
        std::fs::write(&p, rows).unwrap();
        let found = if code.is_empty() {
            "found an empty cell".to_string()
        } else {
            format!("found «{code}»")
        };
        shnor()
            .arg("select")
            .arg(&p)
            .assert()
            .code(1)
            .stderr(contains(&format!(
                "ОГЭ математика 2024.csv, row 3: column «Код ОО»: expected the school's code (or an aggregate label such as «Итого»), {found}"
            )));
        let v = json_of(
            shnor()
                .arg("inspect")
                .arg(&p)
                .args(["--lenient", "--format", "json"]),
        );
        let w = &v["inputs"][0]["warnings"];
        assert_eq!(
            w["строка с ошибкой данных пропущена (--lenient)"]["count"], 1,
            "{v:#}"
        );
    }
    // a caption row between the schools (no code, no figure) is no school and no error
    let p = dir.path().join("ОГЭ математика 2024.csv");
    let v = inspect_file(
        &p,
        &format!(
            "{GIA_HEAD}\n;Биробиджанский район;;;;\n1000;МБОУ \"СОШ №1\";40;15,2;10,00;20,00\n"
        ),
    );
    assert_eq!(v["inputs"][0]["rows"], 1, "{v:#}");
}

/// H1, related: an «Итого» row of such a table (here with participants that do not add up) was
/// skipped without a word; it is skipped with a counted warning naming its row, and a
/// municipality's row (a municipality, no code or name) is one too.
#[test]
fn a_gia_aggregate_row_is_skipped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ОГЭ математика 2024.csv");
    let rows = format!(
        "{GIA_HEAD}\n1000;МБОУ \"СОШ №1\";40;15,2;10,00;20,00\n1001;МБОУ \"СОШ №2\";20;14,1;5,00;10,00\n;Итого по району;999;14,0;8,00;15,00\n"
    );
    let v = inspect_file(&p, &rows);
    let input = &v["inputs"][0];
    assert_eq!(input["rows"], 2, "{v:#}");
    let w = &input["warnings"]
        ["итоговая строка таблицы ОГЭ/ЕГЭ по школам пропущена (итоги считаются по школам)"];
    assert_eq!(w["examples"][0], "строка 4: «Итого по району»", "{v:#}");
    let named = dir.path().join("by name");
    std::fs::create_dir(&named).unwrap();
    std::fs::write(
        named.join("ОГЭ математика 2024.csv"),
        "Муниципалитет;Наименование ОО;Количество участников;Средний балл;Доля не преодолевших минимальный порог\nгород А;СОШ 1;40;15;10\nгород А;;60;12;30\nгород А;СОШ 3;20;14;5\n",
    )
    .unwrap();
    let v = json_of(
        shnor()
            .arg("inspect")
            .arg(&named)
            .args(["--format", "json"]),
    );
    let w = &v["inputs"][0]["warnings"]
        ["итоговая строка таблицы ОГЭ/ЕГЭ по школам пропущена (итоги считаются по школам)"];
    assert_eq!(w["examples"][0], "строка 3: «город А»", "{v:#}");
}

/// M0: «ЕГЭ математика профильная 2024.csv» and «ЕГЭ математика базовая 2024.csv» read as one
/// subject «математика», so a region's usual pair of files failed to load together (a second,
/// different row per school); the level in the file name makes two subjects. And two rows that
/// differ only in the mean score are two different results, not an exact repeat to drop.
#[test]
fn the_ege_mathematics_level_in_a_file_name_keeps_two_subjects() {
    let dir = tempfile::tempdir().unwrap();
    let head = "Код ОО;Наименование ОО;Количество участников;Средний балл;Доля не преодолевших минимальный порог";
    for (level, rows) in [
        ("профильная", "1000;СОШ 1;38;45;10\n1001;СОШ 2;20;50;5\n"),
        ("базовая", "1000;СОШ 1;40;4,1;5\n1001;СОШ 2;20;4,3;0\n"),
    ] {
        std::fs::write(
            dir.path().join(format!("ЕГЭ математика {level} 2024.csv")),
            format!("{head}\n{rows}"),
        )
        .unwrap();
    }
    let v = json_of(
        shnor()
            .arg("inspect")
            .arg(dir.path())
            .args(["--format", "json"]),
    );
    let mut subjects: Vec<&str> = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["subject"].as_str().unwrap_or(""))
        .collect();
    subjects.sort();
    assert_eq!(
        subjects,
        ["математика базовая", "математика профильная"],
        "{v:#}"
    );
    let same = tempfile::tempdir().unwrap();
    let p = same.path().join("ЕГЭ русский язык 2024.csv");
    std::fs::write(
        &p,
        format!("{head}\n1000;СОШ 1;40;65;5\n1000;СОШ 1;40;15;5\n"),
    )
    .unwrap();
    shnor()
        .arg("inspect")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains("вторая, другая строка для школы код ГИА 1000"))
        .stderr(contains("средний балл 65 и 15"));
}

/// M1: a per-pupil sheet's «Итого по ОО» (or «Среднее») row below the pupils became a school and,
/// with a total in range, a pupil. It is passed over with one counted warning naming its row.
#[test]
fn an_aggregate_row_in_a_pupil_sheet_is_neither_a_school_nor_a_pupil() {
    let i = &inspect_two_item_sheet(&[
        ["edu990001", "1", "2", "2", "4"],
        ["edu990002", "1", "1", "1", "2"],
        ["Итого по ОО", "", "", "", "3"],
        ["Среднее", "", "", "", "3"],
    ]);
    assert_eq!(i["schools"], 2, "{i:#}");
    assert_eq!(i["pupils"]["participants"], 2, "{i:#}");
    let w = warning(&i["warnings"], "итоговая строка листа участников пропущена");
    assert_eq!(w["count"], 2, "{i:#}");
    assert_eq!(w["examples"][0], "строка 4: «Итого по ОО»", "{i:#}");
    assert!(find_warning(&i["warnings"], "не логин").is_none(), "{i:#}");
}

/// L2: with standard error closed before shnor writes its error (`shnor … 2>&1 | head -0`), the
/// exit was sometimes 101 (the panic of a failed `eprintln!`), outside the documented codes. The
/// data error's code stays 1 and a usage error's 2.
#[test]
fn a_closed_standard_error_keeps_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("ВПР bad.csv");
    std::fs::write(
        &bad,
        "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n2025;4;математика;edu990001;20;abc;5;5;5\n",
    )
    .unwrap();
    for (args, code) in [
        (vec!["select".into(), bad.display().to_string()], 1),
        (vec!["select".into(), "--no-such-option".into()], 2),
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let status = shnor()
            .args(&args)
            .stdout(std::process::Stdio::null())
            .stderr(writer)
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(code), "{args:?}");
    }
}

/// M2: `select --all` said «Признаки необъективности: нет» (JSON `objectivity_flag: false`) for
/// every school that did not reach stage 2, beside its doubtful markers of Y; METHOD: under `flag`
/// a school is marked in every output. Under `ignore` no school is marked.
#[test]
fn a_school_with_doubtful_markers_is_marked_whatever_stage_it_reached() {
    let region = sample_region();
    let all = by_login(&select_json(&region, &[]));
    let s = &all["edu990001"];
    assert_eq!(s["stage_reached"], 1, "{s:#}");
    assert!(
        s["objectivity_flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["doubtful"] == true),
        "{s:#}"
    );
    assert_eq!(s["objectivity_flag"], true, "{s:#}");
    let marked = all
        .values()
        .filter(|s| s["objectivity_flag"] == true)
        .count();
    let doubtful = all
        .values()
        .filter(|s| {
            s["objectivity_flags"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["doubtful"] == true)
        })
        .count();
    assert_eq!(marked, doubtful);
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, "[objectivity]\npolicy = \"ignore\"\n").unwrap();
    let ignored = by_login(&select_json(&region, &["--config", cfg.to_str().unwrap()]));
    assert!(ignored.values().all(|s| s["objectivity_flag"] == false));
}

/// M3: a registry indicator column under a caption shnor does not know was left out of the ИСБШ
/// without a word; a known other wording («Доля детей из неполных семей», a synonym the context
/// tables already read) was ignored too. The synonym is read; a near caption gets a counted
/// warning naming the nearest indicator; an address or director column gets none.
#[test]
fn a_registry_column_like_an_indicator_is_read_or_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("registry.csv");
    let v = inspect_file(&p, "login;name;municipality;settlement;kind;Доля родителей с высшим образованием, %;Доля детей из неполных семей;Адрес;Директор\nedu990001;СОШ 1;Район;город;обычная;20;0,1;ул. Ленина, 1;Иванов\n",
    );
    let w = warning(
        &v["inputs"][0]["warnings"],
        "столбец реестра похож на показатель",
    );
    assert_eq!(w["count"], 1, "{v:#}");
    assert_eq!(
        w["examples"][0],
        "«Доля родителей с высшим образованием, %» (ближе всего: parents_higher_ed «доля обучающихся, оба родителя которых имеют высшее образование»)",
        "{v:#}"
    );
    // the synonym's values reach the index: `single_parent` is among the indicators used
    let dir2 = tempfile::tempdir().unwrap();
    let mut reg = String::from(
        "login;name;municipality;settlement;kind;Доля детей из неполных семей;low_income\n",
    );
    for i in 1..=12 {
        reg.push_str(&format!(
            "edu9900{i:02};СОШ {i};Район;город;обычная;0,{};0,{}\n",
            i % 9 + 1,
            (i * 7) % 9 + 1
        ));
    }
    std::fs::write(dir2.path().join("registry.csv"), reg).unwrap();
    let idx = json_of(
        shnor()
            .arg("index")
            .arg(dir2.path())
            .args(["--format", "json"]),
    );
    let text = idx.to_string();
    assert!(
        !idx["summary"]["dropped"]
            .as_object()
            .is_some_and(|d| d.contains_key("single_parent")),
        "{text}"
    );
}

/// `select --all --format csv` of `path`.
fn select_all_csv(path: &std::path::Path) -> String {
    stdout_of(
        shnor()
            .arg("select")
            .arg(path)
            .args(["--all", "--format", "csv", "--quiet"]),
    )
}

/// L0: a per-pupil sheet's login cell that is no ФИС ОКО login (`School1`) was shown lower-cased
/// (`school1`); INPUTS.md: every output shows the login as the inputs spell it.
#[test]
fn a_login_cell_that_is_no_login_is_shown_as_spelt() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir
        .path()
        .join("Проведение работы по математике, 4 класс. ВПР 2021.xlsx");
    let rows: Vec<Vec<String>> = std::iter::once(TWO_ITEM_HEAD.map(String::from).to_vec())
        .chain(
            [
                ["School1", "1", "2", "2", "4"],
                ["edu990002", "1", "1", "1", "2"],
            ]
            .iter()
            .map(|r| r.map(String::from).to_vec()),
        )
        .collect();
    text_workbook(&p, &[("Sheet", &rows)]);
    let out = select_all_csv(&p);
    assert!(out.contains(",School1,"), "{out}");
    assert!(!out.contains("school1"), "{out}");
    // sixth fresh-eyes run, L1: the flat marks table and the registry lower-cased it too
    let flat = dir.path().join("flat");
    std::fs::create_dir(&flat).unwrap();
    std::fs::write(
        flat.join("ВПР 2025.csv"),
        "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n2025;4;математика;School1;20;5;5;5;5\n2025;4;математика;EDU990002;20;5;5;5;5\n",
    )
    .unwrap();
    let out = select_all_csv(&flat);
    assert!(out.contains(",School1,"), "{out}");
    assert!(
        out.contains(",edu990002,"),
        "a ФИС ОКО login in lower case: {out}"
    );
    // a school list's spelling wins over a result table's: the registry's, as it spells it
    std::fs::write(
        flat.join("registry.csv"),
        "login;name;municipality;settlement;kind\nSCHOOL1;СОШ 1;Район;город;обычная\n",
    )
    .unwrap();
    let out = select_all_csv(&flat);
    assert!(out.contains(",SCHOOL1,"), "{out}");
}

/// H1, related: a registry row or a risk-profile row with values but an empty login was dropped
/// without a word (the marks, journal and markers tables already refused it). It is a data error
/// naming row and column; with `--lenient`, a skipped row with a counted warning.
#[test]
fn a_school_list_row_without_its_login_is_a_data_error() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        (
            "registry.csv",
            "login;name;municipality;settlement;kind;enrollment\nedu990001;СОШ 1;город А;город;обычная;500\n;СОШ 2;город А;село;обычная;50\n",
        ),
        (
            "risk.csv",
            "Логин;Год;Фактор риска;Уровень\nedu990001;2025;Дефицит педагогических кадров;высокий\n;2025;Дефицит педагогических кадров;высокий\n",
        ),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        shnor()
            .arg("inspect")
            .arg(&p)
            .assert()
            .code(1)
            .stderr(contains(&format!(
                "{name}, row 3: column «{}»: expected a school login, found an empty cell",
                if name == "risk.csv" { "Логин" } else { "login" }
            )));
        let v = json_of(
            shnor()
                .arg("inspect")
                .arg(&p)
                .args(["--lenient", "--format", "json"]),
        );
        assert_eq!(v["inputs"][0]["rows"], 1, "{v:#}");
        let w = warning(&v["inputs"][0]["warnings"], "строка с ошибкой данных пропущена");
        assert_eq!(w["count"], 1, "{v:#}");
    }
}

/// L6: `risk --format csv` wrote «Доля выбравших» in full float precision (0.4166666666666667)
/// where every other CSV rounds to 6 decimals.
#[test]
fn the_risk_csv_rounds_its_shares_as_every_csv_does() {
    let out = stdout_of(
        shnor()
            .arg("risk")
            .arg(sample_region())
            .args(["--format", "csv", "--quiet"]),
    );
    let mut shares = 0;
    for line in out.lines().skip(1) {
        let Some(last) = line.rsplit(',').next() else {
            continue;
        };
        if let Some((_, decimals)) = last.split_once('.') {
            if last.parse::<f64>().is_ok() {
                shares += 1;
                assert!(decimals.len() <= 6, "{line}");
            }
        }
    }
    assert!(shares > 0, "{out}");
}

/// Sixth fresh-eyes run, M1: a municipality's subtotal row of a per-school ОГЭ/ЕГЭ table — its
/// name in «Код ОО» (counted as a school: the municipality's pupils twice in every share), in
/// «Наименование ОО» with an empty code (a data error since H1's fix), or the row's municipality
/// repeated — is skipped with the counted aggregate warning; «В целом по региону» too.
#[test]
fn a_gia_municipality_subtotal_is_skipped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ОГЭ математика 2024.csv");
    let v = inspect_file(&p, &format!(
            "{GIA_HEAD}\nКаменский район;;165;14;15,15;10\n1000;СОШ 1;40;15,2;10,00;10\n1001;СОШ 2;125;14;16,8;10\n;Каменский муниципальный район;165;14;15;10\nг. Барнаул;г. Барнаул;40;15,2;10,00;10\n;В целом по региону;370;14;15;10\n"
        ),
    );
    let input = &v["inputs"][0];
    assert_eq!(input["rows"], 2, "{v:#}");
    assert_eq!(input["participants"], 165, "{v:#}");
    let w = warning(&input["warnings"], "итоговая строка таблицы ОГЭ/ЕГЭ");
    assert_eq!(w["count"], 4, "{v:#}");
    assert_eq!(w["examples"][0], "строка 2: «Каменский район»", "{v:#}");
    // a school whose name says «… района» (genitive) is a school
    let v = inspect_file(
        &p,
        &format!("{GIA_HEAD}\n1000;МБОУ СОШ №1 Облученского района;40;15,2;10,00;10\n"),
    );
    assert_eq!(v["inputs"][0]["rows"], 1, "{v:#}");
}

/// Sixth fresh-eyes run, L2: a registry's «Итого» row (its label in the login column) became a
/// school «итого» with a «не логин» warning; it is passed over with a counted warning naming it.
#[test]
fn a_registry_total_row_is_no_school() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("registry.csv");
    let v = inspect_file(&p, "login;name;municipality;settlement;kind;enrollment\nedu990001;СОШ 1;город А;город;обычная;500\nИтого;;;;;500\n",
    );
    let i = &v["inputs"][0];
    assert_eq!(i["schools"], 1, "{v:#}");
    let w = warning(&i["warnings"], "итоговая строка реестра пропущена");
    assert_eq!(w["examples"][0], "строка 3: «Итого»", "{v:#}");
    assert!(find_warning(&i["warnings"], "не логин").is_none(), "{v:#}");
}
