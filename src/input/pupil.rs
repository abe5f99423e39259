//! Family B: per-pupil ВПР protocols (2020 dump, 2021 layout, 2022 «Протокол» sheet),
//! aggregated to per-school marks, journal comparison and score histograms with polars.
use super::header::{self, Header};
use super::report::{InputReport, PupilStats};
use super::scales::Scales;
use super::table::Grid;
use super::text::{norm_text, parse_num, ru_num, school_id, split_code_name};
use super::Meta;
use crate::model::schema::{self, col as k};
use crate::model::tables::{append, shaped};
use crate::model::warning::WarningCode;
use crate::model::{Count, Dataset, ResultRow, SchoolRow};
use crate::model::{OptCount, Sym};
use anyhow::Result;
use polars::prelude::*;

pub fn is_pupil_header(h: &Header) -> bool {
    h.has(header::LOGIN) && h.has(header::TOTAL) && h.has(header::VARIANT)
}

/// Columns holding item scores: `балл за N`, `a-N-grade`, `N (Kб)` (with the item's maximum K).
pub(super) fn item_columns(h: &Header) -> Vec<(usize, Option<i32>)> {
    h.names
        .iter()
        .enumerate()
        .filter_map(|(i, n)| {
            if n.starts_with("балл за ") || (n.starts_with("a-") && n.ends_with("-grade")) {
                h.read(Some(i));
                return Some((i, None));
            }
            // `1 (2б)`, `5(1) (1б)`
            let n2 = n.trim_end();
            if n2.ends_with("б)") && n2.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                let open = n2.rfind('(')?;
                let pts: String = n2[open + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                h.read(Some(i));
                return Some((i, pts.parse().ok()));
            }
            None
        })
        .collect()
}

struct Pupils {
    school: Vec<String>,
    mark: Vec<Option<i32>>,
    journal: Vec<Option<i32>>,
    total: Vec<i32>,
}

/// A school's login, municipality (`code|name` or name) and short name as its first row gives them.
type Names = std::collections::BTreeMap<String, (String, String, String)>;

/// A per-pupil sheet read before the scales are known, its cells dropped: per present pupil the
/// school, total and journal mark (and the file line, for the warning of a total above the
/// maximum), the schools' names, and the report so far. About 60 bytes a pupil where the sheet's
/// cells took about 1.5 KB (docs/PERFORMANCE.md).
pub struct PupilFile {
    /// Rows, schools and the warnings of reading.
    rep: InputReport,
    st: PupilStats,
    pupils: Pupils,
    lines: Vec<u32>,
    names: Names,
    /// The work's maximum from the item captions (`1 (2б)` …), when every item gives one.
    item_max: Option<i32>,
    /// The total's header as the file writes it («всего баллов», «Итого баллов»), for warnings.
    total_name: String,
    file: String,
}

/// Read a per-pupil sheet and aggregate it to per-school counts with the scale of its procedure.
pub fn load(
    g: &Grid,
    h: &Header,
    meta: &Meta,
    scales: &Scales,
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    finish(read(g, h), meta, scales, ds, rep)
}

/// Read the pupils of a per-pupil sheet without its scale (see [`PupilFile`]): absent pupils, empty
/// and non-numeric totals are counted here; a total that differs from the sum of the item scores
/// (0 among them) is kept with a counted warning naming the row and both numbers, as the school's
/// protocol form does (docs/INPUTS.md). A row with a total of 0 and its item scores partly blank, partly filled is scored with
/// the blanks as 0, with a counted warning naming the row and the blank columns (as the school's
/// protocol form, `protocol::read`). A journal mark other than 1–5 or «нет отметки» and a variant
/// other than a number or «отсутствовал» are counted warnings too (the pupil kept). Every example
/// names the row, the column by the file's own header, the value and what was expected.
pub fn read(g: &Grid, h: &Header) -> PupilFile {
    read_grid(g, PupilRows::pupils(h.clone()))
}

