//! The Russian story of the ledger: one sentence per recorded rule ([`text`]), rendered from the
//! typed facts the method records (`method::ledger::Fact`). Nothing here decides or computes a
//! figure; shares are fractions shown as percents with one decimal and a decimal comma.
use crate::method::ledger::{Fact, Ledger, ProcShare};
use crate::model::domain::{ExclusionReason, Marker, Settlement};
use crate::output::{num, words};

mod bottom;
use bottom::bottom_year;

fn pct(x: f64) -> String {
    crate::output::pct(x, 1)
}

/// The words of one ledger entry (the `text` of the JSON contract; `explain` prints them).
pub fn text(fact: &Fact) -> String {
    match fact {
        Fact::KindUnknown
        | Fact::TooSmall { .. }
        | Fact::NoMarks { .. }
        | Fact::ExcludedKind { .. }
        | Fact::MinTotal { .. } => eligibility_text(fact),
        Fact::RiskA { .. } | Fact::RiskB { .. } | Fact::RiskCombine { .. } => risk_text(fact),
        Fact::Bottom {
            stratum,
            years,
            bottom_share,
            k,
            n,
            low_years,
            outcome,
            below,
        } => format!(
            "Этап 1, правило нижней группы (страта «{}»): {}; в нижних {} % {} из {} (нужно ≥ {}) → {}.",
            words::stratum(*stratum),
            years
                .iter()
                .map(|y| bottom_year(y, *below))
                .collect::<Vec<_>>()
                .join("; "),
            pct(*bottom_share),
            low_years,
            words::count(*n, words::OF_YEARS),
            k,
            candidate(*outcome)
        ),
        Fact::Objectivity {
            year,
            flags,
            policy,
        } => objectivity_text(*year, flags, *policy),
        Fact::ClusterRule { .. } | Fact::ClusterKmeans { .. } => cluster_text(fact),
        Fact::Settlement(_)
        | Fact::Deficit { .. }
        | Fact::DeficitUnknown { .. }
        | Fact::Context { .. } => group_text(fact),
        Fact::PerGroup { .. } | Fact::PerMunicipality { .. } | Fact::Total { .. } => {
            stage3_text(fact)
        }
    }
}

/// «кандидат» or «не кандидат»: the outcome of a stage-1 rule that makes candidates.
fn candidate(outcome: bool) -> &'static str {
    if outcome {
        "кандидат"
    } else {
        "не кандидат"
    }
}

