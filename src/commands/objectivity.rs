//! `shnor objectivity`: the objectivity screen of ВПР relative to the region.
use super::{inputs_json, DataArgs};
use crate::config::ObjectivityMethod;
use crate::method::fioko::{RegionIndex, Tally, MARKERS};
use crate::method::objectivity;
use crate::model::domain::Marker;
use crate::output::cell::MARKED_OF_JUDGED;
use crate::output::{num, Cell, Format, Table};
use anyhow::Result;
use serde_json::json;

/// Objectivity screen of ВПР: ФИОКО's markers with the region's objectivity index
/// (`objectivity.method = "fioko"`, default), or journal comparison and the boundary peak
/// relative to the region (`"relative"`), or both.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
}

/// Print the ФИОКО index and markers, the regional figures per procedure (relative screen) and
/// each school-year's flags (CSV: the flags only).
pub fn run(a: &Args) -> Result<()> {
    crate::timing("objectivity: start");
    let (cfg, loaded) = a.data.load()?;
    let frames = crate::model::frames::build(&loaded.data)?;
    crate::timing("inputs loaded, frames built");
    let s = objectivity::screen(&frames, &cfg)?;
    crate::timing("objectivity screen");
    let (reg, t) = tables(&s, cfg.objectivity.method, &loaded.data);
    let json = json!({
        "config": cfg.to_json(),
        "inputs": inputs_json(&loaded),
        "summary": {"counts": s.counts, "official_years": s.official_years, "regions": s.regions, "fioko": s.fioko, "warnings": s.warnings},
        "schools": s.schools,
    });
    let tables = if a.data.format() == Format::Csv {
        vec![t]
    } else {
        let mut v = fioko_tables(
            &s.fioko,
            cfg.objectivity.fioko_t,
            cfg.objectivity.fioko_iqr_k,
        );
        if cfg.objectivity.method != ObjectivityMethod::Fioko {
            v.push(reg);
        }
        v.push(t);
        v
    };
    a.data.write(&loaded, tables, json)
}

/// The regional figures per procedure (relative screen), and one row per flag of a school-year.
pub fn tables(
    s: &objectivity::Screen,
    method: ObjectivityMethod,
    ds: &crate::model::Dataset,
) -> (Table, Table) {
    (region_table(s), flags_table(s, method, ds))
}

/// The regional figures per procedure of the relative screen: pupils with a journal mark, the
/// rates of raised and lowered marks, the ratio at the boundary of «3», the schools checked.
fn region_table(s: &objectivity::Screen) -> Table {
    let mut reg = Table::new(&[
        "Регион",
        "Год",
        "Процедура",
        "Уч. с отметкой журнала",
        "Повысили (регион), %",
        "Понизили (регион), %",
        "Отношение у границы «3»",
        "Школ проверено",
    ]);
    reg.title = Some("Региональные показатели по процедурам".into());
    for r in &s.regions {
        let human = match (r.boundary_ratio, r.at_min3, r.below_min3) {
            (Some(x), Some(a), Some(b)) => format!("{} ({a} / {b})", num(x, 2)),
            _ => String::new(),
        };
        let both = r.boundary_ratio.and(r.at_min3).and(r.below_min3).is_some();
        let checked = format!(
            "журнал {}, гистограмма {}",
            r.schools_checked_journal, r.schools_checked_boundary
        );
        reg.rows.push(vec![
            r.region.clone().into(),
            Cell::int(r.year),
            r.procedure.clone().into(),
            Cell::int(r.journal_pupils),
            Cell::share(r.raised_rate, 1),
            Cell::share(r.lowered_rate, 1),
            Cell::Parts(
                vec![
                    ("", Cell::num(r.boundary_ratio.filter(|_| both), 2)),
                    (": на «3»", Cell::opt_int(r.at_min3.filter(|_| both))),
                    (": ниже «3»", Cell::opt_int(r.below_min3.filter(|_| both))),
                ],
                human,
            ),
            Cell::Parts(
                vec![
                    (": журнал", Cell::int(r.schools_checked_journal)),
                    (": гистограмма", Cell::int(r.schools_checked_boundary)),
                ],
                checked,
            ),
        ]);
    }
    reg
}