/// The rows of `g` below the header through `rows`, then its pupils.
fn read_grid(g: &Grid, mut rows: PupilRows) -> PupilFile {
    for r in rows.h.row + 1..g.rows.len() {
        rows.row(r, g.line_of(r), &g.rows[r]);
    }
    rows.finish(g.file.clone())
}

/// Where the pupils' school is: a login column, or one school for the whole sheet (a school's own
/// protocol: `--school` or the login in the file name).
#[derive(Clone, Copy)]
pub(super) enum SchoolOf<'a> {
    Column(usize),
    Given(&'a str),
}

/// How a per-pupil sheet is read: its school, its variant column (`отсутствовал` there marks an
/// absent pupil), the rows its own checks found invalid and whether a row without any item score
/// and with an empty or zero total is an absent pupil (the school's protocol form, whose total
/// formula gives an empty text, or 0 where it was not computed).
#[derive(Clone, Copy)]
pub(super) struct Form<'a> {
    pub school: SchoolOf<'a>,
    pub variant: usize,
    /// Grid rows judged invalid before reading (counted as invalid, not participants; the reader
    /// of the form adds their warnings).
    pub invalid: &'a std::collections::BTreeSet<usize>,
    pub blank_is_absent: bool,
    /// An empty total with item scores is scored from the items with a counted warning (the
    /// school's protocol form, whose reader warns of a total that differs from the items); else
    /// (`pupils`) an empty total is invalid and a total that differs from the items is warned of
    /// here. Both keep the total as the score, 0 too.
    pub total_wins: bool,
}

impl PupilFile {
    /// Add a warning to the sheet's report (the checks of a form made before its pupils are read).
    pub(super) fn warn(&mut self, code: WarningCode, example: String) {
        self.rep.warnings.add(code, example);
    }
}

/// [`read`] with the school and the variant column of `form`.
pub(super) fn read_rows(g: &Grid, h: &Header, form: &Form) -> PupilFile {
    read_grid(g, PupilRows::new(h.clone(), *form))
}

/// No rows judged invalid before reading (the ФИС ОКО per-pupil kind).
static NO_ROWS: std::collections::BTreeSet<usize> = std::collections::BTreeSet::new();

/// A per-pupil sheet read one row at a time ([`read`] and [`read_rows`] over a grid, or the rows
/// of an xlsx sheet as they are read, `sheet_rows::RowSink`, so that its cells are never held): the
/// pupils, their schools' names and the report so far; [`PupilRows::finish`] gives the
/// [`PupilFile`].
pub struct PupilRows<'a> {
    h: Header,
    form: Form<'a>,
    items: Vec<(usize, Option<i32>)>,
    item_max: Option<i32>,
    c_total: usize,
    c_journal: Option<usize>,
    c_mun: Option<usize>,
    c_school: Option<usize>,
    rep: InputReport,
    st: PupilStats,
    p: Pupils,
    lines: Vec<u32>,
    names: Names,
}

impl PupilRows<'static> {
    /// The reader of a ФИС ОКО per-pupil sheet under header `h` (see [`read`]).
    pub fn pupils(h: Header) -> PupilRows<'static> {
        let form = Form {
            school: SchoolOf::Column(h.find(header::LOGIN).unwrap()),
            variant: h.find(header::VARIANT).unwrap(),
            invalid: &NO_ROWS,
            blank_is_absent: false,
            total_wins: false,
        };
        PupilRows::new(h, form)
    }
}

