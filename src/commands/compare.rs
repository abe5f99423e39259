//! `shnor compare`: municipalities against their region, and the `bottom` cut within each.
use super::{inputs_json, DataArgs};
use crate::config::Config;
use crate::error::usage;
use crate::input::Loaded;
use crate::method::compare::{self, Block, ProcSpec, PropTest, ThresholdRow};
use crate::output::{pct, Cell, Format, Table};
use anyhow::Result;
use serde_json::json;
use std::collections::BTreeSet;

/// Columns of one procedure-year block (the CSV adds procedure and year in front).
const BLOCK_HEADERS: [&str; 9] = [
    "Муниципалитет",
    "Участников",
    "Ниже минимума, % (95 % ДИ)",
    "Разница, п.п.",
    "p",
    "Высокие, % (95 % ДИ)",
    "Разница, п.п.",
    "p",
    "Хуже региона",
];

/// [`BLOCK_HEADERS`] as the flat table (CSV, the report's sheet and csv/municipalities.csv) names
/// them: each difference and p-value says which share it belongs to, so no header repeats (pandas
/// would rename the copies `p.1`). The people's per-block table keeps the short names.
const FLAT_BLOCK_HEADERS: [&str; 9] = [
    "Муниципалитет",
    "Участников",
    "Ниже минимума, % (95 % ДИ)",
    "Ниже минимума: разница с регионом, п.п.",
    "Ниже минимума: p",
    "Высокие, % (95 % ДИ)",
    "Высокие: разница с регионом, п.п.",
    "Высокие: p",
    "Хуже региона",
];

/// Columns of `--thresholds`: one school whose `bottom` cuts disagree per row; the fifth, the
/// composite share, is named by what it counts (`words::below_min`) in `thresholds`.
const THRESHOLD_HEADERS: [&str; 11] = [
    "Муниципалитет",
    "Логин",
    "Школа",
    "Страта",
    "",
    "Место в регионе",
    "Отсечка региона, %",
    "В нижней группе региона",
    "Место в МО",
    "Отсечка МО, %",
    "В нижней группе МО",
];

/// A share (fraction) with its 95 % interval as percents: `12,50 (8,1–18,3)`; empty when unknown.
fn share_cell(s: Option<f64>, ci: Option<[f64; 2]>) -> Cell {
    Cell::share_ci(s, ci, 2, 1)
}

/// Municipalities vs the region: shares below the minimum and high results, Wilson intervals, z-tests.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// ASSESSMENT:SUBJECT[:GRADE], e.g. ОГЭ:математика:9 (repeatable; default: every procedure of the latest year).
    #[arg(long = "procedure")]
    pub procedures: Vec<String>,
    /// A year or a range Y1-Y2 (default: the latest year).
    #[arg(long)]
    pub years: Option<String>,
    /// Compare the `bottom` rule's cut within each municipality with the regional cut.
    #[arg(long)]
    pub thresholds: bool,
}

