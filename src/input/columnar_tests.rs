//! The fast path and the row loader give the same dataset; unusual files go to the row loader.
use super::*;
use crate::input::{load_paths, Opts};

fn marks_csv(rows: usize, extra: &str) -> String {
    let mut s =
        String::from("Год,Класс,Предмет,Муниципалитет,Логин,ОО,Кол-во участников,2,3,4,5\n");
    for i in 0..rows {
        let (y, g) = (2023 + (i % 3) as i32, 4 + (i % 2) as i32);
        let subj = if i % 4 < 2 {
            "математика"
        } else {
            "Русский язык"
        };
        let n = 10 + (i % 17) as i64;
        let n2 = (i % 5) as i64;
        let n5 = (i % 3) as i64;
        s += &format!(
            "{y},{g},{subj},\"{}\",sch{:06},\"МБОУ \"\"СОШ №{}\"\"\",{n},{n2},{},{},{n5}\n",
            if i % 2 == 0 {
                "город Заречный"
            } else {
                "Берёзовский район"
            },
            990000 + i / 7,
            i / 7,
            n - n2 - n5 - 1,
            1
        );
    }
    s + extra
}

/// A row of percents that sum to 100: its counts are rebuilt from them.
const SHARES_ROW: &str = "2025,4,математика,Заречный,sch999998,СОШ,40,12.5,37.5,30,20\n";

/// `bytes` written to a file of a temporary folder (kept while the folder lives).
fn temp_file(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.csv");
    std::fs::write(&p, bytes).unwrap();
    (dir, p)
}

/// Rows as both paths must give them: the file name and line numbers set apart.
fn comparable(rows: &[ResultRow]) -> Vec<ResultRow> {
    rows.iter()
        .map(|r| ResultRow {
            line: 0,
            source: "".into(),
            ..*r
        })
        .collect()
}

fn load(text: &str) -> crate::input::Loaded {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("marks.csv");
    std::fs::write(&p, text).unwrap();
    load_paths(&[p], &Opts::default()).unwrap()
}

/// The fast path alone on a marks file: (accepted, dataset, report).
fn read_marks_file(p: &std::path::Path) -> (bool, Dataset, InputReport) {
    read_marks_parts(p, 1)
}

/// The same, the file read in `parts` ranges.
fn read_marks_parts(p: &std::path::Path, parts: usize) -> (bool, Dataset, InputReport) {
    let mut ds = Dataset::default();
    let (ok, rep) = read_marks_into(p, parts, true, &mut ds);
    (ok, ds, rep)
}

/// The fast path on a marks file, applied to `ds`: (accepted, report). `first`: read as the
/// first input (its schools built beside the reading).
fn read_marks_into(
    p: &std::path::Path,
    parts: usize,
    first: bool,
    ds: &mut Dataset,
) -> (bool, InputReport) {
    let head = crate::input::table::read_csv_head(p, 1 << 16).unwrap();
    let grid = crate::input::table::csv_grid(p, &head, Some(1)).unwrap();
    let h = Header::new(0, &grid.rows[0]);
    let mut rep = InputReport::default();
    let (meta, stop) = (Meta::default(), std::sync::atomic::AtomicBool::new(false));
    let src = Source {
        path: p,
        head: &head,
        header: &h,
        meta: &meta,
        stop: &stop,
        parts,
        first,
    };
    let part = read("marks", &src);
    let ok = part.is_some();
    if let Some(part) = part {
        part.apply(ds, &mut rep);
    }
    (ok, rep)
}

fn rows_via_row_loader(text: &str) -> crate::input::Loaded {
    // a title line above the header sends the file to the row loader
    load(&format!("Результаты ВПР\n{text}"))
}

#[test]
fn marks_fast_path_equals_row_loader() {
    let text = marks_csv(400, "");
    let fast = load(&text);
    let slow = rows_via_row_loader(&text);
    assert_eq!(fast.data.results.len(), 400);
    assert!(comparable(&fast.data.results) == comparable(&slow.data.results));
    // the row loader saw the title line: its lines are one further down
    assert!(fast
        .data
        .results
        .iter()
        .zip(&slow.data.results)
        .all(|(a, b)| a.line + 1 == b.line));
    let schools = |l: &crate::input::Loaded| -> Vec<(String, String, String)> {
        l.data
            .schools
            .values()
            .map(|s| (s.login.clone(), s.name.clone(), s.municipality.clone()))
            .collect()
    };
    assert_eq!(schools(&fast), schools(&slow));
    assert_eq!(fast.reports[0].schools, slow.reports[0].schools);
    assert_eq!(fast.reports[0].years, slow.reports[0].years);
}

