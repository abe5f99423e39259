use super::*;
use crate::model::warning::WarningCode;

pub(super) const MARKS_HEADER: &str =
    "Год,Класс,Предмет,Муниципалитет,Логин,ОО,Кол-во участников,2,3,4,5\n";

/// Load `files` (name, text) written into a fresh folder, each named on the command line.
pub(super) fn load(files: &[(&str, &str)], opts: &Opts) -> Result<Loaded> {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = files
        .iter()
        .map(|(name, text)| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            p
        })
        .collect();
    load_paths(&paths, opts)
}

#[test]
fn the_assessment_is_never_assumed() {
    let text =
        format!("{MARKS_HEADER}2023,4,математика,город Заречный,edu990001,СОШ 1,77,2,3,9,63\n");
    // no column, title or name tells it: an error that says so (was read as ВПР)
    let msg = load(&[("marks.csv", &text)], &Opts::default())
        .err()
        .expect("a table without its assessment is an error")
        .to_string();
    assert!(
        msg.contains("cannot tell the assessment") && msg.contains("--assessment"),
        "{msg}"
    );
    // the name tells it, in either alphabet; or --assessment does
    for (name, want) in [("ОГЭ 2023.csv", "ОГЭ"), ("vpr_flat.csv", "ВПР")] {
        let l = load(&[(name, &text)], &Opts::default()).unwrap();
        assert_eq!(&*l.data.result_rows()[0].assessment, want, "{name}");
    }
    let given = Opts {
        assessment: Some("ЕГЭ".into()),
        ..Default::default()
    };
    let l = load(&[("marks.csv", &text)], &given).unwrap();
    assert_eq!(&*l.data.result_rows()[0].assessment, "ЕГЭ");
}

#[test]
fn a_truncated_record_is_a_data_error_naming_its_row() {
    let text = format!(
        "{MARKS_HEADER}2023,4,математика,город Заречный,edu990001,СОШ 1,77,2,3,9,63\n\
         2023,4,математика,город Заречный\n\
         2023,4,математика,город Заречный,edu990003,СОШ 3,50,5,5,20,20\n"
    );
    let e = load(&[("vpr_marks.csv", &text)], &Opts::default())
        .err()
        .expect("a truncated record is an error, not an aggregate row");
    let msg = e.to_string();
    assert!(msg.contains("row 3") && msg.contains("truncated"), "{msg}");
    assert!(msg.contains("«Логин»"), "{msg}");
    // --lenient skips it with a counted warning
    let lenient = Opts {
        lenient: true,
        ..Default::default()
    };
    let l = load(&[("vpr_marks.csv", &text)], &lenient).unwrap();
    assert_eq!(l.data.results.height(), 2);
    assert_eq!(l.data.tables.reference.height(), 0);
    assert!(l.reports[0].warnings.summary().contains("truncated"));
}

/// Third fresh-eyes run, #8: a row written with «,» in a «;» file was called «a truncated line»;
/// it is named as a row with another separator.
#[test]
fn a_row_with_another_separator_is_said_to_be_one() {
    let head = MARKS_HEADER.replace(',', ";");
    let text = format!(
        "{head}2023;4;математика;город Заречный;edu990001;СОШ 1;77;2;3;9;63\n\
         2023,4,математика,город Заречный,edu990002,СОШ 2,77,2,3,9,63\n"
    );
    let msg = load(&[("vpr_marks.csv", &text)], &Opts::default())
        .err()
        .expect("a row with another separator is an error")
        .to_string();
    assert!(msg.contains("row 3"), "{msg}");
    assert!(
        msg.contains("the record has 1 field where the header has 11: the row is separated by «,» while the file is by «;»"),
        "{msg}"
    );
}