/// Print one block per procedure and year (CSV: one flat table), or with `--thresholds` the
/// schools on which the municipal and regional `bottom` cuts disagree.
///
/// Errors: a data error (exit 1) without results; a usage error (exit 2) for years or procedures
/// with no results or a malformed `--procedure`.
pub fn run(a: &Args) -> Result<()> {
    let (cfg, loaded) = a.data.load()?;
    let all_years: BTreeSet<i32> = loaded.data.result_years();
    let Some(&latest) = all_years.iter().next_back() else {
        return Err(crate::error::data(
            "no results in the inputs: nothing to compare",
        ));
    };
    let years: Vec<i32> = match &a.years {
        None => vec![latest],
        Some(s) => {
            let (y1, y2) = super::parse_years(s)?;
            let ys: Vec<i32> = (y1..=y2).filter(|y| all_years.contains(y)).collect();
            if ys.is_empty() {
                return Err(usage(format!(
                    "--years {s}: no results in those years (the data hold {})",
                    super::years_in_words(&all_years)
                )));
            }
            ys
        }
    };
    if a.thresholds {
        return thresholds(a, &cfg, &loaded, *years.last().unwrap());
    }
    let frames = crate::model::frames::build(&loaded.data)?;
    let specs: Vec<ProcSpec> = if a.procedures.is_empty() {
        compare::default_specs(&frames, &[latest])?
    } else {
        a.procedures
            .iter()
            .map(|p| ProcSpec::parse(p).map_err(usage))
            .collect::<Result<_>>()?
    };
    let blocks = compare::compare(&frames, &specs, &years)?;
    if blocks.is_empty() {
        let there = compare::default_specs(&frames, &years)?;
        return Err(usage(format!(
            "no results for {} in {}; the data hold in those years: {}",
            specs
                .iter()
                .map(|s| s.label())
                .collect::<Vec<_>>()
                .join(", "),
            super::years_in_words(&years),
            there
                .iter()
                .map(|s| s.label())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let json = json!({
        "config": cfg.to_json(),
        "inputs": inputs_json(&loaded),
        "summary": {"years": years, "procedures": specs.iter().map(|s| s.label()).collect::<Vec<_>>(), "blocks": blocks.len(),
            "worse": blocks.iter().map(|b| b.municipalities.iter().filter(|m| m.worse).count()).sum::<usize>()},
        "blocks": blocks,
    });
    let tables: Vec<Table> = if a.data.format() == Format::Csv {
        vec![flat_table(&blocks)]
    } else {
        let mut t: Vec<Table> = blocks.iter().map(block_table).collect();
        if let Some(last) = t.last_mut().filter(|_| has_fisher(&blocks)) {
            last.notes.push(FISHER_NOTE.into());
        }
        t
    };
    a.data.write(&loaded, tables, json)
}

/// `--thresholds`: the schools in under one `bottom` cut (municipality or region, within the
/// stratum) and out under the other, in `year`.
fn thresholds(a: &Args, cfg: &Config, loaded: &Loaded, year: i32) -> Result<()> {
    let ds = &loaded.data;
    let frames = crate::model::frames::build(ds)?;
    let rows = compare::thresholds(ds, &frames, cfg, year)?;
    let below = compare::thresholds_below_min(&frames, cfg, year)?;
    let mut headers = THRESHOLD_HEADERS;
    let share = format!("{}, %", crate::output::words::below_min(below));
    headers[4] = &share;
    let mut t = Table::new(&headers);
    t.title = Some(format!("Правило нижней группы ({} %) в {year}: школы, которые попадают под одну отсечку и не попадают под другую", pct(cfg.stage1.bottom_share, 0)));
    t.rows = rows.iter().map(threshold_row).collect();
    let share = cfg.stage1.bottom_share;
    let small = rows
        .iter()
        .filter(|r| r.in_municipality && r.small_municipal_group(share))
        .count();
    if small > 0 {
        t.notes.push(small_groups_note(small, share));
    }
    let json = json!({
        "config": cfg.to_json(), "inputs": inputs_json(loaded),
        "summary": {"year": year, "bottom_share": cfg.stage1.bottom_share, "differ": rows.len(),
            "in_municipality_small_group": small,
            "in_municipality_only": rows.iter().filter(|r| r.in_municipality).count(), "in_region_only": rows.iter().filter(|r| r.in_region).count()},
        "schools": rows,
    });
    a.data.write(loaded, vec![t], json)
}

/// The note under `--thresholds` when `small` schools are «low» within a municipality ∩ stratum
/// group of fewer schools than 1 / `share` (`ThresholdRow::small_municipal_group`).
fn small_groups_note(small: usize, share: f64) -> String {
    let min = (1.0 / share).ceil() as usize;
    format!(
        "«В нижней группе МО: да» у {small} {} из групп МО × страта меньше {min} школ: в такой группе нижние {} % — одна худшая школа по построению, какими бы ни были её результаты (школа одна в группе — всегда «да»)",
        crate::output::words::plural(small as u64, ["школы", "школ", "школ"]),
        pct(share, 0)
    )
}

/// One row of the `--thresholds` table, in [`THRESHOLD_HEADERS`] order.
fn threshold_row(r: &ThresholdRow) -> Vec<Cell> {
    let yn = |b: bool| Cell::from(if b { "да" } else { "нет" });
    let of = |k: usize, n: usize| Cell::rank_of(k as i64, n as i64);
    vec![
        r.municipality.clone().into(),
        crate::model::identity::shown_key(&r.login).into(),
        r.name.clone().into(),
        // tables show the stratum in Russian; JSON keeps the code
        crate::model::domain::Stratum::from_label(&r.stratum)
            .map_or(r.stratum.clone(), |s| {
                crate::output::words::stratum(s).to_string()
            })
            .into(),
        Cell::share(Some(r.composite), 1),
        of(r.region_rank, r.region_n),
        Cell::share(Some(r.region_cut), 1),
        yn(r.in_region),
        of(r.municipality_rank, r.municipality_n),
        Cell::share(Some(r.municipality_cut), 1),
        yn(r.in_municipality),
    ]
}

/// The rows of one block in [`BLOCK_HEADERS`] order: the region first, then each municipality.
pub fn block_rows(b: &Block) -> Vec<Vec<Cell>> {
    let region = vec![
        "Регион".into(),
        Cell::int(b.region.participants),
        share_cell(b.region.share2, b.region.share2_ci),
        Cell::num(None, 2),
        p_cell(None, None),
        share_cell(b.region.share_high, b.region.share_high_ci),
        Cell::num(None, 2),
        p_cell(None, None),
        "".into(),
    ];
    let municipalities = b.municipalities.iter().map(|m| {
        vec![
            m.municipality.clone().into(),
            Cell::int(m.figures.participants),
            share_cell(m.figures.share2, m.figures.share2_ci),
            Cell::num(m.share2_diff_pp, 2),
            p_cell(m.share2_p, m.share2_test),
            share_cell(m.figures.share_high, m.figures.share_high_ci),
            Cell::num(m.share_high_diff_pp, 2),
            p_cell(m.share_high_p, m.share_high_test),
            if m.worse { "хуже" } else { "" }.into(),
        ]
    });
    std::iter::once(region).chain(municipalities).collect()
}

/// The note under a comparison that has p-values of Fisher's exact test ([`FISHER_MARK`]).
const FISHER_NOTE: &str =
    "p — z-критерий для двух долей; точный критерий Фишера (в таблице отмечен «*», в данных — столбец «критерий»), когда в таблице 2 × 2 ожидаемая численность меньше 5 (правило Кочрена): нормальное приближение там неприменимо";

/// The mark after a p-value of Fisher's exact test (people's formats; data keep the number and
/// JSON says `fisher`).
const FISHER_MARK: &str = "*";

/// A p-value cell ([`Cell::p_value`]) with the test that gave it: shown marked [`FISHER_MARK`]
/// when Fisher's exact test did; as data two columns, the p-value and «…: критерий» (`z` or
/// `Фишер`; both empty for the region's row).
fn p_cell(p: Option<f64>, test: Option<PropTest>) -> Cell {
    let c = Cell::p_value(p);
    let (mark, name) = match test {
        Some(PropTest::Fisher) => (FISHER_MARK, "Фишер"),
        Some(PropTest::Z) => ("", "z"),
        None => ("", ""),
    };
    let shown = format!("{}{mark}", c.human());
    Cell::Parts(vec![("", c), (": критерий", name.into())], shown)
}

/// Whether some p-value of `blocks` is from Fisher's exact test.
fn has_fisher(blocks: &[Block]) -> bool {
    blocks
        .iter()
        .flat_map(|b| &b.municipalities)
        .any(|m| [m.share2_test, m.share_high_test].contains(&Some(PropTest::Fisher)))
}

/// One block as its own titled table (terminal, Markdown).
fn block_table(b: &Block) -> Table {
    let mut t = Table::new(&BLOCK_HEADERS);
    // schools known only by name have no region code: no «(регион )»
    t.title = Some(if b.region_code.is_empty() {
        format!("{}, {}", b.procedure, b.year)
    } else {
        format!("{}, {} (регион {})", b.procedure, b.year, b.region_code)
    });
    t.rows = block_rows(b);
    t
}

/// Every block in one table with procedure, year and region code in front (CSV, the report's
/// sheet), headed by [`FLAT_BLOCK_HEADERS`]; [`FISHER_NOTE`] under it when a p-value is Fisher's.
/// The region's code tells two regions' «Регион» rows of one procedure and year apart (empty for
/// schools known only by name).
pub fn flat_table(blocks: &[Block]) -> Table {
    let mut headers = vec!["Процедура", "Год", "Код региона"];
    headers.extend_from_slice(&FLAT_BLOCK_HEADERS);
    let mut flat = Table::new(&headers);
    for b in blocks {
        for row in block_rows(b) {
            let mut fr = vec![
                b.procedure.clone().into(),
                Cell::int(b.year),
                b.region_code.clone().into(),
            ];
            fr.extend(row);
            flat.rows.push(fr);
        }
    }
    if has_fisher(blocks) {
        flat.notes.push(FISHER_NOTE.into());
    }
    flat
}
