//! Shared helpers of the integration tests: run the binary, check its outcome, make fixtures
//! reproducibly with `shnor synth`.
//!
//! The binary is run with the standard library's `Command` (Cargo names it in `CARGO_BIN_EXE_shnor`)
//! rather than `assert_cmd`: that crate's `bstr` turns on a `regex-automata` feature that polars' build
//! does not have, so `cargo test` compiled polars a second time after `cargo build`.
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The `shnor` binary Cargo built for these tests, with no standard input.
pub fn shnor() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shnor"));
    cmd.stdin(Stdio::null());
    cmd
}

/// Run a command and check its outcome:
/// `shnor().arg("index").arg(p).assert().code(1).stderr(contains("row 2"))`.
pub trait Run {
    fn assert(&mut self) -> Outcome;
}

impl Run for Command {
    fn assert(&mut self) -> Outcome {
        Outcome(self.output().expect("cannot run shnor"))
    }
}

/// A finished run whose exit code and standard error are checked.
pub struct Outcome(Output);

impl Outcome {
    fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }

    /// Exit code 0.
    pub fn success(self) -> Self {
        assert!(
            self.0.status.success(),
            "expected success, got {}:\n{}",
            self.0.status,
            self.stderr_text()
        );
        self
    }

    /// This exit code.
    pub fn code(self, code: i32) -> Self {
        assert_eq!(
            self.0.status.code(),
            Some(code),
            "exit code; stderr:\n{}",
            self.stderr_text()
        );
        self
    }

    /// Standard error holds this text.
    pub fn stderr(self, want: Contains) -> Self {
        let err = self.stderr_text();
        assert!(err.contains(&want.0), "stderr lacks «{}»:\n{err}", want.0);
        self
    }
}

/// A text expected in an output (see [`Outcome::stderr`]).
pub struct Contains(String);

pub fn contains(text: &str) -> Contains {
    Contains(text.to_string())
}

/// The shipped sample region, `data-samples/region` (read only).
pub fn sample_region() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples/region")
}

/// A synthetic region in a fresh temp dir.
pub fn region(seed: u64, schools: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("region");
    shnor()
        .args([
            "synth",
            "--seed",
            &seed.to_string(),
            "--schools",
            &schools.to_string(),
            "--years",
            "2023-2025",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    (dir, out)
}

pub fn write_cp1251(path: &Path, text: &str) {
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
    std::fs::write(path, bytes).unwrap();
}

/// Write a workbook with these sheets (name, rows), every cell as text, as exports that keep
/// numbers as text do: the fixture of tests of workbooks and of context tables.
pub fn text_workbook<R: AsRef<[C]>, C: AsRef<str>>(path: &Path, sheets: &[(&str, &[R])]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.as_ref().iter().enumerate() {
                ws.write_string(r as u32, c as u16, v.as_ref()).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

/// `inspect --format json`'s first input for a per-pupil ВПР protocol (4 кл. математика 2025, two
/// items) whose pupils are (login, item 1, item 2, total), every cell as text.
pub fn inspect_two_item_protocol(pupils: &[[&str; 4]]) -> serde_json::Value {
    let rows: Vec<[&str; 5]> = pupils
        .iter()
        .map(|[login, a, b, total]| [*login, "1", *a, *b, *total])
        .collect();
    inspect_two_item_sheet(&rows)
}

/// The header of [`inspect_two_item_sheet`]: login, variant, two items, total.
pub const TWO_ITEM_HEAD: [&str; 5] = [
    "Логин школы",
    "Вариант",
    "балл за 1",
    "балл за 2",
    "Всего баллов",
];

/// `inspect --format json`'s first input for that protocol with its rows below [`TWO_ITEM_HEAD`]
/// as given (login, variant, item 1, item 2, total).
pub fn inspect_two_item_sheet(body: &[[&str; 5]]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let p = dir
        .path()
        .join("Проведение работы по математике, 4 класс. ВПР 2025.xlsx");
    let mut rows = vec![TWO_ITEM_HEAD.map(String::from).to_vec()];
    rows.extend(body.iter().map(|r| r.map(String::from).to_vec()));
    text_workbook(&p, &[("Sheet", &rows)]);
    inspect_first(&p, &[])
}

/// The counted warning of a load report (`warnings` of `inspect --format json`, of the whole load
/// or of one input: wording → `count`, `examples`) whose wording contains `words`.
pub fn find_warning<'a>(
    warnings: &'a serde_json::Value,
    words: &str,
) -> Option<&'a serde_json::Value> {
    let w = warnings.as_object().unwrap();
    w.iter().find(|(k, _)| k.contains(words)).map(|(_, n)| n)
}

/// [`find_warning`] that must be there: panics naming `words` and listing the warnings.
pub fn warning<'a>(warnings: &'a serde_json::Value, words: &str) -> &'a serde_json::Value {
    find_warning(warnings, words).unwrap_or_else(|| panic!("no «{words}» among {warnings:#}"))
}