/// One row per flag of a school-year (the marker in Russian, its numbers in words, whether it
/// makes the results doubtful), with the screen's notes and warnings.
fn flags_table(
    s: &objectivity::Screen,
    method: ObjectivityMethod,
    ds: &crate::model::Dataset,
) -> Table {
    let mut t = Table::new(&[
        "Логин",
        "Год",
        "Признак",
        "Процедура",
        "Числа",
        crate::output::words::OBJECTIVITY_SCREEN_LABEL,
    ]);
    // «0 с сигналом» would read as «checked, all clean» where nothing could be checked (run 11)
    t.title = Some(match s.screened() {
        true => format!(
            "Признаки необъективности (скрининг, не вывод): {} с сигналом",
            crate::output::words::count(
                s.counts["flagged_school_years"],
                crate::output::words::SCHOOL_YEARS
            )
        ),
        false => format!(
            "Признаки необъективности: {}",
            crate::output::words::NOT_SCREENED
        ),
    });
    for sy in &s.schools {
        for f in &sy.flags {
            t.rows.push(vec![
                crate::model::identity::shown_id(ds, &sy.login).into(),
                Cell::int(sy.year),
                // the marker in Russian for the table and the CSV alike; JSON keeps the code
                Cell::from(
                    Marker::from_label(&f.marker).map_or(f.marker.clone(), |m| short(m).into()),
                ),
                f.procedure.clone().into(),
                // as data the numbers in the JSON contract's shape (docs/JSON.md), one JSON
                // object per cell with `.` decimals; for people in Russian words
                Cell::Parts(
                    vec![("Числа, JSON", Cell::from(f.numbers.to_string()))],
                    crate::narrative::flag_words(f),
                ),
                if f.doubtful {
                    "да"
                } else {
                    "нет (завышены отметки школы)"
                }
                .into(),
            ]);
        }
    }
    t.notes
        .push(crate::output::words::OBJECTIVITY_SCREEN_NOTE.into());
    if method != ObjectivityMethod::Relative && s.fioko.is_empty() {
        t.notes.push(
            "Маркеры ФИОКО не вычислены: нет поимённых протоколов ВПР по русскому языку и математике 4–5 кл.".into(),
        );
    }
    if !s.warnings.is_empty() {
        t.notes.push(format!(
            "Предупреждения: {}",
            crate::model::warning::in_words(&s.warnings.summary())
        ));
    }
    t
}

/// «отмечено / оценено» of a tally, under a label ending in [`MARKED_OF_JUDGED`].
/// As data two columns: marked under «: отмечено», and judged under «: оценено».
fn tally(t: Option<&Tally>) -> Cell {
    Cell::Parts(
        vec![
            (": отмечено", Cell::opt_int(t.map(|t| t.marked))),
            (": оценено", Cell::opt_int(t.map(|t| t.judged))),
        ],
        t.map(|t| format!("{} / {}", t.marked, t.judged))
            .unwrap_or_default(),
    )
}