#[test]
fn a_record_wider_than_the_header_is_a_data_error_naming_line_and_counts() {
    // a comma in a school name, the extra field at the end (was read silently: «2» «3» «4» «5»
    // taken from the wrong fields, the last one dropped)
    let good = "2023,4,математика,город Заречный,edu990001,СОШ 1,77,2,3,9,63\n";
    let named = format!("{MARKS_HEADER}{good}2023,4,математика,город Заречный,edu990002,СОШ 2, филиал,50,5,5,20,20\n");
    // decimal commas in a comma-separated table of percents
    let decimal = format!("{MARKS_HEADER}{good}2023,4,математика,город Заречный,edu990002,СОШ 2,50,10,0,40,0,30,0,20,0\n");
    // far below the first lines too
    let late = format!(
        "{MARKS_HEADER}{}2023,4,математика,город Заречный,edu990999,СОШ 9,50,5,5,20,20,1\n",
        (0..300)
            .map(|i| format!("2023,4,математика,город Заречный,edu99{i:04},СОШ,77,2,3,9,63\n"))
            .collect::<String>()
    );
    for (text, line, found) in [(&named, 3, 12), (&decimal, 3, 15), (&late, 302, 12)] {
        let msg = load(&[("vpr_marks.csv", text)], &Opts::default())
            .err()
            .expect("a record wider than its header is an error")
            .to_string();
        assert!(
            msg.contains(&format!("vpr_marks.csv, row {line}: ")),
            "{msg}"
        );
        assert!(
            msg.contains(&format!(
                "the record has {found} fields where the header has 11"
            )),
            "{msg}"
        );
        assert!(msg.contains("separator inside an unquoted value"), "{msg}");
        assert!(msg.contains("decimal commas"), "{msg}");
    }
    // a trailing separator adds an empty field: not an error
    let trailing = format!("{MARKS_HEADER}{}", good.replace('\n', ",\n"));
    assert_eq!(
        load(&[("vpr_marks.csv", &trailing)], &Opts::default())
            .unwrap()
            .data
            .results
            .height(),
        1
    );
}

#[test]
fn a_file_or_folder_matching_no_kind_is_an_error_saying_what_was_looked_for() {
    let msg = load(&[("x.csv", "a,b,c\n1,2,3\n")], &Opts::default())
        .err()
        .unwrap()
        .to_string();
    assert!(
        msg.contains("looked for") && msg.contains("Кол-во участников"),
        "{msg}"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.csv"), "a,b,c\n1,2,3\n").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "просто текст\n").unwrap();
    let e = load_paths(&[dir.path().to_path_buf()], &Opts::default())
        .err()
        .expect("a folder with nothing recognised is an error, not an empty result");
    assert!(e.to_string().contains("no input recognised"), "{e}");
    assert_eq!(crate::error::exit_code(&e), 1);
}

#[test]
fn a_marks_table_without_participants_names_the_missing_column() {
    let text = "Логин,ОО,2,3,4,5\nedu990001,СОШ 1,2,3,9,63\n";
    let msg = load(&[("marks.csv", text)], &Opts::default())
        .err()
        .unwrap()
        .to_string();
    assert!(
        msg.contains("participants") && msg.contains("«кол-во участников»"),
        "{msg}"
    );
}

#[test]
fn registry_repeats_are_dropped_and_conflicts_name_the_login() {
    let same = "login,name,settlement\nedu990002,СОШ 2,город\nedu990001,СОШ 1,село\nedu990002,СОШ 2,город\n";
    let l = load(&[("reg.csv", same)], &Opts::default()).unwrap();
    assert_eq!(l.data.schools.height(), 2);
    let w = &l.reports[0].warnings.0[&WarningCode::RegistryRowRepeated];
    assert_eq!(w.count, 1);
    let differ = same.replacen("СОШ 2,город", "СОШ 2,село", 1);
    let msg = load(&[("reg.csv", &differ)], &Opts::default())
        .err()
        .expect("two different registry rows for one login are an error")
        .to_string();
    assert!(msg.contains("edu990002") && msg.contains("row 4"), "{msg}");
}

#[test]
fn a_login_cell_that_is_no_login_is_named_in_the_warning() {
    let text = format!(
        "{MARKS_HEADER}2023,4,математика,город Заречный,edu990001,СОШ 1,77,2,3,9,63\n\
         2023,4,математика,город Заречный,school1,СОШ 2,50,5,5,20,20\n"
    );
    let l = load(&[("vpr_marks.csv", &text)], &Opts::default()).unwrap();
    let w = l.reports[0].warnings.summary();
    assert!(w.contains("«school1» (строка 3)"), "{w}");
}

#[test]
fn an_ege_table_takes_subject_and_assessment_from_its_name_and_percent_from_its_header() {
    let text = "Код ОО;Наименование ОО;Муниципалитет;Количество участников;Доля не преодолевших минимальный порог, %;Средний балл\n\
         000101;СОШ 1;город Заречный;40;2,5;65,2\n\
         000102;СОШ 2;город Заречный;200;0,5;61,0\n\
         000103;СОШ 3;село Лесное;100;1,0;58,3\n";
    let l = load(&[("ЕГЭ русский язык 2024.csv", text)], &Opts::default()).unwrap();
    let rows: Vec<(&str, &str, i32, Option<i32>)> = l
        .data
        .result_rows()
        .iter()
        .map(|r| (&*r.assessment, &*r.subject, r.grade, r.n2.get()))
        .collect();
    // 2,5 % of 40 is 1 pupil, 0,5 % of 200 is 1, 1 % of 100 is 1 (not 100 and 100 as shares)
    assert_eq!(
        rows,
        [
            ("ЕГЭ", "русский язык", 11, Some(1)),
            ("ЕГЭ", "русский язык", 11, Some(1)),
            ("ЕГЭ", "русский язык", 11, Some(1)),
        ]
    );
    assert!(!l.reports[0].warnings.summary().contains("не даёт данных"));
    // the header decides for every row: 0,8 of 40 (0.32 pupils as a percent, 32 as a share) is a
    // row in another unit, an error naming the header as the reason, never read as a share
    let other = text.replace(";40;2,5;", ";40;0,8;");
    let e = load(&[("ЕГЭ русский язык 2024.csv", &other)], &Opts::default())
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("row 2")
            && e.contains("the header «Доля не преодолевших минимальный порог, %» says %"),
        "{e}"
    );
    // a table with neither a share below the minimum nor high results contributes nothing:
    // a warning names it
    let means = "Код ОО;Количество участников;Средний балл\n000101;40;65,2\n";
    let l = load(&[("ЕГЭ русский язык 2024.csv", means)], &Opts::default()).unwrap();
    let w = l.reports[0].warnings.summary();
    assert!(
        w.contains("не даёт данных") && w.contains("ЕГЭ русский язык 2024.csv"),
        "{w}"
    );
}

