//! The report's parts: one table per sheet and CSV, in sheet order, each present or absent with
//! the reason; each filled ([`Filled`]: its sheet and its CSV written) as soon as it is made.
use super::Pipeline;
use crate::config::Config;
use crate::input::Loaded;
use crate::method::compare::Block;
use crate::method::monitor::Monitor;
use crate::method::risk::RiskReport;
use crate::method::select::{Context, Selection};
use crate::output::{self, folder, xlsx, Cell, CsvDialect, Table};
use anyhow::Result;
use rayon::prelude::*;

/// One part of the report: its sheet name, CSV file stem and table, or why it is absent.
pub struct Part {
    pub sheet: &'static str,
    pub file: &'static str,
    pub table: Result<Table, String>,
}

/// A part with its sheet and its CSV's name and sha256 (the CSV written), both none when the part
/// is absent.
pub struct Filled {
    pub part: Part,
    pub sheet: Option<xlsx::Worksheet>,
    pub csv: Option<(String, String)>,
}

/// Where the parts go as they are made: the workbook's sheets (`book`), the CSVs in `dialect`
/// into the staging folder (`stage`).
pub struct Out<'a> {
    pub book: &'a xlsx::Book,
    pub stage: &'a folder::Staging,
    pub dialect: CsvDialect,
}

impl Out<'_> {
    /// `parts`, in their order, each filled ([`Out::fill_one`]) side by side (rayon).
    ///
    /// Errors: internal (exit 3) when a sheet or a CSV cannot be made or written.
    pub fn fill(&self, parts: Vec<Part>) -> Result<Vec<Filled>> {
        parts.into_par_iter().map(|x| self.fill_one(x)).collect()
    }

    /// A present part's sheet beside its CSV (`csv/FILE.csv`, written now, with its sha256; for a
    /// part of [`AT_THE_END`] none: [`late_csv`] writes it); an absent part as it is.
    fn fill_one(&self, part: Part) -> Result<Filled> {
        let Ok(t) = &part.table else {
            return Ok(Filled {
                part,
                sheet: None,
                csv: None,
            });
        };
        if AT_THE_END.contains(&part.file) {
            let sheet = Some(self.book.sheet(part.sheet, t)?);
            return Ok(Filled {
                part,
                sheet,
                csv: None,
            });
        }
        let (sheet, csv) = rayon::join(
            || self.book.sheet(part.sheet, t),
            || csv_file(self.stage, self.dialect, part.file, t),
        );
        let (sheet, csv) = (Some(sheet?), Some(csv?));
        Ok(Filled { part, sheet, csv })
    }
}

/// The CSV of a present part that [`Out::fill_one`] left for the end ([`AT_THE_END`]), written
/// now into `stage` in `dialect`: its name and sha256; none for any other part.
///
/// Errors: internal (exit 3) when it cannot be made or written.
pub(super) fn late_csv(
    stage: &folder::Staging,
    dialect: CsvDialect,
    part: &Part,
) -> Result<Option<(String, String)>> {
    match &part.table {
        Ok(t) if AT_THE_END.contains(&part.file) => {
            Ok(Some(csv_file(stage, dialect, part.file, t)?))
        }
        _ => Ok(None),
    }
}

/// The parts whose CSV is written at the end ([`late_csv`]), beside the workbook's zip (one
/// thread), not beside their sheet: the largest (all schools, 17 MB nationally), whose sheet and
/// CSV were the last part filled, while at the end a core waited for the zip.
const AT_THE_END: &[&str] = &["schools"];

/// `t` as `csv/FILE.csv` in `dialect`, written into `stage`: its name and sha256.
fn csv_file(
    stage: &folder::Staging,
    dialect: CsvDialect,
    file: &str,
    t: &Table,
) -> Result<(String, String)> {
    let name = format!("csv/{file}.csv");
    let bytes = t.csv_bytes(dialect)?;
    stage.write(&name, &bytes)?;
    Ok((name, crate::sha256_hex(&bytes)))
}

