//! The load warnings in every command's output (fresh-eyes report): the dataset's and each input's,
//! as notes for people and under `load_warnings` in JSON; a context table's warnings describe the
//! year used, not a year laid before it.
use crate::util::*;
use std::path::{Path, PathBuf};

/// An ЕГЭ summary form (a tester's, shortened): region 112 participants in Russian, of which one
/// school row (30) has a negative count of pupils below the minimum.
const FORM_NEGATIVE: &str = "\
Информация о результатах ЕГЭ выпускников школ в 2024 году;;;;;;;;;;;;;
;;;;;;;;;;;;;
Муниципальное образование;Образовательная организация (школа);Профиль;Всего выпускников, принявших участие в ЕГЭ, чел.;из них;;;;;;;;;
;;;;Русский язык, чел.;;;;;Математика (профиль), чел.;;;;
;;;;приняло участие;не преодолен min порог;высокобалльники (80-99 баллов);получили 100 баллов;средний балл;приняло участие;не преодолен min порог;высокобалльники (80-99 баллов);получили 100 баллов;средний балл
1;2;3;4;5;6;7;8;9;5;6;7;8;9
ВСЕГО по региону;;х;112;112;4;21;1;66,1;40;4;6;;55,2
Заречный район;;;42;42;3;4;;59,6;10;2;1;;48,2
;\"МБОУ \"\"СОШ № 1\"\"\";;30;30;-1;4;;62,5;10;2;1;;48,2
;МКОУ «Основная общеобразовательная школа с. Луговое»;;12;12;2;;;51,0;;;;;
город Северск;;;70;70;1;17;1;71,1;30;2;5;;55,0
;\"МАОУ \"\"Лицей № 2\"\"\";;50;50;;15;1;75,3;25;1;5;;60,0
;Средняя общеобразовательная школа №5;;20;20;1;2;;60,0;5;1;;;40,0
";

const REGISTRY: &str = "\
login;name;municipality;settlement
edu990001;МБОУ \"СОШ №1\";Заречный район;город
edu990002;МКОУ \"ООШ с. Луговое\";Заречный район;село
edu990003;Лицей №2;г. Северск;город
edu990004;МБОУ СОШ № 5;город Северск;город
";

/// A temp dir with `form.csv` (the form, `-1` replaced by `fix` when given) and `registry.csv`
/// (its first `registry_rows` schools).
fn gia(fix: Option<&str>, registry_rows: usize) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let form = d.path().join("form.csv");
    let text = match fix {
        Some(v) => FORM_NEGATIVE.replace(";30;30;-1;", &format!(";30;30;{v};")),
        None => FORM_NEGATIVE.to_string(),
    };
    std::fs::write(&form, text).unwrap();
    let reg = d.path().join("registry.csv");
    let lines: Vec<&str> = REGISTRY.lines().take(1 + registry_rows).collect();
    std::fs::write(&reg, lines.join("\n") + "\n").unwrap();
    (d, form, reg)
}

fn run(cmd: &str, paths: &[&Path], extra: &[&str]) -> String {
    stdout_of(shnor().arg(cmd).args(paths).args(extra))
}

fn run_json(cmd: &str, paths: &[&Path], extra: &[&str]) -> serde_json::Value {
    json_of(
        shnor()
            .arg(cmd)
            .args(paths)
            .args(extra)
            .args(["--format", "json"]),
    )
}

/// The warnings of the input whose path ends with `file` in a JSON `load_warnings`.
fn input_warnings<'a>(v: &'a serde_json::Value, file: &str) -> &'a serde_json::Value {
    let inputs = v["load_warnings"]["inputs"]
        .as_array()
        .expect("load_warnings");
    &inputs
        .iter()
        .find(|i| i["path"].as_str().unwrap().ends_with(file))
        .unwrap_or_else(|| panic!("no {file} in {inputs:?}"))["warnings"]
}

const LENIENT: &str = "строка с ошибкой данных пропущена (--lenient)";
const REGION_TOTAL: &str = "итог по региону в форме ЕГЭ/ОГЭ не равен сумме школ";