impl<'a> PupilRows<'a> {
    fn new(h: Header, form: Form<'a>) -> PupilRows<'a> {
        let items = item_columns(&h);
        let item_max: Option<i32> = if !items.is_empty() && items.iter().all(|(_, m)| m.is_some()) {
            Some(items.iter().map(|(_, m)| m.unwrap()).sum())
        } else {
            None
        };
        PupilRows {
            c_total: h.find(header::TOTAL).unwrap(),
            c_journal: h.find(header::JOURNAL),
            c_mun: h.find(&["муниципалитет", "регион"]),
            c_school: h.find(&["школа"]),
            h,
            form,
            items,
            item_max,
            rep: InputReport::default(),
            st: PupilStats::default(),
            p: Pupils {
                school: Vec::new(),
                mark: Vec::new(),
                journal: Vec::new(),
                total: Vec::new(),
            },
            lines: Vec::new(),
            names: Default::default(),
        }
    }

    /// The sheet's header.
    pub fn header(&self) -> &Header {
        &self.h
    }

    /// The pupils read, the sheet's cells gone; `file` is the sheet's file.
    pub fn finish(mut self, file: String) -> PupilFile {
        // every school with a row, present or not, has its names
        self.rep.schools = self.names.len();
        PupilFile {
            rep: self.rep,
            st: self.st,
            pupils: self.p,
            lines: self.lines,
            names: self.names,
            item_max: self.item_max,
            total_name: self.h.raw_name(self.c_total).trim().to_string(),
            file,
        }
    }

    /// Read row `r` of the sheet's grid (on file line `line`; `row` its cells by column).
    pub fn row(&mut self, r: usize, line: usize, row: &[String]) {
        let cell = |c: usize| row.get(c).map_or("", String::as_str);
        let (form, items) = (&self.form, &self.items);
        let (rep, st) = (&mut self.rep, &mut self.st);
        if row.iter().all(|c| c.trim().is_empty()) {
            return;
        }
        let login = match form.school {
            SchoolOf::Column(c_login) => {
                let login_cell = cell(c_login);
                let (code, _) = split_code_name(login_cell);
                code.unwrap_or_else(|| login_cell.trim().to_string())
            }
            SchoolOf::Given(login) => login.to_string(),
        };
        if login.is_empty() {
            let col = match form.school {
                SchoolOf::Column(c) => format!(", «{}»: пусто", self.h.raw_name(c).trim()),
                SchoolOf::Given(_) => String::new(),
            };
            rep.warnings
                .add(WarningCode::RowWithoutLogin, format!("строка {line}{col}"));
            return;
        }
        let sid = school_id(&login);
        rep.rows += 1;
        if !self.names.contains_key(&sid) {
            let (mcode, mname) = self
                .c_mun
                .map(|c| split_code_name(cell(c)))
                .unwrap_or((None, String::new()));
            let sname = self
                .c_school
                .map(|c| split_code_name(cell(c)).1)
                .unwrap_or_default();
            let mun = match mcode {
                Some(mc) if mc.contains("_m") => format!("{mc}|{mname}"),
                _ => mname,
            };
            self.names
                .insert(sid.clone(), (login.to_lowercase(), mun, sname));
        }
        if norm_text(cell(form.variant)) == "отсутствовал" {
            st.absent += 1;
            return;
        }
        let named = |c: usize, what: &str| {
            format!(
                "строка {line}, «{}»: «{}», {what}",
                self.h.raw_name(c).trim(),
                cell(c).trim()
            )
        };
        if !is_variant(cell(form.variant)) {
            rep.warnings.add(
                WarningCode::VariantInvalid,
                named(form.variant, "ожидался номер варианта или «отсутствовал»"),
            );
        }
        let total_cell = cell(self.c_total);
        let total_name = self.h.raw_name(self.c_total).trim();
        if form.blank_is_absent
            && matches!(parse_num(total_cell), Ok(None | Some(0.0)))
            && items.iter().all(|(c, _)| cell(*c).trim().is_empty())
        {
            st.absent += 1;
            rep.warnings
                .add(WarningCode::ProtocolRowEmpty, format!("строка {line}"));
            return;
        }
        if form.invalid.contains(&r) {
            st.invalid_totals += 1;
            return;
        }
        let item_sum = || -> f64 {
            items
                .iter()
                .filter_map(|(c, _)| parse_num(cell(*c)).ok().flatten())
                .sum()
        };
        let total = match parse_num(total_cell) {
            Ok(Some(v)) if v.fract() == 0.0 && v >= 0.0 => Some(v as i32),
            Ok(None) if form.total_wins => {
                let s = item_sum();
                st.totals_from_items += 1;
                rep.warnings.add(
                    WarningCode::TotalFromItems,
                    format!("строка {line}, «{total_name}»: пусто → {}", ru_num(s)),
                );
                Some(s as i32)
            }
            Ok(None) => {
                st.invalid_totals += 1;
                st.non_numeric_totals += 1;
                rep.warnings.add(
                    WarningCode::TotalEmpty,
                    format!("строка {line}, «{total_name}»: пусто"),
                );
                return;
            }
            _ => {
                st.invalid_totals += 1;
                st.non_numeric_totals += 1;
                rep.warnings.add(
                    WarningCode::TotalNotNumeric,
                    named(self.c_total, "ожидалось целое число ≥ 0"),
                );
                return;
            }
        };
        if total == Some(0) && !items.is_empty() && !form.total_wins {
            // the school's protocol form (`blank_is_absent`) names such rows in `protocol::read`
            if !form.blank_is_absent {
                let blank: Vec<usize> = items
                    .iter()
                    .map(|(c, _)| *c)
                    .filter(|c| cell(*c).trim().is_empty())
                    .collect();
                if !blank.is_empty() && blank.len() < items.len() {
                    rep.warnings.add(
                        WarningCode::ProtocolItemsBlank,
                        blank_items_line(&self.h, line, &blank),
                    );
                }
            }
        }
        if !form.total_wins {
            // an item score that is no whole number ≥ 0 is named (the school's protocol form
            // refuses it in `protocol::read`); the total stays the score
            let bad: Vec<usize> = items
                .iter()
                .map(|(c, _)| *c)
                .filter(|c| !is_item_score(cell(*c)))
                .collect();
            for &c in &bad {
                let (name, value) = (self.h.raw_name(c).trim(), cell(c).trim());
                rep.warnings.add(
                    WarningCode::ItemScoreInvalid,
                    format!("строка {line}, «{name}»: «{value}»"),
                );
            }
            // one rule with the school's protocol form (`protocol::read`, which warns itself): the
            // total is the score, a sum of the items that differs is a counted warning
            if let Some(note) =
                total_not_item_sum(&cell, items, line, total_name, total).filter(|_| bad.is_empty())
            {
                rep.warnings.add(WarningCode::TotalNotItemSum, note);
            }
        }
        let journal = self.c_journal.and_then(|c| match parse_num(cell(c)) {
            Ok(Some(v)) if (1.0..=5.0).contains(&v) && v.fract() == 0.0 => Some(v as i32),
            _ if is_no_mark(cell(c)) => None,
            _ => {
                rep.warnings.add(
                    WarningCode::JournalMarkInvalid,
                    named(c, "ожидалась отметка 1–5 или пусто (нет отметки)"),
                );
                None
            }
        });
        self.p.school.push(sid);
        self.p.total.push(total.unwrap());
        self.p.journal.push(journal);
        self.lines.push(line as u32);
    }
}

impl super::sheet_rows::RowSink for PupilRows<'_> {
    fn row(&mut self, r: usize, line: usize, cells: &[String]) {
        if r > self.h.row {
            PupilRows::row(self, r, line, cells);
        }
    }
}