/// The parts that read only the selection and its context, in sheet order (final list to
/// objectivity, then the inputs), each made and filled side by side (rayon): the large tables
/// (all schools, ИСБШ) are those of the longest tasks.
pub(super) fn early(
    year: i32,
    sel: &Selection,
    ctx: &Context,
    loaded: &Loaded,
    cfg: &Config,
    out: &Out,
) -> Result<Vec<Filled>> {
    let no_index = crate::method::index::missing_reason(&ctx.frames, cfg)
        .ok()
        .flatten()
        .unwrap_or_else(|| "ИСБШ не вычислен: нет школ с показателями индекса".to_string());
    let indexed = !ctx.index.schools.is_empty();
    type Job<'a> = Box<dyn Fn() -> Vec<Part> + Send + Sync + 'a>;
    let jobs: Vec<Job> = vec![
        Box::new(|| {
            vec![part(
                "Итоговый список",
                "final_list",
                Ok(final_list(sel, loaded)),
            )]
        }),
        Box::new(|| vec![part("Все школы", "schools", Ok(all_schools(sel)))]),
        Box::new(|| vec![part("12 групп", "groups", Ok(groups(sel)))]),
        Box::new(|| {
            let index = indexed
                .then(|| crate::commands::index::table(&ctx.index, &loaded.data))
                .ok_or_else(|| no_index.clone());
            vec![part("ИСБШ", "index", index)]
        }),
        Box::new(|| {
            let (model, resilience) = split(
                ctx.resilience
                    .as_ref()
                    .filter(|_| indexed)
                    .map(|r| crate::commands::resilient::tables(r, year, &loaded.data))
                    .ok_or_else(|| no_index.clone()),
            );
            vec![
                part("Устойчивость", "resilience", resilience),
                part("Модель МНК", "resilience_model", model),
            ]
        }),
        Box::new(|| {
            let [fioko_index, fioko_markers, regions, flags] = objectivity(ctx, cfg, &loaded.data);
            vec![
                part("Объективность (ФИОКО)", "objectivity_index", fioko_index),
                part("Маркеры ФИОКО", "objectivity_markers", fioko_markers),
                part("Объективность", "objectivity", flags),
                part("Объективность, регион", "objectivity_regions", regions),
            ]
        }),
        Box::new(|| {
            let inputs = crate::commands::inspect::table_in_words(loaded);
            vec![part("Входные данные", "inputs", Ok(inputs))]
        }),
    ];
    // on a pool of their own: on rayon's global pool, the jobs of the dynamics (the other years'
    // selections, injected from their thread) waited until a worker ran out of these parts'
    // jobs, and the dynamics, the longest chain, ran last with a core idle
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(rayon::current_num_threads())
        .thread_name(|i| format!("shnor-parts-{i}"))
        .build()
        .map_err(|e| crate::error::internal(format!("cannot start the parts' threads: {e}")))?;
    let filled: Vec<Vec<Filled>> = pool.install(|| {
        jobs.par_iter()
            .map(|job| out.fill(job()))
            .collect::<Result<_>>()
    })?;
    crate::timing("  early parts filled");
    Ok(filled.into_iter().flatten().collect())
}

/// A part; a table without rows is absent, with that reason.
fn part(sheet: &'static str, file: &'static str, table: Result<Table, String>) -> Part {
    let table = match table {
        Ok(t) if t.rows.is_empty() => {
            Err("таблица пуста: во входных данных нет ни одной её строки".into())
        }
        t => t,
    };
    Part { sheet, file, table }
}

/// Two tables made together as two parts: both present, or both absent for the same reason.
type Pair = (Result<Table, String>, Result<Table, String>);

fn split(r: Result<(Table, Table), String>) -> Pair {
    match r {
        Ok((a, b)) => (Ok(a), Ok(b)),
        Err(why) => (Err(why.clone()), Err(why)),
    }
}

/// The comparison's part (municipalities and region).
pub(super) fn compare_parts(compare: &Result<Vec<Block>, String>) -> Vec<Part> {
    let table = compare
        .as_ref()
        .map(|b| crate::commands::compare::flat_table(b))
        .map_err(Clone::clone);
    vec![part("МО и регион", "municipalities", table)]
}

/// The dynamics' parts (dynamics, transitions, list changes), in sheet order.
/// `below`: the share the dynamics shows (`procedures::below_min_kind` of its years).
pub(super) fn monitor_parts(
    monitor: &Result<(Vec<i32>, Monitor), String>,
    below: crate::method::procedures::BelowMin,
    cfg: &Config,
) -> Vec<Part> {
    let (dynamics, transitions) = split(
        monitor
            .as_ref()
            .map(|(years, m)| crate::commands::monitor::tables(m, years, cfg, below))
            .map_err(Clone::clone),
    );
    vec![
        part("Динамика", "dynamics", dynamics),
        part("Переходы", "transitions", transitions),
        part(
            "Вход и выход",
            "list_changes",
            monitor
                .as_ref()
                .map(|(_, m)| crate::commands::monitor::changes(m))
                .map_err(Clone::clone),
        ),
    ]
}

