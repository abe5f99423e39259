//! The three-stage ШНОР selection (METHOD.md §1–3, §10): screen, confirm and classify, pick.
use super::ledger::{note, Ledger};
use super::strata::{deficit_from_profile, stratum};
use crate::config::{
    ClusterMethod, Combine, Config, DeficitSource, ObjectivityPolicy, SelectionYear, Stage1Rule,
};
use crate::error::usage;
use crate::input::report::Warnings;
use crate::input::text::region_of;
use crate::model::domain::{Cluster, Deficit, ExclusionReason, Marker, Settlement, Stratum};
use crate::model::{Dataset, ResultRow};
use crate::output::r6;
use crate::stats::{wilson, Z95};
use anyhow::Result;
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SchoolResult {
    pub login: String,
    pub name: String,
    pub municipality: String,
    pub municipality_code: String,
    pub region: String,
    pub stratum: Stratum,
    pub settlement: Settlement,
    pub deficit: Option<Deficit>,
    pub participants: i64,
    pub share2: Option<f64>,
    pub share2_ci: Option<[f64; 2]>,
    pub quality: Option<f64>,
    pub candidate: bool,
    /// 1 = stopped at stage 1, 2 = excluded or classified at stage 2, 3 = ranked at stage 3.
    pub stage_reached: u8,
    pub excluded_reason: Option<ExclusionReason>,
    pub cluster: Option<Cluster>,
    pub group: Option<String>,
    pub rank_in_group: Option<u32>,
    pub selected: bool,
    pub borderline: bool,
    pub objectivity_flag: bool,
    /// ИСБШ, its quintile group and ШНСУ (METHOD §4), when the inputs carry context indicators.
    pub index: Option<f64>,
    pub index_group: Option<u32>,
    pub shnsu: bool,
    /// Standardised residual of results on context and the resilience labels (METHOD §5).
    pub residual: Option<f64>,
    pub resilience: Vec<&'static str>,
    /// Objectivity markers of year Y (doubtful and reported ones).
    pub objectivity_flags: Vec<super::objectivity::Flag>,
    pub ledger: Ledger,
}

#[derive(Debug, Clone, Serialize)]
pub struct Selection {
    pub year: i32,
    pub window: Vec<i32>,
    pub schools: Vec<SchoolResult>,
    pub warnings: Warnings,
}

pub fn proc_label(r: &ResultRow) -> String {
    if r.grade > 0 {
        format!("{} {} {} кл.", r.assessment, r.subject, r.grade)
    } else {
        format!("{} {}", r.assessment, r.subject)
    }
}

fn pct(x: f64) -> String {
    crate::output::pct(x, 1)
}