#[test]
fn aggregate_rows_and_bad_cells_go_to_the_row_loader() {
    // an aggregate row at the end: kept apart as a reference row, as the row loader does
    let text = marks_csv(
        100,
        "2025,4,математика,,Вся выборка,,1000,100,300,400,200\n",
    );
    let l = load(&text);
    assert_eq!(l.data.results.len(), 100);
    assert_eq!(l.data.reference.len(), 1);
    // a non-numeric count: the row loader's error names the row and the column
    let text = marks_csv(
        100,
        "2025,4,математика,Заречный,sch999999,СОШ,12,abc,3,4,5\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.csv");
    std::fs::write(&p, text).unwrap();
    let e = load_paths(&[p], &Opts::default())
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("row 102") && e.contains("abc"), "{e}");
}

#[test]
fn risk_fast_path_equals_row_loader() {
    let mut text = String::from("Логин,Год,Фактор риска,Уровень\n");
    for i in 0..60 {
        for (j, f) in crate::model::RISK_FACTORS.iter().enumerate() {
            let lv = ["низкий", "средний", "высокий"][(i + j) % 3];
            text += &format!("edu{:06},2025,{f},{lv}\n", 990000 + i);
        }
    }
    let fast = load(&text);
    let slow = rows_via_row_loader(&text);
    assert_eq!(fast.data.risk.len(), 600);
    assert_eq!(fast.data.risk, slow.data.risk);
    assert_eq!(fast.reports[0].schools, slow.reports[0].schools);
    // a repeated key: the row loader drops the exact repeat with a warning
    let dup = format!(
        "{text}edu990000,2025,{},низкий\n",
        crate::model::RISK_FACTORS[0]
    );
    let l = load(&dup);
    assert_eq!(l.data.risk.len(), 600);
    assert!(l.reports[0].warnings.summary().contains("repeated"));
}

#[test]
fn clean_tables_take_the_fast_path() {
    let dir = tempfile::tempdir().unwrap();
    let fast = |text: &str| {
        let p = dir.path().join("m.csv");
        std::fs::write(&p, text).unwrap();
        read_marks_file(&p)
    };
    let (ok, ds, rep) = fast(&marks_csv(50, ""));
    assert!(ok);
    assert_eq!(
        (ds.results.len(), rep.rows, ds.results[49].line),
        (50, 50, 51)
    );
    // a blank line would shift file line numbers: the row loader takes such a file
    let (ok, ds, _) = fast(&marks_csv(50, "").replacen('\n', "\n\n", 2));
    assert!(!ok && ds.results.is_empty());
}

#[test]
fn slices_keep_file_line_numbers() {
    // more than one slice: lines go on counting across slice boundaries
    let text = marks_csv(30_000, "");
    assert!(text.len() > (1 << 20));
    let l = load(&text);
    assert_eq!(l.data.results.len(), 30_000);
    let mut lines: Vec<u32> = l.data.results.iter().map(|r| r.line).collect();
    lines.sort();
    assert_eq!((lines[0], lines[29_999]), (2, 30_001));
}

#[test]
fn crlf_and_windows_1251_files_take_the_fast_path_too() {
    let dir = tempfile::tempdir().unwrap();
    let lf = marks_csv(200, "");
    let fast = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let (ok, ds, _) = read_marks_file(&p);
        let rows: Vec<ResultRow> = ds
            .results
            .into_iter()
            .map(|r| ResultRow {
                source: "".into(),
                ..r
            })
            .collect();
        (ok, rows)
    };
    let (ok, base) = fast("lf.csv", lf.as_bytes());
    assert!(ok);
    let (ok, crlf) = fast("crlf.csv", lf.replace('\n', "\r\n").as_bytes());
    assert!(ok && crlf == base);
    let semicolons = lf.replace(',', ";");
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(&semicolons);
    let (ok, win) = fast("win.csv", &cp1251);
    assert!(ok && win == base);
}

#[test]
fn shares_in_a_later_slice_are_read_as_decimals() {
    // whole counts take the fast integer parse; shares with a fraction in a later slice are
    // read as decimals, and the rows are those of the row loader
    let text = marks_csv(30_000, SHARES_ROW);
    let (_dir, p) = temp_file(text.as_bytes());
    let (ok, ds, rep) = read_marks_file(&p);
    assert!(ok);
    let sid = crate::input::text::school_id("sch999998");
    let last = ds.results.iter().find(|r| *r.school_id == *sid).unwrap();
    assert_eq!(
        (
            last.participants,
            last.n2.get(),
            last.n5.get(),
            last.reconstructed
        ),
        (40, Some(5), Some(8), true)
    );
    assert_eq!(rep.rows, 30_001);
    let (fast, slow) = (load(&text), rows_via_row_loader(&text));
    assert!(comparable(&fast.data.results) == comparable(&slow.data.results));
}