#[test]
fn a_bad_cell_names_its_file_line_after_quoted_line_breaks() {
    let text = format!(
        "{MARKS_HEADER}2023,4,математика,город Заречный,edu990001,\"СОШ\n№ 1\",77,2,3,9,63\n\
         2023,4,математика,город Заречный,edu990003,СОШ 3,пятьдесят,5,5,20,20\n"
    );
    let msg = load(&[("vpr_marks.csv", &text)], &Opts::default())
        .err()
        .unwrap()
        .to_string();
    assert!(msg.contains("row 4"), "{msg}");
    assert!(msg.contains("Кол-во участников"), "{msg}");
}

#[test]
fn a_pupil_protocol_gives_joint_school_mark_and_score_counts_and_its_maximum() {
    let text = "логин школы,отметка за предыдущую четверть/триместр,вариант,всего баллов\n\
                sch220001,5,1,20\nsch220001,5,2,20\nsch220001,3,1,7\nsch220001,,1,12\n\
                sch220001,4,отсутствовал,\nsch220002,2,1,3\n";
    let l = load(
        &[(
            "Проведение работы по математике, 4 класс. ВПР 2021.csv",
            text,
        )],
        &Opts::default(),
    )
    .unwrap();
    use crate::model::tables::{ints, texts};
    let m = &l.data.tables.mark_scores;
    let (sid, mark) = (texts(m, "school_id"), ints(m, "school_mark"));
    let (score, count) = (ints(m, "score"), ints(m, "count"));
    let got: Vec<(&str, i64, i64, i64)> = (0..m.height())
        .map(|i| (sid[i].as_str(), mark[i], score[i], count[i]))
        .collect();
    // the pupil without a mark and the absent one are left out; sch → edu
    assert_eq!(
        got,
        [
            ("edu220001", 3, 7, 1),
            ("edu220001", 5, 20, 2),
            ("edu220002", 2, 3, 1)
        ]
    );
    let mx = &l.data.tables.maxima;
    assert_eq!(
        (texts(mx, "subject"), ints(mx, "year"), ints(mx, "grade")),
        (vec!["математика".to_string()], vec![2021], vec![4])
    );
    assert_eq!(ints(mx, "max_score"), [20], "the 2021 scale's maximum");
}