/// Whether an item score cell is empty, a whole number ≥ 0 (the rule of the school's protocol
/// form, `protocol::read`) or a ФИС ОКО sentinel of an item not scored: `X`/`х` (FORMATS.md) or
/// `не пройд.` (real 2021 exports); neither adds to the items' sum.
fn is_item_score(cell: &str) -> bool {
    match parse_num(cell) {
        Ok(None) => true,
        Ok(Some(v)) => v >= 0.0 && v.fract() == 0.0,
        Err(_) => {
            let t = norm_text(cell);
            t == "x" || t == "х" || t.starts_with("не пройд")
        }
    }
}

/// Whether a variant cell is a variant: empty, a whole number (`1`, `2`; real exports hold `0` too)
/// or «отсутствовал» (an absent pupil).
fn is_variant(cell: &str) -> bool {
    matches!(parse_num(cell), Ok(None))
        || matches!(parse_num(cell), Ok(Some(v)) if v >= 0.0 && v.fract() == 0.0)
        || norm_text(cell) == "отсутствовал"
}

/// Whether a journal-mark cell says there is no mark: empty, «нет отметки» (real exports), «нет»,
/// a dash or «н/а».
fn is_no_mark(cell: &str) -> bool {
    matches!(
        norm_text(cell).as_str(),
        "" | "нет отметки" | "нет" | "-" | "—" | "–" | "н/а"
    )
}

