//! The risk tables' load: repeats and bad cells in file order, tables loaded beside the others,
//! the typed read of a long CSV against the text reader (split from `load_tests.rs`).
use super::tests::{load, MARKS_HEADER};
use super::*;
use crate::model::warning::WarningCode;

/// `text` loaded as `risk.csv` in a fresh folder with `opts`: the load and its warnings as the
/// output prints them, or the error — both without the folder's name.
pub(in crate::input) fn load_risk_text(
    text: &str,
    opts: &Opts,
) -> std::result::Result<(Loaded, String), String> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("risk.csv");
    std::fs::write(&p, text).unwrap();
    let d = format!("{}/", dir.path().display());
    load_paths(&[p], opts)
        .map(|l| {
            let w = format!("{:?}", l.reports[0].warnings).replace(&d, "");
            (l, w)
        })
        .map_err(|e| e.to_string().replace(&d, ""))
}

#[test]
fn risk_repeats_and_bad_cells_are_found_in_file_order() {
    const H: &str = "Логин,Год,Фактор риска,Уровень\n";
    let f1 = "Низкий уровень оснащения школы";
    let f2 = "Дефицит педагогических кадров";
    // an exact repeat (line 4) is dropped with a warning naming its line
    let text = format!(
        "{H}edu990001,2024,{f1},высокий\nedu990001,2024,{f2},низкий\nedu990001,2024,{f1},высокий\n"
    );
    let l = load(&[("risk.csv", &text)], &Opts::default()).unwrap();
    assert_eq!(l.data.risk.height(), 2);
    let w = &l.reports[0].warnings.0[&WarningCode::RowRepeated];
    assert_eq!((w.count, w.examples[0].as_str()), (1, "строка 4"));
    // a second, different level (line 4) comes before a bad level (line 5): the error names line 4
    let text = format!("{H}edu990001,2024,{f1},высокий\nedu990002,2024,{f1},низкий\nedu990001,2024,{f1},низкий\nedu990003,2024,{f1},никакой\n");
    let msg = load(&[("risk.csv", &text)], &Opts::default())
        .err()
        .unwrap()
        .to_string();
    assert!(
        msg.contains("risk.csv, row 4") && msg.contains("a second, different level"),
        "{msg}"
    );
    // the bad level first (line 3), the conflict after it (line 5): the error names line 3
    let text = format!("{H}edu990001,2024,{f1},высокий\nedu990003,2024,{f1},никакой\nedu990002,2024,{f1},низкий\nedu990001,2024,{f1},низкий\n");
    let msg = load(&[("risk.csv", &text)], &Opts::default())
        .err()
        .unwrap()
        .to_string();
    assert!(
        msg.contains("risk.csv, row 3") && msg.contains("никакой"),
        "{msg}"
    );
    // --lenient: both rows skipped with counted warnings, the rest kept in school, year, factor order
    let lenient = Opts {
        lenient: true,
        ..Default::default()
    };
    let l = load(&[("risk.csv", &text)], &lenient).unwrap();
    assert_eq!(l.data.risk.height(), 2);
    assert_eq!(
        l.reports[0].warnings.0[&WarningCode::RowSkippedLenient].count,
        2
    );
    let ids: Vec<Option<&str>> = l
        .data
        .risk
        .column("school_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(ids, [Some("edu990001"), Some("edu990002")]);
}

/// Risk tables load beside the other sheets: of a bad risk table and a bad marks table, the error
/// is the first one in the inputs' order, as in one pass; the risk frames of two tables are kept in
/// that order too.
#[test]
fn risk_tables_loaded_apart_keep_the_inputs_order() {
    let risk =
        "Логин,Год,Фактор риска,Уровень\nedu990001,2024,Дефицит педагогических кадров,никакой\n";
    let marks =
        format!("{MARKS_HEADER}2023,4,математика,город Заречный,edu990001,СОШ 1,x,2,3,9,63\n");
    for (names, want) in [
        (["a_risk.csv", "b_vpr.csv"], "a_risk.csv"),
        (["b_risk.csv", "a_vpr.csv"], "a_vpr.csv"),
    ] {
        let msg = load(&[(names[0], risk), (names[1], &marks)], &Opts::default())
            .err()
            .expect("both tables are bad")
            .to_string();
        assert!(msg.contains(want), "{names:?}: {msg}");
    }
    let f = "Дефицит педагогических кадров";
    let a = format!("Логин,Год,Фактор риска,Уровень\nedu990001,2024,{f},высокий\n");
    let b = format!("Логин,Год,Фактор риска,Уровень\nedu990001,2024,{f},низкий\n");
    let ok =
        format!("{MARKS_HEADER}2023,4,математика,город Заречный,edu990001,СОШ 1,77,2,3,9,63\n");
    let l = load(
        &[("b_risk.csv", &b), ("vpr.csv", &ok), ("a_risk.csv", &a)],
        &Opts::default(),
    )
    .unwrap();
    let levels: Vec<Option<i32>> = l
        .data
        .risk
        .column("level")
        .unwrap()
        .i32()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(levels, [Some(2), Some(0)]);
    assert_eq!(l.reports.len(), 3);
}

/// A long risk table read as column operations names a record wider than its header too (was
/// loaded silently: the extra field dropped).
#[test]
fn a_risk_record_wider_than_the_header_is_a_data_error() {
    let text = "Логин,Год,Фактор риска,Уровень\n\
                edu990001,2024,Низкий уровень оснащения школы,высокий\n\
                edu990002,2024,Низкий уровень оснащения школы,высокий,лишнее\n";
    let msg = load(&[("risk.csv", text)], &Opts::default())
        .err()
        .expect("a record wider than its header is an error")
        .to_string();
    assert!(
        msg.contains("risk.csv, row 3") && msg.contains("5 fields where the header has 4"),
        "{msg}"
    );
}

/// A long risk CSV without a quote is read by polars' typed reader (year `Int32`, factor and level
/// `Categorical`); one with a quote anywhere (here the header's, which the text reader unquotes)
/// by the text reader. Both give the same frame, reports and warnings — and, for a bad table, the
/// same error (file, row, column): a repeat, a conflict, a login that is no login, a bad level, a
/// year out of range past the first records detection reads, an empty cell.
#[test]
fn a_risk_csv_reads_alike_typed_and_as_text() {
    let (f1, f2) = (
        "Низкий уровень оснащения школы",
        "Дефицит педагогических кадров",
    );
    let mut body = String::new();
    for i in 0..60 {
        let (y, l) = (2022 + i % 3, ["низкий", "средний", "высокий"][i % 3]);
        body += &format!("edu99{i:04},{y},{f1},{l}\nedu99{i:04},{y},{f2},{l}\n");
    }
    body += &format!("школа 7,2024,{f1},низкий\nedu990003,2024,{f1},низкий\n");
    let load_as = load_risk_text;
    let lenient = Opts {
        lenient: true,
        ..Default::default()
    };
    let tails = [
        String::new(),
        format!("edu990001,2022,{f1},высокий\n"),
        format!("edu990001,2024,{f2},никакой\n"),
        format!("edu990001,1999,{f2},высокий\n"),
        "edu990001,2024,,высокий\n".to_string(),
    ];
    for tail in &tails {
        for opts in [&Opts::default(), &lenient] {
            let plain = format!("Логин,Год,Фактор риска,Уровень\n{body}{tail}");
            let quoted = plain.replacen("Логин", "\"Логин\"", 1);
            match (load_as(&plain, opts), load_as(&quoted, opts)) {
                (Ok((a, wa)), Ok((b, wb))) => {
                    assert!(a.data.risk.equals(&b.data.risk), "{tail}");
                    let (ra, rb) = (&a.reports[0], &b.reports[0]);
                    assert_eq!((ra.rows, ra.schools), (rb.rows, rb.schools), "{tail}");
                    assert_eq!(ra.encoding, rb.encoding);
                    assert_eq!(wa, wb);
                    assert!(ra.warnings.0.contains_key(&WarningCode::NotALogin));
                }
                (Err(a), Err(b)) => assert_eq!(a, b),
                (a, b) => panic!("{tail}: {:?} / {:?}", a.map(|x| x.1), b.map(|x| x.1)),
            }
        }
    }
}

/// polars' categorical reader takes a badly closed quoted field (`"…"x`) as text the text reader
/// refuses: a risk CSV holding one is read by the text reader, whose error names its row.
#[test]
fn a_risk_csv_with_a_badly_closed_quote_is_refused() {
    let text = "Логин,Год,Фактор риска,Уровень\n\
                edu990001,2024,Низкий уровень оснащения школы,высокий\n\
                edu990002,2024,\"Низкий уровень оснащения школы\"x,высокий\n";
    let msg = load(&[("risk.csv", text)], &Opts::default())
        .err()
        .expect("a badly closed quote is an error")
        .to_string();
    assert!(
        msg.contains("risk.csv, row 3") && msg.contains("quoted field"),
        "{msg}"
    );
}

/// `CsvFile::typed_frame_as`: categorical columns only for a file without a quote, each cell's
/// text as written, the records before `first` (title lines, the header) null; an `Int32` cell
/// that is no whole number refuses the typed read (the text way names it).
#[test]
fn a_typed_frame_reads_categories_only_without_quotes() {
    use csv_file::{CsvFile, Typed};
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.csv");
    let cols = [(1, Typed::Int32), (2, Typed::Categorical)];
    std::fs::write(&p, "a,b,c\nx,2024,низкий\ny,20x4,высокий\nz,2023,низкий\n").unwrap();
    let (_, f) = CsvFile::open(&p, 3).unwrap();
    assert!(f.typed_frame_as(&cols, 1).unwrap().is_none());
    std::fs::write(
        &p,
        "Риски 2024,,\na,b,c\nx,2024,низкий\ny,2025,высокий\nz,2023,низкий\n",
    )
    .unwrap();
    let (_, f) = CsvFile::open(&p, 3).unwrap();
    let t = f
        .typed_frame_as(&cols, 2)
        .unwrap()
        .expect("a plain file without quotes");
    assert_eq!(t.height(), 5);
    let years: Vec<Option<i32>> = t.int_col(1, 0).unwrap().iter().collect();
    assert_eq!(years, [None, None, Some(2024), Some(2025), Some(2023)]);
    let c = t.df.column("c2").unwrap().cat32().unwrap();
    let levels: Vec<Option<&str>> = c.iter_str().collect();
    assert_eq!(
        levels,
        [None, None, Some("низкий"), Some("высокий"), Some("низкий")]
    );
    let logins = t.text_col(0, 0);
    let login: Vec<Option<&str>> = logins.iter().collect();
    assert_eq!(login, [None, None, Some("x"), Some("y"), Some("z")]);
    let records: Vec<Option<polars::prelude::IdxSize>> =
        t.df.column(table::RECORD)
            .unwrap()
            .idx()
            .unwrap()
            .iter()
            .collect();
    assert_eq!(records, (0..5).map(Some).collect::<Vec<_>>());
    std::fs::write(&p, "a,b,c\nx,2024,\"низкий\"\ny,2024,высокий\n").unwrap();
    let (_, f) = CsvFile::open(&p, 3).unwrap();
    assert!(f
        .typed_frame_as(&[(2, Typed::Categorical)], 1)
        .unwrap()
        .is_none());
    assert!(f.typed_frame(&[1], 1).unwrap().is_some());
}