/// Issue 12 «one decision for units»: a share column without `%` is read in the unit in which its
/// values are whole pupils of their participants — not as percents because some value is above 1.
#[test]
fn a_gia_share_column_unit_is_decided_from_whole_pupils_once_per_file() {
    const H: &str =
        "Код ОО;Наименование ОО;Количество участников;Доля не преодолевших минимальный порог\n";
    let n2 = |text: String| -> (Vec<Option<i32>>, String) {
        let l = load(&[("ОГЭ математика 2024.csv", &text)], &Opts::default()).unwrap();
        let w = l.reports[0].warnings.summary();
        (l.data.result_rows().iter().map(|r| r.n2.get()).collect(), w)
    };
    // fractions: 0,067 of 120 and 0,125 of 40 are 8 and 5 pupils
    let (got, w) = n2(format!("{H}0001;СОШ 1;120;0,067\n0002;СОШ 2;40;0,125\n"));
    assert_eq!((got, w.is_empty()), (vec![Some(8), Some(5)], true));
    // percents: 6,67 % of 120 and 12,5 % of 40 are the same pupils
    let (got, _) = n2(format!("{H}0001;СОШ 1;120;6,67\n0002;СОШ 2;40;12,5\n"));
    assert_eq!(got, [Some(8), Some(5)]);
    // 0,5 of 200 and 0,25 of 400: whole pupils in either unit — percents (1 and 1 pupil, not
    // 100 and 100), with a warning naming the column
    let (got, w) = n2(format!("{H}0001;СОШ 1;200;0,5\n0002;СОШ 2;400;0,25\n"));
    assert_eq!(got, [Some(1), Some(1)]);
    assert!(
        w.contains("прочитан как проценты") && w.contains("Доля не преодолевших"),
        "{w}"
    );
}

/// Issue 12 «one school-merge policy»: the registry's municipality and name win over a marks
/// table's, whichever file loads first, and the disagreement is counted in the report of the file
/// read second.
#[test]
fn the_registry_wins_a_school_merge_and_the_disagreement_is_counted() {
    let marks =
        format!("{MARKS_HEADER}2024,4,математика,Бийский район,edu220001,СОШ №1,20,2,6,6,6\n");
    let registry =
        "login;name;municipality;settlement\nedu220001;МБОУ «Лицей 1»;город Алейск;город\n";
    for (a, b) in [
        ("a_registry.csv", "b_vpr.csv"),
        ("b_registry.csv", "a_vpr.csv"),
    ] {
        let l = load(&[(a, registry), (b, &marks)], &Opts::default()).unwrap();
        let s = &l.data.school_view().get("edu220001").unwrap();
        assert_eq!(
            (s.name.as_str(), s.municipality.as_str()),
            ("МБОУ «Лицей 1»", "город Алейск")
        );
        let second = l.reports.iter().find(|r| r.path.ends_with(a.max(b)));
        let w = &second.unwrap().warnings.0[&WarningCode::SchoolFactsDisagree];
        assert_eq!(w.count, 2, "{a}: {:?}", w.examples);
        assert!(
            w.examples
                .iter()
                .any(|e| e.contains("«город Алейск» / «Бийский район»")),
            "{:?}",
            w.examples
        );
    }
}

/// A per-pupil file whose year, grade and subject cannot be told names the options that exist
/// (`--file-year`, not `--year`) and says «not found» (was «year 0, subject «»»).
#[test]
fn a_per_pupil_file_without_its_procedure_names_the_real_options() {
    let text = "логин школы,вариант,всего баллов\nsch220001,1,20\n";
    let msg = load(&[("protocol.csv", text)], &Opts::default())
        .err()
        .expect("a per-pupil file without year, grade and subject is an error")
        .to_string();
    assert!(
        msg.contains("--file-year/--grade/--subject") && msg.contains("year not found"),
        "{msg}"
    );
    assert!(!msg.contains("year 0") && !msg.contains("«»"), "{msg}");
}

#[test]
fn a_pupil_row_with_items_partly_blank_and_a_zero_total_is_named() {
    let text = "логин школы,вариант,балл за 1,балл за 2,балл за 3,всего баллов\n\
                sch220001,1,2,1,1,4\nsch220001,1,2,,1,0\nsch220001,1,,,,0\nsch220002,1,1,1,1,3\n";
    let l = load(
        &[(
            "Проведение работы по математике, 4 класс. ВПР 2021.csv",
            text,
        )],
        &Opts::default(),
    )
    .unwrap();
    let w = &l.reports[0].warnings.0[&WarningCode::ProtocolItemsBlank];
    assert_eq!(w.count, 1, "{w:?}");
    assert_eq!(w.examples, ["строка 3: пусто «балл за 2»"], "{w:?}");
}

