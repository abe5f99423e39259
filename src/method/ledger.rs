//! The per-school ledger (METHOD.md §10): each rule a school met, as data — the stage, the rule,
//! the numbers it saw, the threshold and the outcome. A rule is recorded as a typed [`Fact`];
//! its JSON numbers come from [`Fact::record`] here, its Russian words from
//! [`crate::narrative::text`] (the `text` field of the JSON contract and `explain`).
use super::objectivity::Flag;
use super::strata::DeficitScore;
use crate::config::{Combine, DeficitSource, ObjectivityPolicy};
use crate::model::domain::{Cluster, Deficit, Settlement, Stratum};
use crate::output::r6;
use serde::Serialize;
use serde_json::{json, Map, Value};

/// One rule's record in the ledger (an item of `ledger` in the JSON of `select`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LedgerEntry {
    pub stage: u8,
    pub rule: String,
    /// What the rule saw (shares are fractions rounded to 6 decimals).
    pub numbers: Map<String, Value>,
    /// The config values the rule applied.
    pub threshold: Value,
    pub outcome: String,
    /// The same in words (Russian), rendered by `narrative`.
    pub text: String,
    /// The rule and its outcome in a few Russian words (`narrative::short`) for table cells;
    /// not in JSON, which keeps `rule` and `outcome`.
    #[serde(skip)]
    pub short: (&'static str, String),
}

/// A school's ledger: its entries in the order the rules were met.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(transparent)]
pub struct Ledger(pub Vec<LedgerEntry>);

/// A year-Y procedure with its share below the minimum, as a rule saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcShare {
    /// «ВПР математика 4 кл.».
    pub procedure: String,
    pub participants: i64,
    /// Fraction.
    pub share2: f64,
}

/// One year of the bottom rule for a school: absent when the school had no judged procedure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BottomYear {
    pub year: i32,
    pub rank: Option<super::bottom::BottomRank>,
}

/// What a rule saw and decided, typed: the source of both the JSON numbers and the words.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    /// Stage 1: no registry or context form tells the school's kind: regular.
    KindUnknown,
    /// Stage 1: every year-Y procedure has fewer than `min_participants`.
    TooSmall {
        min_participants: i64,
        /// (procedure, participants).
        procedures: Vec<(String, i64)>,
    },
    /// Stage 1: no year-Y procedure with a share below the minimum.
    NoMarks { year: i32 },
    /// Stage 1, risk rule A: at least `min_procedures` procedures of year Y fire.
    RiskA {
        year: i32,
        threshold: f64,
        min_procedures: u32,
        procedures: Vec<ProcShare>,
        fired: Vec<ProcShare>,
        outcome: bool,
    },
    /// Stage 1, risk rule B: one procedure fires in both Y−1 and Y: (procedure, share Y−1, share Y).
    RiskB {
        year: i32,
        threshold: f64,
        both: Vec<(String, f64, f64)>,
        outcome: bool,
    },
    /// Stage 1: rules A and B combined.
    RiskCombine {
        a: bool,
        b: bool,
        combine: Combine,
        outcome: bool,
    },
    /// Stage 1, bottom rule: low in at least `k` of the last `n` years.
    Bottom {
        stratum: Stratum,
        years: Vec<BottomYear>,
        bottom_share: f64,
        k: u32,
        n: u32,
        low_years: u32,
        outcome: bool,
    },
    /// Stage 1: a rule fired, but the stratum is left out of the selection.
    ExcludedKind {
        stratum: Stratum,
        exclude_kinds: Vec<Stratum>,
    },
    /// Stage 2: enough participants over the window?
    MinTotal {
        participants: i64,
        window: Vec<i32>,
        min_total: i64,
        outcome: bool,
    },
    /// Stage 2: doubtful objectivity of year Y.
    Objectivity {
        year: i32,
        flags: Vec<Flag>,
        policy: ObjectivityPolicy,
    },
    /// Stage 2: the cluster by the cut-offs on the pooled share of «2».
    ClusterRule {
        window: Vec<i32>,
        share2: f64,
        n2: i64,
        participants: i64,
        quality: Option<f64>,
        ci: Option<[f64; 2]>,
        strong: f64,
        moderate: f64,
        cluster: Cluster,
        borderline: bool,
    },
    /// Stage 2: the cluster by k-means (`cluster.method = "kmeans"`).
    ClusterKmeans {
        z_share2: f64,
        z_quality: f64,
        cluster_mean_share2: f64,
        seed: u64,
        cluster: Cluster,
    },
    /// Stage 2: the settlement type.
    Settlement(Settlement),
    /// Stage 2: the prevailing deficit and the scores it came from.
    Deficit {
        score: DeficitScore,
        tie: Deficit,
        deficit: Deficit,
        year: i32,
    },
    /// Stage 2: no source tells the prevailing deficit.
    DeficitUnknown { source: DeficitSource },
    /// Stage 2: the school's context (ИСБШ, ШНСУ, resilience).
    Context {
        index: Option<f64>,
        index_group: Option<u32>,
        shnsu: bool,
        residual: Option<f64>,
        labels: Vec<&'static str>,
        shnsu_groups: Vec<u32>,
        residual_sd: f64,
    },
    /// Stage 3: the rank within the group and whether `per_group` takes it.
    PerGroup {
        group: String,
        rank: usize,
        of: usize,
        per_group: u32,
        picked: bool,
    },
    /// Stage 3: capped by `stage3.per_municipality`.
    PerMunicipality { rank: u32, cap: u32 },
    /// Stage 3: capped by `stage3.total`.
    Total { rank: usize, cap: u32 },
}