/// The risk profiles' parts (all profiles, the selected schools'), in sheet order.
pub(super) fn risk_parts(risk: &Result<RiskReport, String>, year: i32) -> Vec<Part> {
    let (risk, risk_selected) = split(
        risk.as_ref()
            .map(|r| crate::commands::risk::tables(r, year))
            .map_err(Clone::clone),
    );
    vec![
        part("Рисковые профили", "risk", risk),
        part("Профили ШНОР", "risk_selected", risk_selected),
    ]
}

/// Every part of the report in sheet order, filled: the summary (made here, from the others'
/// presence) first, then `filled` (the selection's, the comparison's, the dynamics', the risk
/// profiles' and the inputs last).
pub(super) fn with_summary(
    p: &Pipeline,
    cfg: &Config,
    mut filled: Vec<Filled>,
    out: &Out,
) -> Result<Vec<Filled>> {
    let parts: Vec<&Part> = filled.iter().map(|x| &x.part).collect();
    let summary = vec![part("Сводка", "summary", Ok(summary(p, cfg, &parts)))];
    let summary = out.fill(summary)?;
    filled.splice(0..0, summary);
    Ok(filled)
}

/// The objectivity parts: ФИОКО's index per region-year and markers per procedure
/// (`commands::objectivity::fioko_tables`), the flags per school-year, and the relative screen's
/// regional figures (only under `objectivity.method` `relative` or `both`); each absent with its
/// reason when the method did not compute it or it has no rows.
fn objectivity(
    ctx: &Context,
    cfg: &Config,
    ds: &crate::model::Dataset,
) -> [Result<Table, String>; 4] {
    use crate::config::ObjectivityMethod as M;
    let s = &ctx.screen;
    let method = cfg.objectivity.method;
    let (regions, flags) = crate::commands::objectivity::tables(s, method, ds);
    let mut fioko = crate::commands::objectivity::fioko_tables(
        &s.fioko,
        cfg.objectivity.fioko_t,
        cfg.objectivity.fioko_iqr_k,
    )
    .into_iter();
    let no_fioko = match method {
        M::Relative => "objectivity.method = \"relative\": маркеры ФИОКО не вычисляются",
        _ => "маркеры ФИОКО не вычислены: нет поимённых протоколов ВПР по русскому языку и математике 4–5 кл.",
    };
    let rows = |t: Option<Table>, why: &str| {
        t.filter(|t| !t.rows.is_empty())
            .ok_or_else(|| why.to_string())
    };
    let regions = match method {
        M::Fioko => {
            Err("objectivity.method = \"fioko\": экран относительно региона не вычисляется".into())
        }
        _ => rows(
            Some(regions),
            "во входных данных нет сравнения с журналом или гистограмм баллов",
        ),
    };
    [
        rows(fioko.next(), no_fioko),
        rows(fioko.next(), no_fioko),
        regions,
        rows(
            Some(flags),
            match s.screened() {
                true => "ни у одной школы нет признаков необъективности",
                false => output::words::NOT_SCREENED,
            },
        ),
    ]
}

/// [`screened`] in `year` (the selection's: its count of flagged schools is of that year).
fn screened_in(s: &crate::method::objectivity::Screen, year: i32) -> bool {
    s.fioko.iter().any(|r| r.year == year)
        || s.regions.iter().any(|r| r.year == year)
        || s.official_years.contains(&year)
}

fn final_list(sel: &Selection, loaded: &Loaded) -> Table {
    crate::commands::select::list_table(sel, &crate::commands::select::ordered(sel, false), loaded)
}