#[test]
fn ranges_on_threads_give_the_rows_of_one_pass() {
    // a reconstructed row far into the file: its line is counted across the ranges
    let text = marks_csv(60_000, SHARES_ROW);
    let (_dir, p) = temp_file(text.as_bytes());
    let (ok1, one, rep1) = read_marks_parts(&p, 1);
    let (ok3, three, rep3) = read_marks_parts(&p, 3);
    assert!(ok1 && ok3);
    assert_eq!(split(&p, 3).unwrap().len(), 3);
    assert!(one.results == three.results);
    assert_eq!(three.results.last().unwrap().line, 60_002);
    assert_eq!(
        (
            rep1.rows,
            rep1.schools,
            &rep1.years,
            rep1.warnings.summary()
        ),
        (
            rep3.rows,
            rep3.schools,
            &rep3.years,
            rep3.warnings.summary()
        )
    );
    let schools = |d: &Dataset| -> Vec<(String, String, String)> {
        d.schools
            .values()
            .map(|s| (s.login.clone(), s.name.clone(), s.municipality.clone()))
            .collect()
    };
    assert_eq!(schools(&one), schools(&three));
    // ranges start at line starts and cover the file
    let r = split(&p, 3).unwrap();
    let bytes = std::fs::read(&p).unwrap();
    assert_eq!((r[0].start, r[2].end), (0, bytes.len() as u64));
    assert!(r
        .windows(2)
        .all(|w| w[0].end == w[1].start && bytes[w[1].start as usize - 1] == b'\n'));
}

#[test]
fn ranges_of_crlf_windows_1251_files_too() {
    // `;`, decimal comma, CRLF and Windows-1251: ranges still start at line starts
    let text = marks_csv(60_000, "")
        .replace(',', ";")
        .replace('\n', "\r\n");
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(&text);
    let (_dir, p) = temp_file(&cp1251);
    let (ok1, one, _) = read_marks_parts(&p, 1);
    let (ok2, two, _) = read_marks_parts(&p, 2);
    assert!(ok1 && ok2);
    assert_eq!(split(&p, 2).unwrap().len(), 2);
    assert_eq!(one.results.len(), 60_000);
    assert!(one.results == two.results);
}

#[test]
fn blocks_of_ranges_join_in_order_with_their_spills_and_lines() {
    let row = |line| ResultRow {
        line,
        ..ResultRow::for_test(2025, "sch000001", "математика", 10, 1)
    };
    let room = [3, 7];
    let mut results: Vec<ResultRow> = Vec::with_capacity(10);
    let (first, second) = results.spare_capacity_mut().split_at_mut(room[0]);
    let mut a = Sink {
        slots: first,
        n: 0,
        spill: Vec::new(),
    };
    // the first range overflows its room by one row: it spills
    for line in 2..6 {
        a.push(row(line));
    }
    let mut b = Sink {
        slots: &mut second[..room[1]],
        n: 0,
        spill: Vec::new(),
    };
    for line in 0..2 {
        b.push(row(line));
    }
    assert_eq!((a.n, a.spill.len(), b.n), (3, 1, 2));
    let blocks = vec![(room[0], a.n, a.spill), (room[1], b.n, b.spill)];
    join_blocks(&mut results, blocks, |k| [0, 2 + 4][k]);
    let lines: Vec<u32> = results.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![2, 3, 4, 5, 6, 7]);
}

#[test]
fn schools_built_anew_equal_schools_noted_one_by_one() {
    // sch/edu spellings of one school, a name that changes, `code | name` municipalities and
    // a municipality spelled two ways: the fast path's map built at once must give exactly the
    // rows and codes that noting each row in turn gives
    let mut text =
        String::from("Год,Класс,Предмет,Муниципалитет,Логин,ОО,Кол-во участников,2,3,4,5\n");
    for i in 0..300usize {
        let login = if i % 3 == 0 { "sch" } else { "edu" };
        let mun = match i % 4 {
            0 => "01 | город Заречный".to_string(),
            1 => "г. Заречный".to_string(),
            2 => String::new(),
            _ => format!("{:02} | Берёзовский район", 2 + i % 2),
        };
        let name = if i % 5 == 0 {
            String::new()
        } else {
            format!("СОШ №{}", i / 9 + i % 2)
        };
        text += &format!(
            "{},4,математика,{mun},{login}{:06},{name},10,1,2,3,4\n",
            2023 + i % 3,
            990000 + i / 9
        );
    }
    let (_dir, p) = temp_file(text.as_bytes());
    let (ok, anew, _) = read_marks_file(&p);
    assert!(ok);
    // a dataset that already has a school takes the notes one by one
    let mut one_by_one = Dataset::default();
    one_by_one
        .schools
        .insert("other".into(), Box::new(SchoolRow::default()));
    assert!(read_marks_into(&p, 1, true, &mut one_by_one).0);
    one_by_one.schools.remove("other");
    // not read as the first input: built when applied
    let mut when_applied = Dataset::default();
    assert!(read_marks_into(&p, 1, false, &mut when_applied).0);
    let json = |d: &Dataset| serde_json::to_string(&(&d.schools, &d.municipality_codes)).unwrap();
    assert_eq!(anew.schools.len(), 34);
    assert!(!anew.municipality_codes.is_empty());
    assert_eq!(json(&anew), json(&one_by_one));
    assert_eq!(json(&when_applied), json(&one_by_one));
}