/// The participants and marks of a plain marks CSV are read as numbers by polars
/// (`marks::load_csv`); the same file going the text way (here: with a BOM) loads alike.
#[test]
fn typed_and_text_marks_frames_load_alike() {
    let mut text = String::from(MARKS_HEADER);
    for i in 0..400 {
        let (n2, n3, n4) = (i % 5, i % 7, i % 11);
        text += &format!(
            "{},{},математика,город Заречный,edu99{:04},\"СОШ \"\"{}\"\"\",{},{n2},{n3},{n4},{}\n",
            2022 + i % 3,
            4 + i % 4,
            i / 3,
            i / 3,
            n2 + n3 + n4 + 20,
            20
        );
    }
    let typed = load(&[("vpr_marks.csv", &text)], &Opts::default()).unwrap();
    let bom = format!("\u{feff}{text}");
    let general = load(&[("vpr_marks.csv", &bom)], &Opts::default()).unwrap();
    assert!(typed.data.results.height() > 0);
    // the same rows, but for the file's path (each load writes its own folder)
    let src = crate::model::schema::col::SOURCE;
    let (ra, rb) = (&typed.data.results, &general.data.results);
    assert!(ra.drop(src).unwrap().equals_missing(&rb.drop(src).unwrap()));
    let (a, b) = (&typed.reports[0], &general.reports[0]);
    assert_eq!((a.rows, a.schools, &a.years), (b.rows, b.schools, &b.years));
    assert_eq!(a.warnings.summary(), b.warnings.summary());
    // a cell that is no whole number sends the file the text way, whose error quotes it
    let bad = text
        .replacen(",20\n", ",2 0\n", 1)
        .replacen(",20\n", ",-1\n", 1);
    let msg = load(&[("vpr_marks.csv", &bad)], &Opts::default())
        .err()
        .unwrap()
        .to_string();
    assert!(msg.contains("vpr_marks.csv, row 3"), "{msg}");
}

/// Years and grades read by polars as whole numbers (`marks::typed`) load as their text does:
/// with every cell a plain year and grade, with a grade written with its word past the first
/// records (the file then goes the text way), and with one in the first records (only the counts
/// are typed).
#[test]
fn typed_years_and_grades_load_as_their_text() {
    let mut text = String::from(MARKS_HEADER);
    for i in 0..400 {
        text += &format!(
            "{},{},математика,город Заречный,edu99{:04},СОШ {},30,{},5,5,{}\n",
            2022 + i % 3,
            4 + i % 4,
            i / 3,
            i / 3,
            i % 5,
            20 - i % 5
        );
    }
    let late = text.replacen(
        ",6,математика,город Заречный,edu990090",
        ",6 класс,математика,город Заречный,edu990090",
        1,
    );
    let early = text.replacen("2022,4,", "2022,4 кл.,", 1);
    assert!(late != text && early != text);
    let src = crate::model::schema::col::SOURCE;
    for t in [&text, &late, &early] {
        let typed = load(&[("vpr_marks.csv", t)], &Opts::default()).unwrap();
        let general = load(
            &[("vpr_marks.csv", &format!("\u{feff}{t}"))],
            &Opts::default(),
        )
        .unwrap();
        let (ra, rb) = (&typed.data.results, &general.data.results);
        assert_eq!(ra.height(), 400);
        assert!(ra.drop(src).unwrap().equals_missing(&rb.drop(src).unwrap()));
        let (a, b) = (&typed.reports[0], &general.reports[0]);
        assert_eq!((a.rows, a.schools, &a.years), (b.rows, b.schools, &b.years));
        assert_eq!(a.warnings.summary(), b.warnings.summary());
    }
}