/// Selection year: config, else `--year`, else the latest year in the results.
pub fn resolve_year(ds: &Dataset, cfg: &Config, cli_year: Option<i32>) -> Result<i32> {
    let years: BTreeSet<i32> = ds.results.iter().map(|r| r.year).collect();
    if years.is_empty() {
        return Err(crate::error::data("no results in the inputs: selection needs marks (per-pupil files, marks tables or ОГЭ/ЕГЭ tables)"));
    }
    let y = match (cli_year, &cfg.selection.year) {
        (Some(y), _) => y,
        (None, SelectionYear::Year(y)) => *y,
        _ => *years.iter().next_back().unwrap(),
    };
    if !years.contains(&y) {
        return Err(usage(format!(
            "year {y} is absent from the data: the results hold {}",
            years
                .iter()
                .map(|y| y.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(y)
}

pub use super::procedures::{by_school, judged_procs, pool, Pooled, Proc};

pub use super::context::{run_showing, Context, Looked, Shown};

/// Run all three stages.
pub fn run(ds: &Dataset, cfg: &Config, year: i32) -> Result<Selection> {
    run_with(ds, cfg, year, &Context::new(ds, cfg, year)?)
}

/// Run all three stages with a precomputed context.
pub fn run_with<'a>(
    ds: &'a Dataset,
    cfg: &Config,
    year: i32,
    ctx: &Context<'a>,
) -> Result<Selection> {
    let s1 = &cfg.stage1;
    let window = super::procedures::window(cfg, year);
    let mut warnings = Warnings::default();
    let in_assessments = |r: &ResultRow| {
        s1.assessments.is_empty() || s1.assessments.iter().any(|a| a.label() == &*r.assessment)
    };
    // results by school, only procedures with a known share below the minimum
    let by_school = &ctx.by_school;
    let no_marks = ds
        .results
        .iter()
        .filter(|r| r.year == year && r.n2.is_none())
        .count();
    if no_marks > 0 {
        warnings.add_n("year-Y result rows without a share below the minimum (no scale or ЕГЭ high results only): not used", no_marks, "");
    }
    let judged = |rows: &[&'a ResultRow], y: i32| judged_procs(rows, y, cfg);
    let regz = &ctx.registry_z;
    let screen = &ctx.screen;

    // bottom rule: low in each year of the last n, ranked within region × stratum
    let bottom_low: super::bottom::BottomFlags = if s1.rule == Stage1Rule::Bottom {
        super::bottom::bottom_flags(ds, cfg, by_school, year, &|sid: &str| region_of(sid))
    } else {
        BTreeMap::new()
    };

    // one school's three stages: independent of every other school, so schools are judged in parallel
    let judge = |&(sid, rows, sch, ir, rr): &Looked<'_, 'a>,
                 warnings: &mut Warnings|
     -> Option<SchoolResult> {
        if !rows.iter().any(|r| r.year == year) {
            return None;
        }
        let (stratum, kind_known) = stratum(sch, cfg);
        let mut led = Ledger::default();
        let login = sch
            .map(|s| s.login.clone())
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| sid.to_string());
        let keep = ctx.keeps_ledger(&login);
        let mut res = SchoolResult {
            login: login.clone(),
            name: sch.map(|s| s.name.clone()).unwrap_or_default(),
            municipality: sch.map(|s| s.municipality.clone()).unwrap_or_default(),
            municipality_code: sch.map(|s| s.municipality_code.clone()).unwrap_or_default(),
            region: region_of(sid),
            stratum,
            settlement: Settlement::of(sch.and_then(|s| s.settlement)),
            deficit: None,
            participants: 0,
            share2: None,
            share2_ci: None,
            quality: None,
            candidate: false,
            stage_reached: 1,
            excluded_reason: None,
            cluster: None,
            group: None,
            rank_in_group: None,
            selected: false,
            borderline: false,
            objectivity_flag: false,
            index: None,
            index_group: None,
            shnsu: false,
            residual: None,
            resilience: Vec::new(),
            objectivity_flags: Vec::new(),
            ledger: Ledger::default(),
        };
        if let Some(ir) = ir {
            res.index = ir.index;
            res.index_group = ir.index_group;
            res.shnsu = ir.shnsu;
        }
        if let Some(rr) = rr {
            res.residual = rr.residual;
            res.resilience = rr.labels.clone();
        }
        res.objectivity_flags = screen
            .of(sid, year)
            .map(|sy| sy.flags.clone())
            .unwrap_or_default();
        if !kind_known {
            warnings.add("school kind unknown: treated as regular", login.clone());
            note!(
                keep,
                led,
                1,
                "kind",
                json!({"kind": null}),
                json!(null),
                "regular",
                "Вид школы неизвестен (нет реестра или контекстной формы): считается обычной."
                    .into(),
            );
        }
        // ---- stage 1
        let procs_y = judged(rows, year);
        let all_y: Vec<&&ResultRow> = rows
            .iter()
            .filter(|r| r.year == year && r.n2.is_some() && in_assessments(r))
            .collect();
        if procs_y.is_empty() {
            if !all_y.is_empty() {
                let sizes: Vec<String> = all_y
                    .iter()
                    .map(|r| format!("{} — {}", proc_label(r), r.participants))
                    .collect();
                note!(
                    keep,
                    led,
                    1,
                    "min_participants",
                    json!({"procedures": all_y.len(), "max_participants": all_y.iter().map(|r| r.participants).max()}),
                    json!(s1.min_participants),
                    "too_small",
                    format!(
                        "Этап 1: все процедуры < {} участников ({}): судить нельзя.",
                        s1.min_participants,
                        sizes.join("; ")
                    )
                );
                res.excluded_reason = Some(ExclusionReason::TooSmall);
            } else {
                note!(keep, led, 1, "no_marks", json!({}), json!(null), "no_data", format!("Этап 1: в {year} нет процедур с долей «2» (нет шкалы перевода или только высокие баллы ЕГЭ)."));
                res.excluded_reason = Some(ExclusionReason::NoMarks);
            }
            res.ledger = led;
            return Some(res);
        }
        let fired_rule = if s1.rule == Stage1Rule::Risk {
            let fired: Vec<&Proc> = procs_y
                .iter()
                .filter(|p| p.share2 >= s1.threshold)
                .collect();
            let a = fired.len() as u32 >= s1.min_procedures;
            let list = |v: &[&Proc]| {
                v.iter()
                    .map(|p| format!("{} {} %", proc_label(p.row), pct(p.share2)))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            note!(keep, led, 1, "risk.A", json!({
                "year": year,
                "procedures": procs_y.len(),
                "fired": fired.len(),
                "shares": procs_y.iter().map(|p| json!({"procedure": proc_label(p.row), "participants": p.row.participants, "share2": r6(p.share2)})).collect::<Vec<_>>(),
            }), json!({"threshold": s1.threshold, "min_procedures": s1.min_procedures}), if a { "fired" } else { "not_fired" },
            format!("Этап 1, правило A: в {year} доля «2» ≥ {} % в {} из {} процедур (нужно ≥ {}){}{}.",
                pct(s1.threshold), fired.len(), procs_y.len(), s1.min_procedures,
                if fired.is_empty() { String::new() } else { format!(": {}", list(&fired)) },
                if a { " — сработало" } else { " — не сработало" }));
            // B: one procedure ≥ threshold in both Y−1 and Y
            let prev = judged(rows, year - 1);
            let mut both = Vec::new();
            for p in &fired {
                if let Some(q) = prev.iter().find(|q| {
                    q.row.assessment == p.row.assessment
                        && q.row.subject == p.row.subject
                        && q.row.grade == p.row.grade
                }) {
                    if q.share2 >= s1.threshold {
                        both.push((p, q));
                    }
                }
            }
            let b = !both.is_empty();
            note!(
                keep,
                led,
                1,
                "risk.B",
                json!({
                    "years": [year - 1, year],
                    "procedures": both.iter().map(|(p, q)| json!({"procedure": proc_label(p.row), "share2_prev": r6(q.share2), "share2": r6(p.share2)})).collect::<Vec<_>>(),
                }),
                json!({"threshold": s1.threshold}),
                if b { "fired" } else { "not_fired" },
                if b {
                    format!("Этап 1, правило B: доля «2» ≥ {} % два года подряд ({}–{}): {} — сработало.", pct(s1.threshold), year - 1, year,
                    both.iter().map(|(p, q)| format!("{} {} % → {} %", proc_label(p.row), pct(q.share2), pct(p.share2))).collect::<Vec<_>>().join("; "))
                } else {
                    format!("Этап 1, правило B: ни одна процедура не имела долю «2» ≥ {} % и в {}, и в {} — не сработало.", pct(s1.threshold), year - 1, year)
                }
            );
            let c = if s1.combine == Combine::All {
                a && b
            } else {
                a || b
            };
            note!(
                keep,
                led,
                1,
                "risk.combine",
                json!({"A": a, "B": b}),
                json!(s1.combine),
                if c { "candidate" } else { "not_candidate" },
                format!(
                    "Этап 1: комбинирование «{}» → {}.",
                    s1.combine,
                    if c {
                        "кандидат"
                    } else {
                        "не кандидат"
                    }
                ),
            );
            c
        } else {
            let ys: Vec<i32> = ((year - s1.n as i32 + 1)..=year).collect();
            let mut lows = 0;
            let mut parts = Vec::new();
            for y in &ys {
                if let Some((low, comp, rank, n, cut)) = bottom_low.get(&(*y, sid.to_string())) {
                    if *low {
                        lows += 1;
                    }
                    parts.push(format!(
                        "{y}: доля «2» {} %, место {rank} из {n} (отсечка {} %){}",
                        pct(*comp),
                        pct(*cut),
                        if *low {
                            " — в нижней группе"
                        } else {
                            ""
                        }
                    ));
                } else {
                    parts.push(format!("{y}: нет данных"));
                }
            }
            let c = lows >= s1.k;
            note!(keep, led, 1, "bottom", json!({"years": ys, "low_years": lows}), json!({"bottom_share": s1.bottom_share, "k": s1.k, "n": s1.n}), if c { "candidate" } else { "not_candidate" },
                format!("Этап 1, правило bottom (страта {}): {}; в нижних {} % {} из {} лет (нужно ≥ {}) → {}.", stratum, parts.join("; "), pct(s1.bottom_share), lows, s1.n, s1.k, if c { "кандидат" } else { "не кандидат" }));
            c
        };
        if !fired_rule {
            res.ledger = led;
            return Some(res);
        }
        if cfg.stage1.exclude_kinds.contains(&stratum) {
            note!(
                keep,
                led,
                1,
                "exclude_kinds",
                json!({"kind": stratum}),
                json!(cfg.stage1.exclude_kinds),
                "excluded",
                format!("Этап 1: правило сработало, но вид школы «{stratum}» исключён из отбора."),
            );
            res.excluded_reason = Some(ExclusionReason::ExcludedKind(stratum));
            res.ledger = led;
            return Some(res);
        }
        res.candidate = true;
        res.stage_reached = 2;
        // ---- stage 2: pooled figures over the window
        let Pooled {
            total_all,
            part,
            n2,
            qpart,
            q45,
        } = pool(rows, &window, cfg);
        res.participants = part;
        if part > 0 {
            let s = n2 as f64 / part as f64;
            let (lo, hi) = wilson(n2 as f64, part as f64, Z95);
            res.share2 = Some(r6(s));
            res.share2_ci = Some([r6(lo), r6(hi)]);
        }
        if qpart > 0 {
            res.quality = Some(r6(q45 as f64 / qpart as f64));
        }
        let min_total = cfg.stage2.min_total_participants;
        let enough = total_all >= min_total;
        note!(
            keep,
            led,
            2,
            "min_total_participants",
            json!({"participants": total_all, "window": window}),
            json!(min_total),
            if enough { "passed" } else { "excluded" },
            format!(
                "Этап 2: всего участников за {}–{}: {} (нужно ≥ {}){}.",
                window[0],
                year,
                total_all,
                min_total,
                if enough {
                    ""
                } else {
                    " — слишком мало результатов для вывода"
                }
            ),
        );
        if !enough {
            res.excluded_reason = Some(ExclusionReason::TooFewResults);
            res.ledger = led;
            return Some(res);
        }
        // objectivity (METHOD §6): computed screen, replaced by official markers where they exist
        let doubtful: Vec<&super::objectivity::Flag> = screen
            .of(sid, year)
            .map(|sy| sy.flags.iter().filter(|f| f.doubtful).collect())
            .unwrap_or_default();
        if !doubtful.is_empty() && cfg.objectivity.policy != ObjectivityPolicy::Ignore {
            res.objectivity_flag = true;
            let ex = cfg.objectivity.policy == ObjectivityPolicy::Exclude;
            note!(
                keep,
                led,
                2,
                "objectivity",
                json!({"flags": doubtful}),
                json!(cfg.objectivity.policy),
                if ex { "excluded" } else { "flagged" },
                format!(
                    "Этап 2: признаки необъективности ВПР в {year}: {}{}.",
                    doubtful
                        .iter()
                        .map(|f| format!(
                            "{} ({})",
                            Marker::from_label(&f.marker).map_or("маркер", Marker::words),
                            f.procedure
                        ))
                        .collect::<Vec<_>>()
                        .join("; "),
                    if ex {
                        " — исключена (policy = exclude)"
                    } else {
                        " — отмечена, отбор не меняется (policy = flag): реальные результаты могут быть ещё ниже"
                    }
                )
            );
            if ex {
                res.excluded_reason = Some(ExclusionReason::Objectivity);
                res.ledger = led;
                return Some(res);
            }
        }
        let share2 = n2 as f64 / part.max(1) as f64;
        let (strong, moderate) = (cfg.cluster.strong, cfg.cluster.moderate);
        let cluster = if share2 >= strong {
            Cluster::Strong
        } else if share2 >= moderate {
            Cluster::Moderate
        } else {
            Cluster::Basic
        };
        res.cluster = Some(cluster);
        if let Some([lo, hi]) = res.share2_ci {
            res.borderline = (lo <= strong && strong <= hi) || (lo <= moderate && moderate <= hi);
        }
        note!(keep, led, 2, "cluster.rule", json!({"share2": r6(share2), "n2": n2, "participants": part, "quality": res.quality, "ci": res.share2_ci}),
            json!({"strong": strong, "moderate": moderate}), cluster.label(),
            format!("Этап 2: общая доля «2» за {}–{} — {} % ({} из {}; 95 % ДИ {}–{} %), качество {} → «{}»{}.",
                window[0], year, pct(share2), n2, part,
                res.share2_ci.map(|c| pct(c[0])).unwrap_or_default(), res.share2_ci.map(|c| pct(c[1])).unwrap_or_default(),
                res.quality.map(|q| format!("{} %", pct(q))).unwrap_or("—".into()), cluster,
                if res.borderline { "; интервал накрывает границу кластера — пограничная" } else { "" }));
        if res.settlement == Settlement::Unknown {
            warnings.add("settlement unknown: group «unknown»", login.clone());
            note!(keep, led, 2, "settlement", json!({"settlement": null}), json!(null), "unknown", "Этап 2: тип населённого пункта неизвестен (нет реестра или контекстной формы) — группа «unknown».".into());
        } else {
            note!(
                keep,
                led,
                2,
                "settlement",
                json!({"settlement": res.settlement}),
                json!(null),
                res.settlement.label(),
                format!("Этап 2: тип населённого пункта — {}.", res.settlement),
            );
        }
        let from_profile = || deficit_from_profile(&ctx.profiles, sid);
        let from_registry = || sch.and_then(|s| regz.score(s));
        let d = match cfg.deficit.source {
            DeficitSource::RiskProfile => from_profile(),
            DeficitSource::Registry => from_registry(),
            DeficitSource::Auto => from_profile().or_else(from_registry),
        };
        match d {
            Some(d) => {
                let which = if d.staffing > d.infrastructure {
                    Deficit::Staffing
                } else if d.infrastructure > d.staffing {
                    Deficit::Infrastructure
                } else {
                    cfg.deficit.tie
                };
                res.deficit = Some(which);
                note!(keep, led, 2, "deficit", json!({"source": d.source, "staffing": r6(d.staffing), "infrastructure": r6(d.infrastructure), "profile_year": d.year}), json!({"tie": cfg.deficit.tie}), which.label(),
                    format!("Этап 2: преобладающий дефицит по {} — кадровый {} против инфраструктурного {} → «{}».",
                        if d.source == "risk_profile" { format!("рисковому профилю {}", d.year.unwrap_or(year)) } else { "показателям реестра (z-оценки)".into() },
                        crate::output::num(d.staffing, 2), crate::output::num(d.infrastructure, 2), which));
            }
            None => {
                warnings.add("deficit unknown: no risk profile and no registry staffing/equipment indicators", login.clone());
                note!(keep, led, 2, "deficit", json!({"source": null}), json!(cfg.deficit.source), "unknown",
                    "Этап 2: преобладающий дефицит не определён — нет рискового профиля и показателей кадров/оснащения в реестре; группа «не определён».".into());
            }
        }
        if res.index.is_some() || !res.resilience.is_empty() {
            let labels = if res.resilience.is_empty() {
                "нет".to_string()
            } else {
                res.resilience.join(", ")
            };
            note!(keep, led, 2, "context", json!({"index": res.index, "index_group": res.index_group, "shnsu": res.shnsu, "residual": res.residual, "labels": res.resilience}),
                json!({"shnsu_groups": cfg.index.shnsu_groups, "residual_sd": cfg.resilience.residual_sd}), if res.shnsu { "shnsu" } else { "not_shnsu" },
                format!("Этап 2: контекст — ИСБШ {} (группа {}{}), стандартизованный остаток {}, метки: {}{}.",
                    res.index.map(|v| crate::output::num(v, 2)).unwrap_or("—".into()),
                    res.index_group.map(|g| g.to_string()).unwrap_or("—".into()),
                    if res.shnsu { ", ШНСУ" } else { "" },
                    res.residual.map(|v| crate::output::num(v, 2)).unwrap_or("—".into()),
                    labels,
                    if res.resilience.contains(&super::resilience::BELOW) { " — результаты ниже ожидаемых при её контексте: проблема скорее в школе, чем в контингенте" } else { "" }));
        }
        let group = format!(
            "{} / {} / {}",
            cluster,
            res.settlement,
            Deficit::group_label(res.deficit)
        );
        res.group = Some(group);
        res.stage_reached = 3;
        res.ledger = led;
        Some(res)
    };
    let schools = ctx.looked_up();
    let (mut out, w) = super::judge_in_order(&schools, &judge);
    warnings.merge(w);
    if cfg.cluster.method == ClusterMethod::Kmeans {
        super::cluster::kmeans_clusters(&mut out, cfg, &mut warnings);
    }
    super::stage3::stage3(&mut out, cfg);
    out.sort_by(|a, b| a.login.cmp(&b.login));
    Ok(Selection {
        year,
        window,
        schools: out,
        warnings,
    })
}

#[cfg(test)]
#[path = "select_tests.rs"]
mod tests;