/// The ФИОКО tables: the objectivity index per region-year, then the markers per procedure
/// (none under `objectivity.method = "relative"`); `t_value` is `objectivity.fioko_t` and `iqr_k`
/// `objectivity.fioko_iqr_k`, named in the note of the markers ([`markers_note`]) and the one that
/// says why `inflated_mean` marks so many schools ([`why_inflated_mean`]).
pub fn fioko_tables(idx: &[RegionIndex], t_value: f64, iqr_k: f64) -> Vec<Table> {
    if idx.is_empty() {
        return Vec::new();
    }
    let marker_heads: Vec<String> = MARKERS
        .iter()
        .map(|m| format!("{}{MARKED_OF_JUDGED}", short(*m)))
        .collect();
    let mut heads = vec![
        "Регион",
        "Год",
        "Школ",
        "С признаками",
        "Индекс объективности",
    ];
    heads.extend(marker_heads.iter().map(String::as_str));
    let mut t = Table::new(&heads);
    t.title = Some("Уровень объективности (ФИОКО): 100 − % школ хотя бы с одним признаком".into());
    let mut ph = vec![
        "Регион",
        "Год",
        "Процедура",
        "Школ (уч.)",
        "Средний балл региона, интервал x̄ ± t·s/√m",
    ];
    ph.extend(marker_heads.iter().map(String::as_str));
    ph.push("Критические K");
    let mut p = Table::new(&ph);
    p.title = Some("Маркеры ФИОКО по процедурам".into());
    for r in idx {
        let mut row = vec![
            r.region.clone().into(),
            Cell::int(r.year),
            Cell::int(r.schools),
            Cell::int(r.marked_schools),
            Cell::num(Some(r.index), 1),
        ];
        row.extend(MARKERS.iter().map(|m| tally(r.markers.get(m.label()))));
        t.rows.push(row);
        for pr in &r.procedures {
            let mut row = vec![
                r.region.clone().into(),
                Cell::int(r.year),
                pr.procedure.clone().into(),
                Cell::Parts(
                    vec![
                        ("", Cell::int(pr.schools)),
                        (": участников", Cell::int(pr.pupils)),
                    ],
                    format!("{} ({})", pr.schools, pr.pupils),
                ),
                interval(Some(pr.region_mean), pr.region_interval),
            ];
            row.extend(MARKERS.iter().map(|m| tally(pr.markers.get(m.label()))));
            row.push(interval(None, pr.cohort_critical));
            p.rows.push(row);
        }
    }
    t.notes.push(markers_note(t_value, iqr_k));
    t.notes.extend(why_inflated_mean(idx, t_value));
    t.notes.extend(why_no_cohort(idx));
    vec![t, p]
}

/// Why the cohort markers (4→5) judged no school in a region-year, when they did not: K needs the
/// pupils' scores of grade 4 in Y−1 and of grade 5 in Y (per-pupil protocols or score
/// histograms); marks tables give no scores (fresh-eyes run 14: «0 / 0» with no word why).
fn why_no_cohort(idx: &[RegionIndex]) -> Option<String> {
    let label = Marker::CohortDrop.label();
    let has = |region: &str, year: i32, grade: i32| {
        idx.iter()
            .filter(|r| r.region == region && r.year == year)
            .flat_map(|r| &r.procedures)
            .any(|p| p.grade == grade)
    };
    let years: Vec<String> = idx
        .iter()
        .filter(|r| r.markers.get(label).is_none_or(|m| m.judged == 0))
        .map(|r| {
            let mut lacking = Vec::new();
            if !has(&r.region, r.year - 1, 4) {
                lacking.push(format!("4 класса {}", r.year - 1));
            }
            if !has(&r.region, r.year, 5) {
                lacking.push(format!("5 класса {}", r.year));
            }
            match lacking.is_empty() {
                true => format!(
                    "регион {}, {} — нет школ с баллами обоих лет",
                    r.region, r.year
                ),
                false => format!(
                    "регион {}, {} — нет баллов учеников {}",
                    r.region,
                    r.year,
                    lacking.join(" и ")
                ),
            }
        })
        .collect();
    (!years.is_empty()).then(|| {
        format!(
            "Маркеры 4→5 не оценены (0 / 0): K сравнивает баллы параллели в 4 классе года Y−1 и в 5 классе года Y, а баллы дают только поимённые протоколы ВПР или гистограммы баллов, не таблицы отметок: {}.",
            years.join("; ")
        )
    })
}

/// The markers' criteria with the configured `t` (`objectivity.fioko_t`) and `k`
/// (`objectivity.fioko_iqr_k`), every letter defined.
fn markers_note(t: f64, k: f64) -> String {
    format!(
        "Признаки: интервал среднего балла школы x̄ ± t·s/√m (x̄ — средний балл, s — его стандартное отклонение, m — число участников; t = {}, objectivity.fioko_t) выше такого же интервала региона; r Спирмена школьной отметки и балла < 0; K = S(4 кл., Y−1) / S(5 кл., Y) вне Q1 − k·IQR … Q3 + k·IQR (k = {}, objectivity.fioko_iqr_k; Q1, Q3 — квартили K по школам региона, IQR = Q3 − Q1)",
        t.to_string().replace('.', ","),
        k.to_string().replace('.', ",")
    )
}

