//! Which kind an input is: its header found by content, the kind and what a near miss lacked.
use super::header::{self, Header};
use super::scales::Scales;
use super::table::Grid;
use super::{
    context, context_table, fisoko, flat, gia, gia_form, names, protocol, pupil, risk, scales,
    KINDS,
};

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Detected {
    Kind(&'static str),
    Skip(&'static str),
}

pub(super) fn detect_header(g: &Grid, h: &Header) -> Option<Detected> {
    use Detected::*;
    let k = if scales::Scales::is_scales_header(h) {
        Kind("scales")
    } else if pupil::is_pupil_header(h) {
        Kind("pupils")
    } else if protocol::is_protocol_form(h) {
        Kind(protocol::KIND)
    } else if context::is_context_form(h) {
        Kind("context-form")
    } else if h.has(&["пользователь"])
        && h.find_prefix(&["основной учебник", "буква (цифра) класса"])
            .is_some()
    {
        Skip("лист классов и учебников ВПР: результатов нет")
    } else if fisoko::is_stats(h) {
        Kind("fisoko-marks")
    } else if fisoko::is_histogram_report(g, h) {
        Kind("fisoko-histogram")
    } else if fisoko::is_journal_report(g, h) {
        Kind("fisoko-journal")
    } else if super::moscow::is_moscow(h) {
        Kind("moscow-ege")
    } else if gia_form::is_form(g, h) {
        Kind("gia-summary")
    } else if gia_form::is_applications(g, h) {
        Skip("заявления на участие в ЕГЭ/ОГЭ (форма по школам): результатов нет")
    } else if flat::is_markers_header(h) {
        Kind("markers")
    } else if flat::is_journal_header(h) {
        Kind("journal")
    } else if flat::is_marks_header(h) {
        Kind("marks")
    } else if h.has(header::LOGIN) && flat::mark_columns(h).is_some() {
        // marks without participants: not a registry or directory (`near_miss` says why)
        return None;
    } else if gia::is_simple_gia(h) {
        Kind("gia")
    } else if risk::is_long(h) || risk::is_wide(h) {
        Kind("risk")
    } else if context_table::is_table(h) {
        Kind("context-table")
    } else if context_table::is_codebook(g, h) {
        Kind("codebook")
    } else if context::is_registry(h) {
        Kind("registry")
    } else if names::is_crosswalk(h) {
        Kind("crosswalk")
    } else if context::is_directory(h) && !has_results_columns(h) {
        Kind("directory")
    } else if h.has(&["№ ким"]) || h.find_prefix(&["умения, виды деятельности"]).is_some()
    {
        Skip("описание заданий работы: результатов нет")
    } else if h.has(&["name"]) && h.has(&["adress", "address"]) {
        Skip("справочник адресов школ без логинов ФИС ОКО и без результатов")
    } else if is_keyless_results(h) {
        Skip(NO_SCHOOL_KEY)
    } else {
        return None;
    };
    Some(k)
}

pub(super) fn kind_matches(kind: &str, g: &Grid, h: &Header) -> bool {
    match kind {
        "scales" => Scales::is_scales_header(h),
        "pupils" => pupil::is_pupil_header(h),
        protocol::KIND => protocol::is_protocol_form(h),
        "context-form" => context::is_context_form(h),
        "fisoko-marks" => fisoko::is_stats(h),
        "fisoko-journal" => h.has(&["группы участников"]) && fisoko::is_journal_report(g, h),
        "fisoko-histogram" => fisoko::is_histogram_report(g, h),
        "moscow-ege" => super::moscow::is_moscow(h),
        "gia-summary" => gia_form::is_form(g, h),
        "markers" => flat::is_markers_header(h),
        "journal" => flat::is_journal_header(h),
        "marks" => flat::is_marks_header(h),
        "gia" => gia::is_simple_gia(h),
        "risk" => risk::is_long(h) || risk::is_wide(h),
        "registry" => h.has(header::LOGIN),
        "directory" => h.has(header::LOGIN) && h.has(header::NAME),
        "context-table" => context_table::is_table(h),
        "codebook" => context_table::is_codebook(g, h),
        "crosswalk" => names::is_crosswalk(h),
        _ => false,
    }
}

/// Why a results table with no school key is not loaded (`is_keyless_results`).
pub(super) const NO_SCHOOL_KEY: &str =
    "таблица результатов без ключа школы (нет логина, кода или названия ОО): не загружена";

/// A results table with no school key (issue 14): a subject, a count of participants and a
/// result (a mean, a share, marks «2»…«5»), but no login, school code, ИНН or school name column —
/// an open-data extract of totals (`Дата экзамена; Предмет; Количество участников; Средняя
/// оценка`). Never loaded as results: nothing in it can be judged per school.
pub(super) fn is_keyless_results(h: &Header) -> bool {
    let subject = h.has(&[
        "предмет",
        "subject",
        "учебный предмет",
        "наименование предмета",
    ]);
    let count = h.has(header::PARTICIPANTS)
        || h.find_prefix(&["количество", "кол-во", "число", "участник", "сдавал"])
            .is_some();
    let result = flat::mark_columns(h).is_some()
        || h.find_prefix(&["средн", "доля", "процент", "mean", "average"])
            .is_some();
    let key = h.has(header::LOGIN)
        || h.has(header::GIA_CODE)
        || h.has(header::NAME)
        || h.has(&[
            "код",
            "code",
            "id",
            "инн",
            "inn",
            "огрн",
            "школа",
            "наименование школы",
        ]);
    subject && count && result && !key
}

/// The captions of a header's non-empty columns, «…», «…», for a message.
pub(super) fn columns_read(h: &Header) -> String {
    h.raw
        .iter()
        .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|c| !c.is_empty())
        .map(|c| format!("«{c}»"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The columns detection looks for, for the error on a file that matches no kind.
pub(super) const LOOKED_FOR: &str = "looked for a login column («Логин», «Логин школы», «Код ОО», «Пользователь»…) with «Кол-во участников» and «2» «3» «4» «5» (marks), «Понизили…» «Подтвердили…» «Повысили…» (journal), «Количество маркеров» (markers), «Фактор риска» + «Уровень» or one column per factor (risk), registry columns (settlement, kind, enrollment, indicators) or «ОО» (directory); «Наименование ОО» + «Муниципалитет» + «Логин», nothing else (crosswalk); «Код ОО» with participants and «Доля не преодолевших…» or «Средний балл» (gia); «Группы участников» (ФИС ОКО reports); «Всего баллов» + «Вариант» (per-pupil protocols); «Код» + «Вариант…» + items «1 (1б)»… + «Итого баллов» (a school's own protocol); year, grade, subject, max_score and min3, min4, min5 or bands (scales)";

/// The first mark column («2» «3» «4» «5», in the spellings `flat::mark_columns` reads) that a
/// header with a login column holds more than once: «column «2» appears twice (columns 4 and 5)»,
/// with the marks then missing. Such a header is no marks table, or one read from the wrong column.
/// `line` is the header row's line in the file.
pub(super) fn duplicated_mark(h: &Header, line: usize) -> Option<String> {
    if !h.has(header::LOGIN) {
        return None;
    }
    let columns = |m: &str| -> Vec<usize> {
        let spellings = [
            m.to_string(),
            format!("«{m}»"),
            format!("\"{m}\""),
            format!("отметка {m}"),
            format!("отметка «{m}»"),
            format!("n{m}"),
            format!("доля {m}"),
        ];
        (0..h.names.len())
            .filter(|&c| spellings.contains(&h.names[c]))
            .collect()
    };
    let marks = ["2", "3", "4", "5"];
    let (m, at) = marks
        .iter()
        .map(|m| (*m, columns(m)))
        .find(|(_, at)| at.len() > 1)?;
    let missing: Vec<String> = marks
        .iter()
        .filter(|m| columns(m).is_empty())
        .map(|m| format!("«{m}»"))
        .collect();
    let times = match at.len() {
        2 => "twice".to_string(),
        n => format!("{n} times"),
    };
    let at: Vec<String> = at.iter().map(|c| (c + 1).to_string()).collect();
    let (last, rest) = at.split_last().expect("two or more columns");
    Some(format!(
        "row {line}: the column «{}» appears {times} (columns {} and {last}){}: expected each of «2» «3» «4» «5» once",
        h.raw_name(columns(m)[0]).trim(),
        rest.join(", "),
        if missing.is_empty() {
            String::new()
        } else {
            format!(" and there is no {}", missing.join(", "))
        }
    ))
}

/// A caption that a recognised header has in two or more columns (normalised as
/// `text::norm_header`; empty captions aside): `columns`, 0-based, in order.
pub(super) struct Repeated {
    pub columns: Vec<usize>,
    /// Whether the sheet's loader read one of them (`Header::was_read`): which one holds the
    /// data is then unclear, an error; else a counted warning.
    pub read: bool,
}

impl Repeated {
    /// The caption as written in its first column, and its columns as `D (4) and E (5)`: the
    /// same words in the error and in the warning.
    fn parts(&self, h: &Header) -> (String, String, String) {
        let at: Vec<String> = self
            .columns
            .iter()
            .map(|&c| format!("{} ({})", super::gia_form::col_letter(c), c + 1))
            .collect();
        let (last, rest) = at.split_last().expect("two or more columns");
        let name = h.raw_name(self.columns[0]).split_whitespace();
        (
            name.collect::<Vec<_>>().join(" "),
            rest.join(", "),
            last.clone(),
        )
    }

    /// The data error of a repeated column the loader reads: «header row 1: the column «Логин»
    /// appears twice (columns C (3) and D (4)); header: …».
    pub(super) fn error(&self, h: &Header, line: usize) -> String {
        let (name, rest, last) = self.parts(h);
        let times = match self.columns.len() {
            2 => "twice".to_string(),
            n => format!("{n} times"),
        };
        format!(
            "header row {line}: the column «{name}» appears {times} (columns {rest} and {last}); header: {}: expected each column once (rename or delete the copy, so that it is clear which one holds the data)",
            columns_read(h),
        )
    }

    /// The example of a [`WarningCode::ColumnRepeatedUnused`] warning: «строка 1: «Примечание»,
    /// столбцы C (3) и D (4)».
    pub(super) fn example(&self, h: &Header, line: usize) -> String {
        let (name, rest, last) = self.parts(h);
        format!("строка {line}: «{name}», столбцы {rest} и {last}")
    }
}

/// Every caption of a recognised header given in two or more columns, in column order, each with
/// whether the loader read it (ask after loading). Multi-row headers (ФИС ОКО reports, the federal
/// ЕГЭ/ОГЭ form) repeat metric captions under different subject captions: their kinds combine the
/// rows themselves and are not judged here.
pub(super) fn duplicated_columns(h: &Header, kind: &str) -> Vec<Repeated> {
    if matches!(
        kind,
        "fisoko-marks" | "fisoko-journal" | "fisoko-histogram" | "gia-summary"
    ) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (first, name) in h.names.iter().enumerate() {
        if name.is_empty() || h.names[..first].contains(name) {
            continue;
        }
        let columns: Vec<usize> = (first..h.names.len())
            .filter(|&c| h.names[c] == *name)
            .collect();
        if columns.len() > 1 {
            let read = columns.iter().any(|&c| h.was_read(c));
            out.push(Repeated { columns, read });
        }
    }
    out
}

/// Whether a header has columns of results: participants, marks «2»..«5», or a caption over
/// marks («Распределение отметок, %»). Such a table is never a directory of schools.
pub(super) fn has_results_columns(h: &Header) -> bool {
    h.has(header::PARTICIPANTS) || flat::mark_columns(h).is_some() || mark_caption(h).is_some()
}

/// The first column whose caption speaks of marks («Распределение отметок, %», «Отметки»…).
fn mark_caption(h: &Header) -> Option<usize> {
    h.names
        .iter()
        .position(|n| n.contains("отмет") || n.contains("оцен"))
}

/// A marks header given in two rows: row `r` with the login, the participants and a caption merged
/// over the mark columns («Распределение отметок, %»), row `r + 1` with «2» «3» «4» «5» under it
/// (cells merged down read empty there). The rows combined as one header at row `r + 1` (the data
/// start below it); a mark column under a caption that says `%` is read as percents.
pub(super) fn two_row_marks(g: &Grid, r: usize) -> Option<Header> {
    let (top, sub) = (g.rows.get(r)?, g.rows.get(r + 1)?);
    let top_h = Header::new(r, top);
    if !top_h.has(header::LOGIN) || flat::mark_columns(&top_h).is_some() {
        return None;
    }
    let width = top.len().max(sub.len());
    let cell =
        |row: &[String], c: usize| row.get(c).map(|s| s.trim().to_string()).unwrap_or_default();
    let mut caption = String::new();
    let mut raw = Vec::with_capacity(width);
    let mut from_sub = Vec::new();
    for c in 0..width {
        let (t, s) = (cell(top, c), cell(sub, c));
        if !t.is_empty() {
            caption = t.clone();
        }
        if s.is_empty() {
            raw.push(t);
        } else if t.is_empty() || t == caption {
            // under the caption: a percent caption makes the mark a percent
            from_sub.push(c);
            if super::text::header_says_percent(&caption) && !super::text::header_says_percent(&s) {
                raw.push(format!("{s}, %"));
            } else {
                raw.push(s);
            }
        } else {
            return None;
        }
    }
    let h = Header::new(r + 1, &raw);
    let marks = flat::mark_columns(&h)?;
    (flat::is_marks_header(&h) && marks.iter().all(|c| from_sub.contains(c))).then_some(h)
}

/// A marks header whose marks are captions over a row of units: row `r` with the login, the
/// participants and «2» «3» «4» «5», each merged over its columns, row `r + 1` with «чел.» and
/// «%» under each (fresh-eyes run 9, F7: the unit row was read as a school). The rows combined as
/// one header at row `r + 1` («2, чел.», «2, %»…: the counts are read, `flat::mark_columns`);
/// `None` when row `r + 1` is no row of units under the marks.
pub(super) fn marks_over_units(g: &Grid, r: usize) -> Option<Header> {
    let (top, sub) = (g.rows.get(r)?, g.rows.get(r + 1)?);
    let marks = flat::mark_columns(&Header::new(r, top))?;
    fn cell(row: &[String], c: usize) -> &str {
        row.get(c).map_or("", |s| s.trim())
    }
    if !marks.iter().all(|&c| unit_word(cell(sub, c)).is_some()) {
        return None;
    }
    let mut caption = "";
    let mut raw = Vec::new();
    for c in 0..top.len().max(sub.len()) {
        let (t, s) = (cell(top, c), cell(sub, c));
        if !t.is_empty() {
            caption = t;
        }
        raw.push(match (s.is_empty(), unit_word(s)) {
            (true, _) => t.to_string(),
            (false, Some(unit)) => format!("{caption}, {unit}"),
            (false, None) => return None,
        });
    }
    let h = Header::new(r + 1, &raw);
    flat::is_marks_header(&h).then_some(h)
}

/// An ОГЭ/ЕГЭ per-school header given in two rows: row `r` with the school's captions and a
/// caption merged over the figures («Результаты»), row `r + 1` with the figures' captions
/// («Количество участников», «Средний балл», «Доля не преодолевших…») under it (fresh-eyes run 11,
/// #3: such a sheet was skipped as unknown). The rows combined as one header at row `r + 1`: each
/// column's lower caption, else its upper one; `None` unless that header is a `gia` table's.
pub(super) fn two_row_gia(g: &Grid, r: usize) -> Option<Header> {
    // two rows, or three («Результаты ОГЭ» over «Участники» / «Успеваемость» over the captions:
    // fresh-eyes run 12)
    (2..=3).find_map(|depth| stacked_gia(g, r, depth))
}

/// The header of `depth` rows from row `r` as one, each column's lowest caption (see
/// [`two_row_gia`]); `None` unless it is a `gia` table's.
fn stacked_gia(g: &Grid, r: usize, depth: usize) -> Option<Header> {
    let rows = g.rows.get(r..r + depth)?;
    let last = rows.last()?;
    if last.iter().filter(|c| !c.trim().is_empty()).count() < 2 {
        return None;
    }
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let raw: Vec<String> = (0..width)
        .map(|c| {
            rows.iter()
                .rev()
                .map(|row| row.get(c).map_or("", |s| s.trim()))
                .find(|s| !s.is_empty())
                .unwrap_or("")
                .to_string()
        })
        .collect();
    let h = Header::new(r + depth - 1, &raw);
    (detect_header(g, &h) == Some(Detected::Kind("gia"))).then_some(h)
}

/// The unit a cell of a header's unit row names: «чел.» for a count («чел», «кол-во»,
/// «количество», «абс.»), «%» for a percent («%», «доля, %»); `None` for any other text.
fn unit_word(s: &str) -> Option<&'static str> {
    let t = super::text::norm_text(s);
    match t.trim_end_matches('.') {
        "чел" | "кол-во" | "количество" | "число" | "абс" | "абс. число" => {
            Some("чел.")
        }
        "%" | "доля, %" | "доля %" | "в %" => Some("%"),
        _ => None,
    }
}

/// The near miss of a header with a login and columns of results (participants, a caption over
/// marks) but no «2» «3» «4» «5» read in it nor in the row below: what was found, what was expected.
fn results_without_marks(g: &Grid, h: &Header) -> String {
    let mut found = Vec::new();
    if let Some(c) = h.find(header::PARTICIPANTS) {
        found.push(format!("a participants column «{}»", h.raw_name(c).trim()));
    }
    if let Some(c) = mark_caption(h) {
        found.push(format!(
            "a caption «{}» (column {}) over the mark columns",
            h.raw_name(c).trim(),
            super::gia_form::col_letter(c)
        ));
    }
    let (line, next) = (g.line_of(h.row), g.line_of(h.row + 1));
    format!(
        "header rows {line}–{next}: a login column with {}, but no mark columns «2» «3» «4» «5» in row {line} nor under the caption in row {next}: not a directory of schools (login and name only); expected a marks table with «2» «3» «4» «5» in the header row, or in the row below a caption merged over them",
        found.join(" and "),
    )
}

/// The near miss of a per-pupil ВПР protocol without its total score: a header (on file line
/// `line`) with a login, a variant and item score columns («балл за 1»…) but none of the total's
/// captions; what was found and what was expected.
fn pupils_without_total(h: &Header, line: usize) -> Option<String> {
    let items = super::pupil::item_columns(h);
    let (login, variant) = (h.find(header::LOGIN)?, h.find(header::VARIANT)?);
    if items.is_empty() || h.has(header::TOTAL) {
        return None;
    }
    let expected: Vec<String> = header::TOTAL.iter().map(|t| format!("«{t}»")).collect();
    Some(format!(
        "row {line}: looks like a per-pupil ВПР protocol (login «{}», variant «{}», item scores «{}»…) but has no total-score column: expected one of {} (the pupil's primary score, which the scale turns into a mark)",
        h.raw_name(login).trim(),
        h.raw_name(variant).trim(),
        h.raw_name(items[0].0).trim(),
        expected.join(", ")
    ))
}

/// What a header that matched no kind lacks, when it is nearly one kind: a marks table (login and
/// «2» «3» «4» «5») with a mark column twice, or without its participants column.
pub(super) fn near_miss(g: &Grid) -> Option<String> {
    (0..g.rows.len().min(30)).find_map(|r| {
        let h = Header::new(r, &g.rows[r]);
        if let Some(dup) = duplicated_mark(&h, g.line_of(r)) {
            return Some(dup);
        }
        if let Some(pupils) = pupils_without_total(&h, g.line_of(r)) {
            return Some(pupils);
        }
        if h.has(header::LOGIN) && flat::mark_columns(&h).is_none() && has_results_columns(&h) {
            return Some(results_without_marks(g, &h));
        }
        if !h.has(header::LOGIN) && flat::is_marks_header_but_login(&h) {
            return Some(format!(
                "row {}: a marks table («2» «3» «4» «5» and participants) keyed by no login column: ВПР results are matched to schools by their ФИС ОКО login; expected a column {} (a table by school name only is not matched: add the logins, e.g. from the region's list of schools)",
                g.line_of(r),
                header::LOGIN
                    .iter()
                    .take(3)
                    .map(|p| format!("«{p}»"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        (h.has(header::LOGIN) && flat::mark_columns(&h).is_some() && !h.has(header::PARTICIPANTS))
            .then(|| {
                format!(
                    "row {}: a marks table (a login and «2» «3» «4» «5») without a participants column: expected one of {}",
                    g.line_of(r),
                    header::PARTICIPANTS
                        .iter()
                        .map(|p| format!("«{p}»"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    })
}

/// Find the header row (within the first 30 rows) and what it says the sheet is.
pub(super) fn detect(g: &Grid, forced: Option<&str>) -> Option<(Header, Detected)> {
    for r in 0..g.rows.len().min(30) {
        if g.rows[r].iter().filter(|c| !c.trim().is_empty()).count() < 2 {
            continue;
        }
        let h = Header::new(r, &g.rows[r]);
        if let Some(k) = forced {
            if kind_matches(k, g, &h) {
                if let Some(two) = (k == "marks").then(|| marks_over_units(g, r)).flatten() {
                    two.forget_reads();
                    return Some((two, Detected::Kind("marks")));
                }
                let k = KINDS.iter().find(|(n, _)| *n == k).unwrap().0;
                h.forget_reads();
                return Some((h, Detected::Kind(k)));
            }
            let two = match k {
                "marks" => two_row_marks(g, r),
                "gia" => two_row_gia(g, r),
                _ => None,
            };
            if let Some(two) = two {
                two.forget_reads();
                return Some((
                    two,
                    Detected::Kind(if k == "gia" { "gia" } else { "marks" }),
                ));
            }
            continue;
        }
        let d = detect_header(g, &h);
        if d == Some(Detected::Kind("marks")) {
            if let Some(two) = marks_over_units(g, r) {
                two.forget_reads();
                return Some((two, Detected::Kind("marks")));
            }
        }
        if matches!(
            d,
            None | Some(Detected::Kind("directory" | "registry" | "crosswalk"))
        ) {
            if let Some(two) = two_row_marks(g, r) {
                two.forget_reads();
                return Some((two, Detected::Kind("marks")));
            }
        }
        if d.is_none() {
            if let Some(two) = two_row_gia(g, r) {
                two.forget_reads();
                return Some((two, Detected::Kind("gia")));
            }
        }
        if let Some(d) = d {
            // the loader's lookups from here on tell the columns it reads
            h.forget_reads();
            return Some((h, d));
        }
    }
    None
}