/// Whether the school can be judged at all: its kind, its procedures' size and shares of «2»
/// (stage 1), its participants over the window (stage 2). Only for those facts.
fn eligibility_text(fact: &Fact) -> String {
    match fact {
        Fact::KindUnknown => {
            "Вид школы неизвестен (нет реестра или контекстной формы): считается обычной.".into()
        }
        Fact::TooSmall {
            min_participants,
            procedures,
        } => format!(
            "Этап 1: все процедуры < {} ({}): судить нельзя.",
            words::count(*min_participants, ["участника", "участников", "участников"]),
            procedures
                .iter()
                .map(|(p, n)| format!("{p} — {n}"))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        Fact::NoMarks { year } => format!("Этап 1: в {year} нет процедур с долей «2» (нет шкалы перевода или только высокие баллы ЕГЭ)."),
        Fact::ExcludedKind { stratum, .. } => {
            format!(
                "Этап 1: правило сработало, но вид школы «{}» исключён из отбора.",
                words::stratum(*stratum)
            )
        }
        Fact::MinTotal {
            participants,
            window,
            min_total,
            outcome,
            small,
            min_participants,
        } => format!(
            "Этап 2: всего участников за {}: {} (нужно ≥ {}){}.{}",
            crate::method::procedures::window_label(window),
            participants,
            min_total,
            if *outcome {
                ""
            } else {
                " — слишком мало результатов для вывода"
            },
            small_text(small, *min_participants, window.len() > 1)
        ),
        _ => unreachable!("not an eligibility fact"),
    }
}

/// The window's procedures below `min_participants`: counted in the total above, left out of the
/// shares and of the list's «Участий за окно (сумма по процедурам)» (METHOD.md §10), so the two counts reconcile. Empty when none.
fn small_text(small: &[(String, i32, i64)], min_participants: i64, years: bool) -> String {
    small
        .iter()
        .map(|(p, year, n)| {
            format!(
                " {p}{}: {}, меньше {min_participants} — учтено в этом числе, но не в долях и не в «Участий за окно (сумма по процедурам)» списка.",
                if years { format!(" ({year})") } else { String::new() },
                words::count(*n, ["участник", "участника", "участников"])
            )
        })
        .collect()
}

/// Stage 1's risk rules: A (share of «2» over the threshold in enough procedures of a year), B
/// (over it two years running) and how they combine. Only for those facts.
fn risk_text(fact: &Fact) -> String {
    let fired_or_not = |b: bool| {
        if b {
            " — сработало"
        } else {
            " — не сработало"
        }
    };
    match fact {
        Fact::RiskA {
            year,
            threshold,
            min_procedures,
            procedures,
            fired,
            outcome,
            below,
        } => format!(
            "Этап 1, правило A: в {year} доля {} ≥ {} % в {} из {} (нужно ≥ {}){}{}.",
            words::below_min_of(*below),
            pct(*threshold),
            fired.len(),
            words::count(procedures.len(), ["процедуры", "процедур", "процедур"]),
            min_procedures,
            if fired.is_empty() {
                String::new()
            } else {
                format!(": {}", shares(fired))
            },
            fired_or_not(*outcome)
        ),
        Fact::RiskB {
            year,
            threshold,
            both,
            outcome: true,
            below,
            ..
        } => format!(
            "Этап 1, правило B: доля {} ≥ {} % два года подряд ({}–{}): {} — сработало.",
            words::below_min_of(*below),
            pct(*threshold),
            year - 1,
            year,
            both.iter()
                .map(|(p, prev, cur)| format!("{p} {} % → {} %", pct(*prev), pct(*cur)))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        Fact::RiskB {
            year,
            prev_procedures: 0,
            below,
            ..
        } => format!(
            "Этап 1, правило B: в {} у школы нет процедур с долей {} и достаточным числом участников — сравнить не с чем, не сработало.",
            year - 1,
            words::below_min_of(*below)
        ),
        Fact::RiskB {
            year,
            threshold,
            below,
            ..
        } => format!(
            "Этап 1, правило B: ни одна процедура не имела долю {} ≥ {} % и в {}, и в {} — не сработало.",
            words::below_min_of(*below),
            pct(*threshold),
            year - 1,
            year
        ),
        Fact::RiskCombine {
            combine, outcome, ..
        } => format!(
            "Этап 1: правила объединены как «{}» → {}.",
            words::combine(*combine),
            candidate(*outcome)
        ),
        _ => unreachable!("not a risk-rule fact"),
    }
}

/// Stage 2's signs of unobjective ВПР results in `year` and what the policy does with them.
fn objectivity_text(
    year: i32,
    flags: &[crate::method::objectivity::Flag],
    policy: crate::config::ObjectivityPolicy,
) -> String {
    let flag = |f: &crate::method::objectivity::Flag| {
        let marker = Marker::from_label(&f.marker).map_or("маркер", Marker::words);
        match flag_numbers(f) {
            Some(n) => format!("{marker} ({}: {n})", f.procedure),
            None => format!("{marker} ({})", f.procedure),
        }
    };
    format!(
        "Этап 2: признаки необъективности ВПР в {year}: {}{}.",
        flags.iter().map(flag).collect::<Vec<_>>().join("; "),
        if policy == crate::config::ObjectivityPolicy::Exclude {
            " — исключена (policy = exclude)"
        } else {
            " — отмечена, отбор не меняется (policy = flag): реальные результаты могут быть ещё ниже"
        }
    )
}

/// Stage 2's cluster, by the rule (pooled share of «2» with its 95 % interval, and quality) or by
/// k-means. Only for those facts.
fn cluster_text(fact: &Fact) -> String {
    match fact {
        Fact::ClusterRule {
            window,
            share2,
            n2,
            participants,
            quality,
            ci,
            cluster,
            borderline,
            below,
            ..
        } => format!(
            "Этап 2: общая доля {} за {} — {} % ({} из {}; 95 % ДИ {}–{} %), качество {} → «{}»{}.",
            words::below_min_of(*below),
            crate::method::procedures::window_label(window),
            pct(*share2),
            n2,
            participants,
            ci.map(|c| pct(c[0])).unwrap_or_default(),
            ci.map(|c| pct(c[1])).unwrap_or_default(),
            quality.map(|q| format!("{} %", pct(q))).unwrap_or("—".into()),
            cluster,
            if *borderline {
                "; интервал накрывает границу кластера — пограничная"
            } else {
                ""
            }
        ),
        Fact::ClusterKmeans {
            z_share2,
            z_quality,
            cluster_mean_share2,
            seed,
            cluster,
            below,
        } => format!(
            "Этап 2: k-средних (k = 3, seed {}) по z-оценкам доли {b} ({}) и качества ({}) → «{}» (средняя доля {b} кластера {} %).",
            seed,
            num(*z_share2, 2),
            num(*z_quality, 2),
            cluster,
            pct(*cluster_mean_share2),
            b = words::below_min_of(*below)
        ),
        _ => unreachable!("not a cluster fact"),
    }
}

/// Stage 2's grouping: settlement type, prevailing deficit, and the social context (ИСБШ, ШНСУ,
/// resilience labels). Only for those facts.
fn group_text(fact: &Fact) -> String {
    match fact {
        Fact::Settlement(Settlement::Unknown) => "Этап 2: тип населённого пункта неизвестен (нет реестра или контекстной формы) — в группе «не определён».".into(),
        Fact::Settlement(s) => format!("Этап 2: тип населённого пункта — {s}."),
        Fact::Deficit {
            score,
            deficit,
            year,
            ..
        } => format!(
            "Этап 2: преобладающий дефицит по {} — кадровый {} против инфраструктурного {} → «{}».",
            if score.source == "risk_profile" {
                format!("рисковому профилю {}", score.year.unwrap_or(*year))
            } else {
                "показателям кадров и оснащения (реестр или контекстная форма; z-оценки)".into()
            },
            num(score.staffing, 2),
            num(score.infrastructure, 2),
            deficit
        ),
        Fact::DeficitUnknown { .. } => "Этап 2: преобладающий дефицит не определён — нет рискового профиля, а в реестре или контекстной форме нет показателей кадров или оснащения (нужны обе стороны; в анкете 2021 года кадровых нет, когда учителей 0); группа «не определён».".into(),
        Fact::Context { .. } => context_text(fact),
        _ => unreachable!("not a grouping fact"),
    }
}

/// Stage 2's social context: ИСБШ and its group, ШНСУ, the standardised residual and the
/// resilience labels, with what «below expected» means. Only for that fact.
fn context_text(fact: &Fact) -> String {
    let Fact::Context {
        index,
        index_group,
        shnsu,
        residual,
        labels,
        ..
    } = fact
    else {
        unreachable!("not a context fact")
    };
    format!(
        "Этап 2: контекст — ИСБШ {} (группа {}{}), стандартизованный остаток {}, метки: {}{}.",
        index.map(|v| num(v, 2)).unwrap_or("—".into()),
        index_group.map(|g| g.to_string()).unwrap_or("—".into()),
        if *shnsu == Some(true) {
            ", ШНСУ"
        } else {
            ""
        },
        residual.map(|v| num(v, 2)).unwrap_or("—".into()),
        if labels.is_empty() {
            "нет".to_string()
        } else {
            labels.join(", ")
        },
        if labels.contains(&crate::method::resilience::BELOW) {
            " — результаты ниже ожидаемых при её контексте: проблема скорее в школе, чем в контингенте"
        } else {
            ""
        }
    )
}

/// Stage 3: the school's place in its group, or the municipality's or the overall cap it missed.
/// Only for those facts.
fn stage3_text(fact: &Fact) -> String {
    match fact {
        Fact::PerGroup {
            group,
            rank,
            of,
            per_group,
            picked,
            below,
        } => format!(
            "Этап 3: место {} из {} в группе «{}» (доля {} по убыванию, затем качество по возрастанию); берётся {} → {}.",
            rank,
            of,
            words::group(group),
            words::below_min_of(*below),
            per_group,
            // within the group's quota, not yet the list: the municipality's and the overall caps
            // come after (fresh-eyes run 13: «→ отобрана» then «— не вошла» under a cap)
            if *picked { "в квоте группы" } else { "вне квоты группы, не отобрана" }
        ),
        Fact::PerMunicipality { rank, cap } => format!(
            "Этап 3: {rank}-я по тяжести в муниципалитете при лимите {cap} — не вошла."
        ),
        Fact::Total { rank, cap } => {
            format!("Этап 3: {rank}-я по тяжести в общем списке при лимите {cap} — не вошла.")
        }
        _ => unreachable!("not a stage-3 fact"),
    }
}

/// Why a school stopped before stage 3, in Russian for people (the «Итог» of tables, `explain`
/// and the report): the stratum's words and «меньше минимального числа участников (N)», N being
/// the threshold the school's `min_participants` ledger entry applied, where JSON keeps the label
/// of `ExclusionReason` (codes and the config key).
pub fn exclusion(r: ExclusionReason, ledger: &Ledger) -> String {
    match r {
        ExclusionReason::TooSmall => {
            let min = ledger
                .0
                .iter()
                .find(|e| e.rule() == "min_participants")
                .and_then(|e| e.numbers().1.as_i64())
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            format!("во всех процедурах меньше минимального числа участников{min}")
        }
        ExclusionReason::ExcludedKind(s) => format!("исключённый вид: {}", words::stratum(s)),
        r => r.to_string(),
    }
}

/// The rule and its outcome of one ledger entry in a few Russian words, for a table cell (the
/// «Журнал правил» of the report): («правило A», «не сработало»). JSON keeps the codes
/// (`risk.A`, `not_fired`).
pub fn short(fact: &Fact) -> (&'static str, String) {
    let yes = |b: bool, y: &str, n: &str| if b { y } else { n }.to_string();
    match fact {
        Fact::KindUnknown => ("вид школы", "неизвестен: обычная".into()),
        Fact::TooSmall { .. } => ("мало участников", "судить нельзя".into()),
        Fact::NoMarks { .. } => ("доля «2»", "нет данных".into()),
        Fact::RiskA { outcome, .. } => ("правило A", yes(*outcome, "сработало", "не сработало")),
        Fact::RiskB { outcome, .. } => ("правило B", yes(*outcome, "сработало", "не сработало")),
        Fact::RiskCombine {
            combine, outcome, ..
        } => (words::combine(*combine), candidate(*outcome).into()),
        Fact::Bottom { outcome, .. } => ("правило нижней группы", candidate(*outcome).into()),
        Fact::ExcludedKind { stratum, .. } => (
            "исключённый вид",
            format!("{}: исключена", words::stratum(*stratum)),
        ),
        Fact::MinTotal { outcome, .. } => (
            "участников за окно",
            yes(*outcome, "достаточно", "мало: исключена"),
        ),
        Fact::Objectivity { policy, .. } => (
            "объективность",
            yes(
                *policy == crate::config::ObjectivityPolicy::Exclude,
                "исключена",
                "отмечена",
            ),
        ),
        Fact::ClusterRule { cluster, .. } => ("кластер", cluster.label().into()),
        Fact::ClusterKmeans { cluster, .. } => ("кластер (k-средних)", cluster.label().into()),
        Fact::Settlement(s) => ("населённый пункт", words::settlement(*s).into()),
        Fact::Deficit { deficit, .. } => ("дефицит", deficit.label().into()),
        Fact::DeficitUnknown { .. } => ("дефицит", "не определён".into()),
        Fact::Context { shnsu, .. } => (
            "контекст",
            match shnsu {
                Some(s) => yes(*s, "ШНСУ", "не ШНСУ"),
                None => "ШНСУ не определена (нет ИСБШ)".into(),
            },
        ),
        Fact::PerGroup { picked, .. } => {
            ("место в группе", yes(*picked, "отобрана", "не отобрана"))
        }
        Fact::PerMunicipality { .. } => ("лимит муниципалитета", "не вошла".into()),
        Fact::Total { .. } => ("общий лимит", "не вошла".into()),
    }
}

/// «ВПР математика 4 кл. 35,0 %; …».
fn shares(v: &[ProcShare]) -> String {
    v.iter()
        .map(|p| format!("{} {} %", p.procedure, pct(p.share2)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The numbers of any marker in Russian, for people (the objectivity table): ФИОКО's as
/// [`flag_numbers`], and the journal comparison, the boundary peak, the distribution rule and the
/// official markers' count in words; a marker without words shows its numbers as they are.
pub fn flag_words(f: &crate::method::objectivity::Flag) -> String {
    if let Some(w) = flag_numbers(f) {
        return w;
    }
    let n = &f.numbers;
    let x = |k: &str| n[k].as_f64().unwrap_or(f64::NAN);
    let p = |v: f64| {
        if v < 0.001 {
            "p < 0,001".to_string()
        } else {
            format!("p = {}", num(v, 3))
        }
    };
    match Marker::from_label(&f.marker) {
        Some(m @ (Marker::JournalRaised | Marker::JournalLowered)) => format!(
            "{} из {} уч. с отметкой журнала ({} %) получили на ВПР отметку {} журнальной, в регионе {} % (разница {} п.п. при пороге {}, {})",
            n["count"],
            n["pupils_with_journal_mark"],
            pct(x("share")),
            if m == Marker::JournalRaised { "выше" } else { "ниже" },
            pct(x("region_share")),
            pct(x("excess")),
            pct(x("threshold_excess")),
            p(x("p_value"))
        ),
        Some(Marker::BoundaryPeak) => format!(
            "на первом балле «3» ({}) {} уч., на балле ниже {}: отношение {} при пороге {} (в регионе {}), всего {} уч.",
            n["min3"],
            n["at_min3"],
            n["at_min3_minus_1"],
            num(x("ratio"), 2),
            num(x("threshold_ratio"), 2),
            num(x("region_ratio"), 2),
            n["pupils"]
        ),
        Some(Marker::Distribution) => format!(
            "{} уч.: «2» {} % (не больше {} %), «5» {} % (не меньше {} %)",
            n["participants"],
            pct(x("share2")),
            pct(x("max_share2")),
            pct(x("share5")),
            pct(x("min_share5"))
        ),
        Some(Marker::Official) => format!("маркеров в официальной таблице: {}", n["markers"]),
        _ => n.to_string(),
    }
}

/// The numbers of a ФИОКО marker in Russian (`None` for the other markers, whose numbers are
/// shown as they are): the intervals of `inflated_mean`, r_s of `marks_mismatch`, K and its
/// critical values of `cohort_drop` / `cohort_rise` (shapes in docs/JSON.md).
pub fn flag_numbers(f: &crate::method::objectivity::Flag) -> Option<String> {
    let n = &f.numbers;
    let x = |k: &str| n[k].as_f64().unwrap_or(f64::NAN);
    let pair = |k: &str, d| {
        format!(
            "{}–{}",
            num(n[k][0].as_f64().unwrap_or(f64::NAN), d),
            num(n[k][1].as_f64().unwrap_or(f64::NAN), d)
        )
    };
    Some(match Marker::from_label(&f.marker)? {
        Marker::InflatedMean => format!(
            "интервал среднего балла школы x̄ ± t·s/√m (t = {}) {} ({} уч., среднее {}) выше интервала региона {} (среднее {})",
            num(x("t"), 2),
            pair("interval", 2),
            n["pupils"],
            num(x("mean"), 2),
            pair("region_interval", 2),
            num(x("region_mean"), 2)
        ),
        Marker::MarksMismatch => format!(
            "r Спирмена отметки и балла = {} по {} уч. с отметкой",
            num(x("r_s"), 2).replace('-', "−"),
            n["pupils"]
        ),
        m @ (Marker::CohortDrop | Marker::CohortRise) => format!(
            "K = {} (4 кл. {}: {} % максимума, 5 кл.: {} %) {} критического {} (границы {} … {}, {})",
            num(x("k"), 2),
            n["previous_year"],
            pct(x("s_grade4_previous_year")),
            pct(x("s_grade5")),
            if m == Marker::CohortDrop { "выше" } else { "ниже" },
            num(x(if m == Marker::CohortDrop { "critical_high" } else { "critical_low" }), 2),
            num(x("critical_low"), 2),
            num(x("critical_high"), 2),
            n["schools"]
                .as_u64()
                .map_or(format!("{} школ", n["schools"]), |k| words::count(k, words::SCHOOLS))
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