#[test]
fn a_row_dropped_by_lenient_is_told_by_select_and_compare() {
    let (_d, form, reg) = gia(None, 4);
    for cmd in ["select", "compare"] {
        let text = run(cmd, &[&form, &reg], &["--lenient"]);
        let note = text
            .lines()
            .find(|l| l.contains(LENIENT))
            .unwrap_or_else(|| panic!("{cmd}: no note of the dropped row:\n{text}"));
        assert!(
            note.starts_with("Загрузка, ") && note.contains("form.csv"),
            "{note}"
        );
        assert!(text.contains(REGION_TOTAL), "{cmd}:\n{text}");
        let md = run(cmd, &[&form, &reg], &["--lenient", "--format", "md"]);
        assert!(md.contains(LENIENT), "{cmd} md:\n{md}");
        let v = run_json(cmd, &[&form, &reg], &["--lenient"]);
        let w = input_warnings(&v, "form.csv");
        assert_eq!(w[LENIENT]["count"], 1, "{cmd}: {w}");
        assert!(w[LENIENT]["examples"][0]
            .as_str()
            .unwrap()
            .contains("row 9"));
        // the dataset's own warnings (names matched to logins) stay apart
        assert!(!v["load_warnings"]["dataset"]
            .as_object()
            .unwrap()
            .is_empty());
    }
    // the existing keys stay as they were, the new one last
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        keys(&run_json("compare", &[&form, &reg], &["--lenient"])),
        ["config", "inputs", "summary", "blocks", "load_warnings"]
    );
    let sel = run_json("select", &[&form, &reg], &["--lenient"]);
    assert_eq!(
        keys(&sel),
        [
            "year",
            "window",
            "config",
            "config_sha256",
            "inputs",
            "summary",
            "schools",
            "load_warnings"
        ]
    );
    assert!(sel["summary"]["warnings"].is_object());
}

#[test]
fn compare_tells_a_form_whose_totals_are_not_its_schools_sum() {
    // a school row shifted into the municipality column: the region's schools sum to 92, not 112
    let (d, _, reg) = gia(Some("1"), 4);
    let shifted = d.path().join("shifted.csv");
    let text = FORM_NEGATIVE.replace(";30;30;-1;", ";30;30;1;").replace(
        ";Средняя общеобразовательная школа №5;;",
        "Средняя общеобразовательная школа №5;;;",
    );
    std::fs::write(&shifted, text).unwrap();
    let out = run("compare", &[&shifted, &reg], &[]);
    assert!(out.contains("Регион         ┆ 92"), "{out}");
    assert!(
        out.contains("в итоге 112, сумма школ 92") && out.contains("shifted.csv"),
        "{out}"
    );
    let v = run_json("compare", &[&shifted, &reg], &[]);
    assert!(input_warnings(&v, "shifted.csv")[REGION_TOTAL]["count"].as_u64() > Some(0));
}

#[test]
fn compare_counts_names_matched_to_no_school() {
    let (_d, form, reg) = gia(Some("1"), 2);
    let out = run("compare", &[&form, &reg], &[]);
    let note = out
        .lines()
        .find(|l| l.starts_with("Загрузка: "))
        .unwrap_or_else(|| panic!("no load note:\n{out}"));
    assert!(
        note.contains("название не найдено среди школ муниципалитета (") && note.contains("): 2 ("),
        "{note}"
    );
    let v = run_json("compare", &[&form, &reg], &[]);
    let dataset = v["load_warnings"]["dataset"].as_object().unwrap();
    assert!(
        dataset
            .iter()
            .any(|(k, w)| k.contains("не найдено") && w["count"] == 2),
        "{dataset:?}"
    );
}