/// Write a one-sheet workbook as [`text_workbook`] does, but a cell starting with `=` is a formula
/// whose value is not saved (`<f>…</f>` and no `<v>`), as a program that writes formulas without
/// computing them leaves it: calamine reads such a cell as empty.
pub fn unsaved_formula_workbook(path: &Path, sheet: &str, rows: &[Vec<String>]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if v.starts_with('=') {
                ws.write_formula(r as u32, c as u16, v.as_str()).unwrap();
            } else {
                ws.write_string(r as u32, c as u16, v).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
    // rust_xlsxwriter saves the result 0: drop it
    edit_first_sheet(path, |x| x.replace("</f><v>0</v>", "</f>"));
}

/// Rewrite `path`'s first sheet XML with `edit`: a workbook damaged as a hand-edited or broken
/// export is, or left as a program that writes formulas without computing them leaves it.
pub fn edit_first_sheet(path: &Path, edit: impl Fn(String) -> String) {
    use std::io::{Read, Write};
    let bytes = std::fs::read(path).unwrap();
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            data = edit(String::from_utf8(data).unwrap()).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap();
}

/// A row of text cells, as fixtures build sheets.
pub fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

/// The header row of a per-school marks table (year, grade, subject, login, participants, «2»..«5»).
pub fn marks_head() -> Vec<String> {
    row(&[
        "Год",
        "Класс",
        "Предмет",
        "Логин",
        "Кол-во участников",
        "2",
        "3",
        "4",
        "5",
    ])
}

pub fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn json_of(cmd: &mut Command) -> serde_json::Value {
    serde_json::from_str(&stdout_of(cmd)).unwrap()
}

/// Planted roles by login.
pub fn planted(region: &Path) -> std::collections::BTreeMap<String, serde_json::Value> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(region.join("planted.json")).unwrap())
            .unwrap();
    by_login(&v)
}

/// The `schools` array of a JSON output (or of `planted.json`) by login.
pub fn by_login(v: &serde_json::Value) -> std::collections::BTreeMap<String, serde_json::Value> {
    v["schools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["login"].as_str().unwrap().to_string(), s.clone()))
        .collect()
}

/// `shnor select --all --format json` on a folder, with extra arguments.
pub fn select_json(region: &Path, extra: &[&str]) -> serde_json::Value {
    json_of(
        shnor()
            .arg("select")
            .arg(region)
            .args(["--all", "--format", "json"])
            .args(extra),
    )
}

/// A frame's column as whole numbers (nulls as 0): checks of the loaders' frames.
pub fn ints(df: &polars::prelude::DataFrame, name: &str) -> Vec<i64> {
    let c = df.column(name).unwrap();
    let c = c.cast(&polars::prelude::DataType::Int64).unwrap();
    c.i64().unwrap().iter().map(|v| v.unwrap_or(0)).collect()
}

/// A frame's text column (nulls as ""): checks of the loaders' frames.
pub fn texts(df: &polars::prelude::DataFrame, name: &str) -> Vec<String> {
    let c = df.column(name).unwrap().str().unwrap().clone();
    c.iter().map(|v| v.unwrap_or("").to_string()).collect()
}

/// The first input of `inspect PATH FLAGS --format json`.
pub fn inspect_first(path: &Path, flags: &[&str]) -> serde_json::Value {
    let v = json_of(
        shnor()
            .arg("inspect")
            .arg(path)
            .args(flags)
            .args(["--format", "json"]),
    );
    v["inputs"][0].clone()
}

/// The first input of `inspect --format json` on `text` written to `name` in a fresh folder.
pub fn inspect_text(name: &str, text: &str) -> serde_json::Value {
    inspect_text_with(name, text, &[])
}

/// [`inspect_text`] with `flags`.
pub fn inspect_text_with(name: &str, text: &str, flags: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    inspect_first(&p, flags)
}

/// `shnor CMD FILE ARGS` on `text` written to `name` in a fresh folder: the exit code and the
/// standard output of a run that succeeds, else its standard error.
pub fn run_on_text(cmd: &str, name: &str, text: &str, args: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    let out = shnor().arg(cmd).arg(&p).args(args).output().unwrap();
    let text = if out.status.success() {
        out.stdout
    } else {
        out.stderr
    };
    (out.status.code().unwrap(), String::from_utf8(text).unwrap())
}

/// A copy of `data-samples/region` in folder `name` of `dir`, the files whose names `keep` takes.
pub fn sample_copy(
    dir: &std::path::Path,
    name: &str,
    keep: impl Fn(&str) -> bool,
) -> std::path::PathBuf {
    let copy = dir.join(name);
    std::fs::create_dir(&copy).unwrap();
    for e in std::fs::read_dir(sample_region()).unwrap() {
        let p = e.unwrap().path();
        let file = p.file_name().unwrap().to_string_lossy().to_string();
        if keep(&file) {
            std::fs::copy(&p, copy.join(&file)).unwrap();
        }
    }
    copy
}