/// The summary sheet: year, window, counts per stage, the config's checksum and each part's
/// presence (with the reason when absent).
fn summary(p: &Pipeline, cfg: &Config, parts: &[&Part]) -> Table {
    let sm = crate::commands::select::summary(&p.sel);
    let mut t = Table::new(&["Показатель", "Значение"]);
    t.title = Some(format!("Отчёт shnor: отбор ШНОР {}", p.year));
    let count = |k: &str| Cell::opt_int(sm[k].as_u64());
    let rows: Vec<(String, Cell)> = vec![
        ("Год отбора".into(), Cell::int(p.year)),
        (
            "Окно".into(),
            crate::method::procedures::window_label(&p.sel.window).into(),
        ),
        ("Этап 1: школ".into(), count("stage1_entered")),
        ("Этап 1: кандидатов".into(), count("candidates")),
        ("Этап 2: подтверждено".into(), count("confirmed")),
        ("Этап 3: отобрано".into(), count("selected")),
        ("Пограничных".into(), count("borderline")),
        (
            "Школ этапа 1 с признаками необъективности (скрининг)".into(),
            match screened_in(&p.ctx.screen, p.year) {
                true => count("objectivity_flagged"),
                false => "не проверялось".into(),
            },
        ),
        ("Непустых групп из 12".into(), count("groups_nonempty")),
        ("Конфигурация, sha256".into(), cfg.sha256().into()),
    ];
    let rows = rows.into_iter().chain(p.ctx.screen.fioko.iter().map(|r| {
        (
            format!(
                "Уровень объективности ВПР (ФИОКО), регион {}, {}",
                r.region, r.year
            ),
            Cell::num(Some(r.index), 1).shown(format!(
                "{} ({} из {} с признаками)",
                output::num(r.index, 1),
                r.marked_schools,
                output::words::count(r.schools, output::words::OF_SCHOOLS)
            )),
        )
    }));
    t.rows = rows.map(|(k, v)| vec![k.into(), v]).collect();
    for x in parts {
        let status = match &x.table {
            Ok(_) => "есть".to_string(),
            Err(why) => format!("нет: {why}"),
        };
        t.rows
            .push(vec![format!("Раздел «{}»", x.sheet).into(), status.into()]);
    }
    t
}

/// Every school of stage 1 with the stage it reached, the outcome and its ledger in brief.
fn all_schools(sel: &Selection) -> Table {
    let mut t = Table::new(&[
        "Логин",
        "Школа",
        "Муниципалитет",
        "Страта",
        "Этап",
        "Кандидат",
        "Причина исключения",
        "Кластер",
        "Группа",
        "Место в группе",
        "Отобрана",
        "Итог",
        "Правила этапа 1",
        "Журнал правил",
    ]);
    t.title = Some("Все школы этапа 1".into());
    let yn = |b: bool| Cell::from(if b { "да" } else { "нет" });
    for x in crate::commands::select::ordered(sel, true) {
        // the stage-1 rules that fired («, ») and every entry («stage: rule → outcome»; «; »),
        // each entry told once (its outcome's text is made by `short`)
        let (mut fired, mut ledger) = (String::new(), String::new());
        for e in &x.ledger.0 {
            use std::fmt::Write;
            let (rule, outcome) = e.short();
            if e.stage == 1 && e.outcome() == "fired" {
                if !fired.is_empty() {
                    fired.push_str(", ");
                }
                fired.push_str(rule);
            }
            if !ledger.is_empty() {
                ledger.push_str("; ");
            }
            let _ = write!(ledger, "{}: {rule} → {outcome}", e.stage);
        }
        t.rows.push(vec![
            crate::model::identity::shown_key(&x.login).into(),
            x.name.clone().into(),
            x.municipality.clone().into(),
            output::words::stratum(x.stratum).into(),
            Cell::int(x.stage_reached),
            yn(x.candidate),
            x.excluded_reason
                .map(|r| crate::narrative::exclusion(r, &x.ledger))
                .unwrap_or_default()
                .into(),
            x.cluster.map(|c| c.to_string()).unwrap_or_default().into(),
            output::words::group(x.group.as_deref().unwrap_or_default()).into(),
            Cell::opt_int(x.rank_in_group),
            yn(x.selected),
            crate::commands::select::why_stopped(x).into(),
            fired.into(),
            ledger.into(),
        ]);
    }
    t
}

/// The 12 groups (cluster × settlement × deficit) with the confirmed and selected schools.
fn groups(sel: &Selection) -> Table {
    let sm = crate::commands::select::summary(sel);
    let mut t = Table::new(&["Группа", "Подтверждено", "Отобрано"]);
    t.title = Some("Группы этапа 3".into());
    if let Some(g) = sm["per_group"].as_object() {
        for (name, v) in g {
            t.rows.push(vec![
                output::words::group(name).into(),
                Cell::opt_int(v["confirmed"].as_u64()),
                Cell::opt_int(v["selected"].as_u64()),
            ]);
        }
    }
    // the confirmed schools outside the 12 groups: without them the sheet does not add up to the
    // stage counts (fresh-eyes run 11, #7: twelve rows of zeros beside «подтверждено 11»)
    let u = &sm["unknown_group"];
    if u["confirmed"].as_u64().unwrap_or(0) > 0 {
        t.rows.push(vec![
            "не определена (не известен тип населённого пункта или дефицит)".into(),
            Cell::opt_int(u["confirmed"].as_u64()),
            Cell::opt_int(u["selected"].as_u64()),
        ]);
    }
    t
}