#[test]
fn every_command_for_people_shows_the_load_warnings() {
    let (_d, form, reg) = gia(None, 4);
    let (_r, region) = region(5, 30);
    let region = region.as_path();
    let cases: &[(&str, &[&str])] = &[
        ("index", &[]),
        ("resilient", &[]),
        ("objectivity", &[]),
        ("monitor", &[]),
        ("risk", &[]),
        ("sweep", &["--param", "stage1.threshold=0.3:0.31:0.01"]),
    ];
    for (cmd, extra) in cases {
        let text = run(
            cmd,
            &[region, &form, &reg],
            &[&["--lenient"], *extra].concat(),
        );
        assert!(
            text.contains(LENIENT) && text.contains("form.csv"),
            "{cmd}:\n{text}"
        );
        let v = run_json(
            cmd,
            &[region, &form, &reg],
            &[&["--lenient"], *extra].concat(),
        );
        assert_eq!(input_warnings(&v, "form.csv")[LENIENT]["count"], 1, "{cmd}");
    }
    let explain = || {
        let mut c = shnor();
        c.args(["explain", "edu990004", "--lenient"])
            .args([region, &form, &reg]);
        c
    };
    let text = stdout_of(&mut explain());
    assert!(text.contains(LENIENT), "explain:\n{text}");
    let v = json_of(explain().args(["--format", "json"]));
    assert_eq!(input_warnings(&v, "form.csv")[LENIENT]["count"], 1);
    let out = tempfile::tempdir().unwrap();
    let rep = out.path().join("rep");
    shnor()
        .args(["report", "--lenient", "--out"])
        .arg(&rep)
        .args([region, &form, &reg])
        .assert()
        .success();
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(rep.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(input_warnings(&manifest, "form.csv")[LENIENT]["count"], 1);
    let html = std::fs::read_to_string(rep.join("report.html")).unwrap();
    assert!(html.contains(LENIENT), "no load note in report.html");
}

/// A context table of two schools in 2024 and 2025 (values unlike the sample registry's) and its
/// codebook, in `dir`.
fn context_table(dir: &Path) -> [PathBuf; 2] {
    let ctx = dir.join("ctx.csv");
    std::fs::write(
        &ctx,
        "Код ОО;Год;ses1;ses2\nedu990001;2024;0,5;0,4\nedu990002;2024;0,6;0,3\n\
         edu990001;2025;0,7;0,2\nedu990002;2025;0,8;0,1\nedu990003;2025;0,8;0,1\n",
    )
    .unwrap();
    let cb = dir.join("codebook.csv");
    std::fs::write(
        &cb,
        "code;label\nses1;Доля обучающихся из малообеспеченных семей\nses2;Доля обучающихся из многодетных семей\n",
    )
    .unwrap();
    [ctx, cb]
}

#[test]
fn context_table_warnings_describe_the_year_used() {
    let d = tempfile::tempdir().unwrap();
    let [ctx, cb] = context_table(d.path());
    let region = Path::new("data-samples/region");
    let taken =
        "таблица контекста и другой вход расходятся в показателе: взято значение таблицы за год";
    let unused =
        "в таблице контекста нет года отбора и более ранних: показатели таблицы не использованы";
    let dataset = |year: &str| {
        run_json("select", &[region, &ctx, &cb], &["--year", year])["load_warnings"]["dataset"]
            .clone()
    };
    // 2023: the table has no year so early; nothing of 2025 was taken
    let text = run("select", &[region, &ctx, &cb], &["--year", "2023"]);
    assert!(text.contains(unused) && !text.contains(taken), "{text}");
    let w = dataset("2023");
    assert_eq!(w[unused]["count"], 1, "{w}");
    assert!(w.get(taken).is_none(), "{w}");
    // 2024: two schools × two indicators of 2024, none of 2025
    let w = dataset("2024");
    assert_eq!(w[taken]["count"], 4, "{w}");
    for e in w[taken]["examples"].as_array().unwrap() {
        assert!(e.as_str().unwrap().ends_with("(2024)"), "{w}");
    }
    // the latest year, laid once: three schools × two indicators
    assert_eq!(dataset("2025")[taken]["count"], 6);
}

/// Newcomer finding 4: `--format csv` (and `--excel`) has no place for notes, and every load warning
/// was dropped — even a row `--lenient` skipped. They now go to standard error, as the table format
/// prints them under the table.
#[test]
fn csv_output_says_its_notes_and_load_warnings_on_stderr() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("ВПР 2025.csv");
    let mut text = String::from("Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n");
    for i in 1..=6 {
        text.push_str(&format!(
            "2025;4;математика;edu99000{i};20;{i};5;5;{}\n",
            10 - i
        ));
    }
    text.push_str("2025;4;математика;edu990007;20;1\n");
    std::fs::write(&f, text).unwrap();
    for dialect in ["--format=csv", "--excel"] {
        let out = shnor()
            .args(["select", "--lenient", "--quiet", dialect])
            .arg(&f)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("shnor: Этап 1: 6 школ"), "{err}");
        assert!(
            err.contains("shnor: Загрузка, ") && err.contains("(--lenient)"),
            "{err}"
        );
        assert!(!String::from_utf8_lossy(&out.stdout).contains("Загрузка"));
    }
}