/// The example of a [`WarningCode::TotalNotItemSum`] warning for the row on file line `line`,
/// `строка 5, «Всего баллов»: 3 ≠ 20 (сумма баллов за задания)` (the total under its header
/// `total_name`, then the sum of the items), when some item score is filled, every filled one is a
/// number or a sentinel of an item not scored (`X`, `не пройд.`: adds nothing, as in
/// [`is_item_score`]) and they add up to another number than `total`; `None` otherwise (no item
/// scores: a dump of totals only). A total of 0 beside items that add up to more is such a case
/// (it was silent when a sentinel stood among the items: fresh-eyes defect).
fn total_not_item_sum<'c>(
    cell: &impl Fn(usize) -> &'c str,
    items: &[(usize, Option<i32>)],
    line: usize,
    total_name: &str,
    total: Option<i32>,
) -> Option<String> {
    let scores: Vec<Option<f64>> = items
        .iter()
        .map(|(c, _)| match parse_num(cell(*c)) {
            Ok(v) => Some(v),
            Err(_) if is_item_score(cell(*c)) => Some(None),
            Err(_) => None,
        })
        .collect::<Option<_>>()?;
    if scores.iter().all(Option::is_none) {
        return None;
    }
    let s: f64 = scores.into_iter().flatten().sum();
    let t = f64::from(total?);
    (t != s).then(|| item_sum_note(line, total_name, t, s))
}

/// `строка 5, «Всего баллов»: 3 ≠ 20 (сумма баллов за задания)`: the example of a
/// [`WarningCode::TotalNotItemSum`] warning, the total under the file's own header.
pub(super) fn item_sum_note(line: usize, total_name: &str, total: f64, sum: f64) -> String {
    format!(
        "строка {line}, «{total_name}»: {} ≠ {} (сумма баллов за задания)",
        ru_num(total),
        ru_num(sum)
    )
}

/// The example of a [`WarningCode::ProtocolItemsBlank`] warning: the row's line and its blank item
/// columns, `строка 5: пусто «3 (2б)», «4 (1б)»` (the first six captions and how many more).
/// Shared by the school's protocol form (`protocol::read`) and the ФИС ОКО per-pupil kind.
pub(super) fn blank_items_note(g: &Grid, h: &Header, r: usize, blank: &[usize]) -> String {
    blank_items_line(h, g.line_of(r), blank)
}

/// [`blank_items_note`] of the row on file line `line`.
fn blank_items_line(h: &Header, line: usize, blank: &[usize]) -> String {
    let mut s: Vec<String> = blank
        .iter()
        .take(6)
        .map(|&c| format!("«{}»", h.raw_name(c).trim()))
        .collect();
    if blank.len() > 6 {
        s.push(format!("и ещё {}", blank.len() - 6));
    }
    format!("строка {line}: пусто {}", s.join(", "))
}