/// Why ФИОКО's `inflated_mean` marks many schools, when it marks any: the criterion with its `t`,
/// the narrowest region interval (the procedure with most pupils) as the example of how narrow the
/// region's interval is, and the region-year where it marks the largest share of the schools. The
/// rule is the published one (../shared/brief/OBJECTIVITY_FIOKO.md §1): the region's interval over
/// thousands of pupils is a fraction of a point wide, so nearly every school whose mean is clearly
/// above the region's is marked — a property of the method, not of the data.
fn why_inflated_mean(idx: &[RegionIndex], t: f64) -> Option<String> {
    let label = Marker::InflatedMean.label();
    let most = idx
        .iter()
        .filter_map(|r| r.markers.get(label).map(|m| (r, m)))
        .filter(|(_, m)| m.marked > 0 && m.judged > 0)
        .max_by(|a, b| {
            let share = |(_, m): &(&RegionIndex, &Tally)| m.marked as f64 / m.judged as f64;
            share(a).total_cmp(&share(b))
        })?;
    let (r, m) = most;
    let widest = r
        .procedures
        .iter()
        .filter(|p| p.region_interval.is_some())
        .max_by_key(|p| p.pupils)?;
    let [lo, hi] = widest.region_interval?;
    Some(format!(
        "Почему отмечено много школ: признак «{}» (ФИОКО) ставится, когда нижняя граница интервала среднего балла школы x̄ ± t·s/√m (t = {}) выше верхней границы такого же интервала региона; интервал региона по всем его участникам узок ({} {}, участников {}: {}–{}, ± {} балла), поэтому отмечается почти каждая школа со средним баллом заметно выше регионального — это свойство методики, а не ошибка данных. Больше всего: регион {}, {} год — {} из {} школ ({} %). Экран относительно региона (objectivity.method = \"relative\" в файле настроек) отмечает только резкие отклонения от региона.",
        short(Marker::InflatedMean),
        num(t, 2),
        widest.procedure,
        r.year,
        widest.pupils,
        num(lo, 2),
        num(hi, 2),
        num((hi - lo) / 2.0, 2),
        r.region,
        r.year,
        m.marked,
        m.judged,
        num(100.0 * m.marked as f64 / m.judged as f64, 0),
    ))
}

/// A marker's short Russian name (table headers, the «Признак» column; the data keep the label).
fn short(m: Marker) -> &'static str {
    match m {
        Marker::InflatedMean => "завышен средний балл",
        Marker::MarksMismatch => "противоречие отметкам",
        Marker::CohortDrop => "резкое падение 4→5",
        Marker::CohortRise => "резкий рост 4→5",
        Marker::JournalRaised => "ВПР выше журнала",
        Marker::JournalLowered => "ВПР ниже журнала",
        Marker::BoundaryPeak => "пик у границы «3»",
        Marker::Official => "официальный маркер",
        Marker::Distribution => "мало «2», много «5»",
    }
}

/// A mean with its interval (`12,00 (11,96–12,05)`) or, without a mean, a pair of critical values
/// (`0,62 … 1,71`, `v` is `None`); as data one number column per value.
fn interval(v: Option<Option<f64>>, ci: Option<[f64; 2]>) -> Cell {
    let shown = match (v.flatten(), ci) {
        (Some(m), Some([lo, hi])) => format!("{} ({}–{})", num(m, 2), num(lo, 2), num(hi, 2)),
        (None, Some([lo, hi])) if v.is_none() => format!("{} … {}", num(lo, 2), num(hi, 2)),
        _ => String::new(),
    };
    let mut cells = Vec::new();
    if let Some(v) = v {
        cells.push(("", Cell::num(v, 2)));
    }
    cells.push((": от", Cell::num(ci.map(|c| c[0]), 2)));
    cells.push((": до", Cell::num(ci.map(|c| c[1]), 2)));
    Cell::Parts(cells, shown)
}