/// The registry is read from its text frame's columns (no grid): numbers the polars cast reads and
/// numbers only `parse_num` reads (decimal comma, spaces, `%`) load alike, an empty cell is no
/// value, and a truncated record, a record too wide and a bad cell are the errors (or, with
/// `--lenient`, the counted skips) they are for every flat table, each naming its row.
#[test]
fn registry_cells_read_from_the_frame_keep_their_values_and_errors() {
    use crate::model::schema::col as k;
    let text = "login;name;low_income;enrollment\n\
                edu990001;СОШ 1;0,25;1 200\n\
                edu990002;СОШ 2;0.5;\n\
                edu990003;СОШ 3\n\
                edu990004;СОШ 4;0.1;7;extra\n\
                edu990005;СОШ 5;abc;1\n\
                edu990006;СОШ 6;1e-1;30\n";
    let lenient = Opts {
        lenient: true,
        ..Default::default()
    };
    let l = load(&[("reg.csv", text)], &lenient).unwrap();
    assert_eq!(
        l.reports[0].warnings.0[&WarningCode::RowSkippedLenient].count,
        3
    );
    let s = l
        .data
        .schools
        .clone()
        .sort([k::SCHOOL_ID], Default::default())
        .unwrap();
    let ids: Vec<&str> = s
        .column(k::SCHOOL_ID)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(Option::unwrap)
        .collect();
    assert_eq!(ids, ["edu990001", "edu990002", "edu990006"]);
    let f64s =
        |c: &str| -> Vec<Option<f64>> { s.column(c).unwrap().f64().unwrap().iter().collect() };
    assert_eq!(f64s("low_income"), [Some(0.25), Some(0.5), Some(0.1)]);
    assert_eq!(f64s(k::ENROLLMENT), [Some(1200.0), None, Some(30.0)]);
    // without --lenient: the first bad record is the error, naming its row
    let msg = load(&[("reg.csv", text)], &Opts::default())
        .err()
        .unwrap()
        .to_string();
    assert!(msg.contains("row 4") && msg.contains("truncated"), "{msg}");
    let bad = "login;name;low_income;enrollment\nedu990005;СОШ 5;abc;1\n";
    let msg = load(&[("reg.csv", bad)], &Opts::default())
        .err()
        .unwrap()
        .to_string();
    assert!(
        msg.contains("row 2") && msg.contains("low_income") && msg.contains("«abc»"),
        "{msg}"
    );
}

/// A marks CSV with title lines above its header: polars' typed read skips them (and the header)
/// and the rows keep their file lines — the same results, warnings and lines as the text way
/// (the same file with a BOM), and a bad cell's error names its row of the file.
#[test]
fn title_lines_keep_the_rows_lines_in_the_typed_read() {
    let mut text = format!("Результаты ВПР\nСводная таблица по школам\n{MARKS_HEADER}");
    for i in 0..300 {
        let login = match i {
            10 => "edu99x010".to_string(),
            _ => format!("edu99{i:04}"),
        };
        text += &format!("2024,4,математика,город Заречный,{login},СОШ {i},30,5,5,5,15\n");
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("vpr_marks.csv");
    std::fs::write(&p, &text).unwrap();
    let (_, f) = csv_file::CsvFile::open(&p, 50).unwrap();
    let t = f.typed_frame(&[6, 7, 8, 9, 10], 3).unwrap();
    assert!(t.is_some_and(|t| t.height() == 303 && t.line_of(13) == 14));
    let typed = load(&[("vpr_marks.csv", &text)], &Opts::default()).unwrap();
    let bom = format!("\u{feff}{text}");
    let general = load(&[("vpr_marks.csv", &bom)], &Opts::default()).unwrap();
    let src = crate::model::schema::col::SOURCE;
    let (ra, rb) = (&typed.data.results, &general.data.results);
    assert_eq!(ra.height(), 300);
    assert!(ra.drop(src).unwrap().equals_missing(&rb.drop(src).unwrap()));
    let (a, b) = (&typed.reports[0], &general.reports[0]);
    let w = &a.warnings.0[&WarningCode::NotALogin];
    assert_eq!(w.examples, ["«edu99x010» (строка 14)"], "{w:?}");
    assert_eq!(a.warnings.summary(), b.warnings.summary());
    // a count that is no count: the text way's error names its line
    let bad = text.replacen(",СОШ 20,30,", ",СОШ 20,-1,", 1);
    let msg = load(&[("vpr_marks.csv", &bad)], &Opts::default())
        .err()
        .unwrap()
        .to_string();
    assert!(msg.contains("vpr_marks.csv, row 24"), "{msg}");
}