/// Apply the procedure's scale to a read sheet: totals above the maximum (the scale's, else the
/// items') are invalid and counted, the others get their marks, and the pupils are aggregated to
/// per-school results, journal comparison and score histograms.
pub fn finish(
    f: PupilFile,
    meta: &Meta,
    scales: &Scales,
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    let judged = judge(f, meta, scales, ds, rep);
    store(judged, meta, ds, rep)
}

/// A sheet's pupils judged by the procedure's scale (see [`judge`]), not yet aggregated: those of
/// several protocols of one school and procedure are joined ([`Judged::append`]) and stored once.
pub(super) struct Judged {
    pupils: Pupils,
    names: Names,
    /// The file (or files, `a.xlsx + b.xlsx`) the pupils come from: the results' source.
    file: String,
    with_marks: bool,
}

impl Judged {
    /// Add `other`'s pupils after these (another class of the school); the first file's school
    /// names are kept.
    pub(super) fn append(&mut self, other: Judged) {
        let (p, o) = (&mut self.pupils, other.pupils);
        p.school.extend(o.school);
        p.mark.extend(o.mark);
        p.journal.extend(o.journal);
        p.total.extend(o.total);
        for (sid, n) in other.names {
            self.names.entry(sid).or_insert(n);
        }
        self.file = format!("{} + {}", self.file, other.file);
    }
}