fn fired(b: bool) -> &'static str {
    if b {
        "fired"
    } else {
        "not_fired"
    }
}

fn candidate(b: bool) -> &'static str {
    if b {
        "candidate"
    } else {
        "not_candidate"
    }
}

impl Fact {
    /// (rule, numbers, threshold, outcome) of the JSON contract.
    pub fn record(&self) -> (&'static str, Value, Value, &'static str) {
        match self {
            Fact::KindUnknown => ("kind", json!({"kind": null}), json!(null), "regular"),
            Fact::TooSmall {
                min_participants,
                procedures,
            } => (
                "min_participants",
                json!({"procedures": procedures.len(), "max_participants": procedures.iter().map(|p| p.1).max()}),
                json!(min_participants),
                "too_small",
            ),
            Fact::NoMarks { .. } => ("no_marks", json!({}), json!(null), "no_data"),
            Fact::RiskA {
                year,
                threshold,
                min_procedures,
                procedures,
                fired: f,
                outcome,
            } => (
                "risk.A",
                json!({
                    "year": year,
                    "procedures": procedures.len(),
                    "fired": f.len(),
                    "shares": procedures.iter().map(|p| json!({"procedure": p.procedure, "participants": p.participants, "share2": r6(p.share2)})).collect::<Vec<_>>(),
                }),
                json!({"threshold": threshold, "min_procedures": min_procedures}),
                fired(*outcome),
            ),
            Fact::RiskB {
                year,
                threshold,
                both,
                outcome,
            } => (
                "risk.B",
                json!({
                    "years": [year - 1, year],
                    "procedures": both.iter().map(|(p, prev, cur)| json!({"procedure": p, "share2_prev": r6(*prev), "share2": r6(*cur)})).collect::<Vec<_>>(),
                }),
                json!({"threshold": threshold}),
                fired(*outcome),
            ),
            Fact::RiskCombine {
                a,
                b,
                combine,
                outcome,
            } => (
                "risk.combine",
                json!({"A": a, "B": b}),
                json!(combine),
                candidate(*outcome),
            ),
            Fact::Bottom {
                years,
                bottom_share,
                k,
                n,
                low_years,
                outcome,
                ..
            } => (
                "bottom",
                json!({"years": years.iter().map(|y| y.year).collect::<Vec<_>>(), "low_years": low_years}),
                json!({"bottom_share": bottom_share, "k": k, "n": n}),
                candidate(*outcome),
            ),
            Fact::ExcludedKind {
                stratum,
                exclude_kinds,
            } => (
                "exclude_kinds",
                json!({"kind": stratum}),
                json!(exclude_kinds),
                "excluded",
            ),
            Fact::MinTotal {
                participants,
                window,
                min_total,
                outcome,
            } => (
                "min_total_participants",
                json!({"participants": participants, "window": window}),
                json!(min_total),
                if *outcome { "passed" } else { "excluded" },
            ),
            Fact::Objectivity { flags, policy, .. } => (
                "objectivity",
                json!({"flags": flags}),
                json!(policy),
                if *policy == ObjectivityPolicy::Exclude {
                    "excluded"
                } else {
                    "flagged"
                },
            ),
            Fact::ClusterRule {
                share2,
                n2,
                participants,
                quality,
                ci,
                strong,
                moderate,
                cluster,
                ..
            } => (
                "cluster.rule",
                json!({"share2": r6(*share2), "n2": n2, "participants": participants, "quality": quality, "ci": ci}),
                json!({"strong": strong, "moderate": moderate}),
                cluster.label(),
            ),
            Fact::ClusterKmeans {
                z_share2,
                z_quality,
                cluster_mean_share2,
                seed,
                cluster,
            } => (
                "cluster.kmeans",
                json!({"z_share2": r6(*z_share2), "z_quality": r6(*z_quality), "cluster_mean_share2": r6(*cluster_mean_share2)}),
                json!({"k": 3, "seed": seed}),
                cluster.label(),
            ),
            Fact::Settlement(Settlement::Unknown) => (
                "settlement",
                json!({"settlement": null}),
                json!(null),
                "unknown",
            ),
            Fact::Settlement(s) => (
                "settlement",
                json!({"settlement": s}),
                json!(null),
                s.label(),
            ),
            Fact::Deficit {
                score,
                tie,
                deficit,
                ..
            } => (
                "deficit",
                json!({"source": score.source, "staffing": r6(score.staffing), "infrastructure": r6(score.infrastructure), "profile_year": score.year}),
                json!({"tie": tie}),
                deficit.label(),
            ),
            Fact::DeficitUnknown { source } => {
                ("deficit", json!({"source": null}), json!(source), "unknown")
            }
            Fact::Context {
                index,
                index_group,
                shnsu,
                residual,
                labels,
                shnsu_groups,
                residual_sd,
            } => (
                "context",
                json!({"index": index, "index_group": index_group, "shnsu": shnsu, "residual": residual, "labels": labels}),
                json!({"shnsu_groups": shnsu_groups, "residual_sd": residual_sd}),
                if *shnsu { "shnsu" } else { "not_shnsu" },
            ),
            Fact::PerGroup {
                group,
                rank,
                of,
                per_group,
                picked,
            } => (
                "per_group",
                json!({"group": group, "rank": rank, "of": of}),
                json!(per_group),
                if *picked { "picked" } else { "not_picked" },
            ),
            Fact::PerMunicipality { rank, cap } => (
                "per_municipality",
                json!({"rank_in_municipality": rank}),
                json!(cap),
                "capped",
            ),
            Fact::Total { rank, cap } => {
                ("total", json!({"rank_overall": rank}), json!(cap), "capped")
            }
        }
    }
}

impl LedgerEntry {
    /// The entry of a fact met at a stage: its numbers and its words.
    pub fn of(stage: u8, fact: &Fact) -> LedgerEntry {
        let (rule, numbers, threshold, outcome) = fact.record();
        let numbers = match numbers {
            Value::Object(m) => m,
            other => {
                let mut m = Map::new();
                m.insert("value".into(), other);
                m
            }
        };
        LedgerEntry {
            stage,
            rule: rule.into(),
            numbers,
            threshold,
            outcome: outcome.into(),
            text: crate::narrative::text(fact),
            short: crate::narrative::short(fact),
        }
    }
}

impl Ledger {
    /// Record a fact met at a stage.
    pub fn note(&mut self, stage: u8, fact: Fact) {
        self.0.push(LedgerEntry::of(stage, &fact));
    }
}

/// `led.note(stage, fact)` when the run keeps ledgers; otherwise the fact is not even built (a
/// sweep needs only who is selected).
macro_rules! note {
    ($keep:expr, $led:expr, $stage:expr, $fact:expr $(,)?) => {
        if $keep {
            $led.note($stage, $fact);
        }
    };
}
pub(crate) use note;