/// The judging half of [`finish`]: the sheet's statistics (`rep.pupils`, with its own participants,
/// marks and schools with participants), its warnings and the procedure's maximum and «3» threshold
/// in `ds`; the pupils kept, with their marks.
pub(super) fn judge(
    f: PupilFile,
    meta: &Meta,
    scales: &Scales,
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Judged {
    let year = meta.year;
    let grade = meta.grade;
    let subject = meta.subject.clone();
    let assessment = "ВПР";
    rep.assessment = Some(assessment.into());
    rep.rows += f.rep.rows;
    rep.schools = f.rep.schools;
    rep.warnings.merge(f.rep.warnings);
    let scale = scales.get(assessment, year, grade, &subject);
    if let Some(sc) = scale {
        ds.pending_tables
            .boundaries
            .push(year, subject.clone(), grade, sc.min3);
    }
    let max_score = scale.map(|s| s.max_score).or(f.item_max);
    let max_of = match scale {
        Some(_) => "максимум шкалы",
        None => "сумма максимумов заданий в заголовках",
    };
    if let (Some(sc), Some(items)) = (scale, f.item_max) {
        if sc.max_score != items {
            rep.warnings.add(
                WarningCode::ItemMaxSumDiffers,
                format!(
                    "ВПР {year}, {grade} класс, {subject}: заголовки заданий {items}, шкала {}",
                    sc.max_score
                ),
            );
        }
    }
    if let Some(m) = max_score {
        ds.pending_tables
            .maxima
            .push(year, subject.clone(), grade, m);
    }
    if let Some(note) = scales
        .info(assessment, year, grade, &subject)
        .and_then(|i| i.resolved.as_ref())
    {
        rep.warnings.add(
            WarningCode::ScaleBandsOverlap,
            format!("ВПР {year}, {grade} класс, {subject}: {note}"),
        );
    }
    let mut st = PupilStats {
        marks_computed: scale.is_some(),
        max_score,
        ..f.st
    };
    let read = f.pupils;
    let n = read.total.len();
    let mut p = Pupils {
        school: Vec::with_capacity(n),
        mark: Vec::with_capacity(n),
        journal: Vec::with_capacity(n),
        total: Vec::with_capacity(n),
    };
    let pupils = read.school.into_iter().zip(read.total).zip(read.journal);
    for (((sid, total), journal), line) in pupils.zip(f.lines) {
        if let Some(m) = max_score {
            if total > m {
                st.invalid_totals += 1;
                st.above_max += 1;
                rep.warnings.add(
                    WarningCode::TotalAboveMax,
                    format!(
                        "строка {line}, «{}»: {total} > {m} ({max_of})",
                        f.total_name
                    ),
                );
                continue;
            }
        }
        if journal.is_none() {
            st.no_journal_mark += 1;
        }
        p.school.push(sid);
        p.total.push(total);
        p.mark.push(scale.map(|s| s.mark(total) as i32));
        p.journal.push(journal);
    }
    st.participants = p.total.len();
    if scale.is_none() {
        rep.warnings.add(
            WarningCode::NoScale,
            format!(
                "ВПР {year}, {grade} класс, {subject}: {} участников без отметок",
                st.participants
            ),
        );
    }
    for m in p.mark.iter().flatten() {
        st.marks[(*m - 2) as usize] += 1;
    }
    st.schools_with_participants = p
        .school
        .iter()
        .collect::<std::collections::HashSet<_>>()
        .len();
    rep.pupils = Some(st);
    Judged {
        pupils: p,
        names: f.names,
        file: f.file,
        with_marks: scale.is_some(),
    }
}

/// The storing half of [`finish`]: the judged pupils aggregated per school to results, journal
/// comparison, joint mark–score counts and histograms in `ds`, and their schools' logins and names.
pub(super) fn store(j: Judged, meta: &Meta, ds: &mut Dataset, rep: &mut InputReport) -> Result<()> {
    let (year, grade, subject) = (meta.year, meta.grade, meta.subject.clone());
    let names = j.names;
    aggregate(
        &j.pupils,
        year,
        grade,
        &subject,
        "ВПР",
        j.with_marks,
        &j.file,
        ds,
        &names,
    )?;
    for (sid, (login, mun, sname)) in names {
        let e = ds.book.entry(sid.clone()).or_insert_with(|| {
            Box::new(SchoolRow {
                school_id: sid.clone(),
                ..Default::default()
            })
        });
        if e.login.is_empty() || (login.starts_with("edu") && !e.login_listed) {
            e.login = login;
        }
        let (code, name) = mun.split_once('|').unwrap_or(("", &mun));
        if !code.is_empty() && !name.is_empty() {
            ds.municipality_codes
                .insert(super::text::municipality_key(name), code.to_string());
        }
        let facts = super::notes::SchoolFacts {
            name: &sname,
            municipality: name,
            municipality_code: code,
            ..Default::default()
        };
        super::notes::merge(
            e,
            super::notes::SchoolSource::Results,
            &facts,
            &mut rep.warnings,
        );
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn aggregate(
    p: &Pupils,
    year: i32,
    grade: i32,
    subject: &str,
    assessment: &str,
    with_marks: bool,
    file: &str,
    ds: &mut Dataset,
    names: &Names,
) -> Result<()> {
    if p.total.is_empty() {
        return Ok(());
    }
    let df = DataFrame::new_infer_height(vec![
        Column::new("school".into(), &p.school),
        Column::new("mark".into(), &p.mark),
        Column::new("journal".into(), &p.journal),
        Column::new("total".into(), &p.total),
    ])?;
    let as_i64 = |e: Expr| e.cast(DataType::Int64).sum();
    let agg = df
        .clone()
        .lazy()
        .group_by([col("school")])
        .agg([
            len().cast(DataType::Int64).alias("participants"),
            as_i64(col("mark").eq(lit(2))).alias("n2"),
            as_i64(col("mark").eq(lit(3))).alias("n3"),
            as_i64(col("mark").eq(lit(4))).alias("n4"),
            as_i64(col("mark").eq(lit(5))).alias("n5"),
            as_i64(col("mark").lt(col("journal"))).alias("lowered"),
            as_i64(col("mark").eq(col("journal"))).alias("confirmed"),
            as_i64(col("mark").gt(col("journal"))).alias("raised"),
            col("total").mean().alias("mean_score"),
        ])
        .sort(["school"], Default::default())
        .collect()?;
    mark_scores(&df, year, grade, subject, ds)?;
    let hist = df
        .lazy()
        .group_by([col("school"), col("total")])
        .agg([len().cast(DataType::Int64).alias("count")])
        .sort(["school", "total"], Default::default())
        .collect()?;
    let sch = agg.column("school")?.str()?;
    let i64c = |n: &str| -> Result<Vec<i64>> {
        Ok(agg
            .column(n)?
            .i64()?
            .to_vec()
            .into_iter()
            .map(|v| v.unwrap_or(0))
            .collect())
    };
    let (part, n2, n3, n4, n5) = (
        i64c("participants")?,
        i64c("n2")?,
        i64c("n3")?,
        i64c("n4")?,
        i64c("n5")?,
    );
    let mean = agg.column("mean_score")?.f64()?;
    let source = Sym::from(file);
    let subj = Sym::from(subject);
    let ass = Sym::from(assessment);
    for i in 0..agg.height() {
        let sid = sch.get(i).unwrap_or("").to_string();
        let mun = names
            .get(&sid)
            .map(|(_, m, _)| {
                m.split_once('|')
                    .map(|(_, n)| n.to_string())
                    .unwrap_or(m.clone())
            })
            .unwrap_or_default();
        ds.push_result(ResultRow {
            year,
            school_id: sid.as_str().into(),
            municipality: Sym::from(mun.as_str()),
            assessment: ass.clone(),
            subject: subj.clone(),
            grade,
            participants: part[i] as Count,
            n2: with_marks.then_some(n2[i] as Count).into(),
            n3: with_marks.then_some(n3[i] as Count).into(),
            n4: with_marks.then_some(n4[i] as Count).into(),
            n5: with_marks.then_some(n5[i] as Count).into(),
            reconstructed: false,
            mean_score: mean.get(i).into(),
            high: with_marks.then_some(n5[i] as Count).into(),
            high2: OptCount::NONE,
            source: source.clone(),
            // aggregated from the pupils: no single row (`model::order` says so in its messages)
            line: 0,
        });
    }
    // the procedure's keys beside each school's figures
    let keys = [
        lit(year).alias(k::YEAR),
        col("school").alias(k::SCHOOL_ID),
        lit(subject).alias(k::SUBJECT),
        lit(grade).alias(k::GRADE),
    ];
    // (`shaped` keeps the schema's columns: the journal counts have its names already)
    let t = &mut ds.tables;
    if with_marks {
        let j = agg.lazy().with_columns(keys.clone());
        append(&mut t.journal, j.collect()?, &schema::journal())?;
    }
    let h = hist.lazy().with_columns(keys);
    let h = h.with_column(col("total").alias(k::SCORE));
    append(&mut t.histograms, h.collect()?, &schema::histograms())?;
    Ok(())
}

/// The joint (school mark, primary score) counts of the pupils with a school mark, per school:
/// rows of the `mark_scores` frame (for Spearman's r_s of the ФИОКО markers).
fn mark_scores(
    df: &DataFrame,
    year: i32,
    grade: i32,
    subject: &str,
    ds: &mut Dataset,
) -> Result<()> {
    let joint = df
        .clone()
        .lazy()
        .filter(col("journal").is_not_null())
        .group_by([col("school"), col("journal"), col("total")])
        .agg([len().cast(DataType::Int64).alias("count")])
        .sort(["school", "journal", "total"], Default::default())
        .collect()?;
    let df = joint.lazy().select([
        lit(year).alias(k::YEAR),
        col("school").alias(k::SCHOOL_ID),
        lit(subject).alias(k::SUBJECT),
        lit(grade).alias(k::GRADE),
        col("journal").alias(k::SCHOOL_MARK),
        col("total").alias(k::SCORE),
        col("count").alias(k::COUNT),
    ]);
    let s = schema::mark_scores();
    append(&mut ds.tables.mark_scores, shaped(df, &s)?, &s)
}
