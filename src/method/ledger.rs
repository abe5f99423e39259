//! The per-school ledger (METHOD.md §10): each rule a school met, as data — the stage, the rule,
//! the numbers it saw, the threshold and the outcome. A rule is recorded as a typed [`Fact`] and
//! rendered only when asked: its rule and outcome by [`Fact::rule`] and [`Fact::outcome`], its JSON
//! numbers by [`LedgerEntry::numbers`] (where JSON is written), its Russian words by
//! [`crate::narrative::text`] (the `text` field of the JSON contract and `explain`) and
//! [`crate::narrative::short`] (table cells).
use super::objectivity::Flag;
use super::procedures::BelowMin;
use super::strata::DeficitScore;
use crate::config::{Combine, DeficitSource, ObjectivityPolicy};
use crate::model::domain::{Cluster, Deficit, Settlement, Stratum};
use crate::output::r6;
use serde::Serialize;
use serde_json::{json, Map, Value};

/// One rule's record in the ledger (an item of `ledger` in the JSON of `select`): the stage and
/// the typed [`Fact`]. Its JSON (`rule`, `numbers`, `threshold`, `outcome`, `text`) and its short
/// words are rendered when asked, so a run that shows only the short words (the report's sheet of
/// every school) never builds the numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerEntry {
    pub stage: u8,
    pub fact: Fact,
}

/// The JSON contract of an entry: `stage`, `rule`, `numbers` (what the rule saw; shares are
/// fractions rounded to 6 decimals; a bare value is wrapped as `{"value": …}`), `threshold` (the
/// config values the rule applied), `outcome` and `text` (the same in Russian words, `narrative`).
impl Serialize for LedgerEntry {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let (numbers, threshold) = self.numbers();
        let mut st = ser.serialize_struct("LedgerEntry", 6)?;
        st.serialize_field("stage", &self.stage)?;
        st.serialize_field("rule", self.fact.rule())?;
        st.serialize_field("numbers", &numbers)?;
        st.serialize_field("threshold", &threshold)?;
        st.serialize_field("outcome", self.fact.outcome())?;
        st.serialize_field("text", &self.text())?;
        st.end()
    }
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
        /// What is below the minimum in these procedures (the words of the share).
        below: BelowMin,
    },
    /// Stage 1, risk rule B: one procedure fires in both Y−1 and Y: (procedure, share Y−1, share Y).
    RiskB {
        year: i32,
        threshold: f64,
        both: Vec<(String, f64, f64)>,
        outcome: bool,
        /// Judged procedures of Y−1 (0: the rule had no year to compare with).
        prev_procedures: usize,
        /// What is below the minimum in the procedures of Y−1 and Y.
        below: BelowMin,
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
        /// What is below the minimum in the school's procedures (the words of the share).
        below: BelowMin,
    },
    /// Stage 1: a rule fired, but the stratum is left out of the selection.
    ExcludedKind {
        stratum: Stratum,
        exclude_kinds: Vec<Stratum>,
    },
    /// Stage 2: enough participants over the window? `participants` counts every window procedure
    /// (METHOD.md §10: `min_total_participants` counts all); `small` are the window procedures
    /// with fewer than `min_participants`, counted here but left out of the shares and of the
    /// school's participants: (procedure, year, participants).
    MinTotal {
        participants: i64,
        window: Vec<i32>,
        min_total: i64,
        outcome: bool,
        small: Vec<(String, i32, i64)>,
        min_participants: i64,
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
        /// What is below the minimum in the school's results (`SchoolResult::below_min`).
        below: BelowMin,
    },
    /// Stage 2: the cluster by k-means (`cluster.method = "kmeans"`).
    ClusterKmeans {
        z_share2: f64,
        z_quality: f64,
        cluster_mean_share2: f64,
        seed: u64,
        cluster: Cluster,
        /// What is below the minimum in the school's results (`SchoolResult::below_min`).
        below: BelowMin,
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
        shnsu: Option<bool>,
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
        /// What is below the minimum in the school's results (`SchoolResult::below_min`).
        below: BelowMin,
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
    /// The rule's name in the JSON contract (`rule`), without building its numbers.
    pub fn rule(&self) -> &'static str {
        match self {
            Fact::KindUnknown => "kind",
            Fact::TooSmall { .. } => "min_participants",
            Fact::NoMarks { .. } => "no_marks",
            Fact::RiskA { .. } => "risk.A",
            Fact::RiskB { .. } => "risk.B",
            Fact::RiskCombine { .. } => "risk.combine",
            Fact::Bottom { .. } => "bottom",
            Fact::ExcludedKind { .. } => "exclude_kinds",
            Fact::MinTotal { .. } => "min_total_participants",
            Fact::Objectivity { .. } => "objectivity",
            Fact::ClusterRule { .. } => "cluster.rule",
            Fact::ClusterKmeans { .. } => "cluster.kmeans",
            Fact::Settlement(_) => "settlement",
            Fact::Deficit { .. } | Fact::DeficitUnknown { .. } => "deficit",
            Fact::Context { .. } => "context",
            Fact::PerGroup { .. } => "per_group",
            Fact::PerMunicipality { .. } => "per_municipality",
            Fact::Total { .. } => "total",
        }
    }

    /// The rule's outcome in the JSON contract (`outcome`), without building its numbers.
    pub fn outcome(&self) -> &'static str {
        match self {
            Fact::KindUnknown => "regular",
            Fact::TooSmall { .. } => "too_small",
            Fact::NoMarks { .. } => "no_data",
            Fact::RiskA { outcome, .. } | Fact::RiskB { outcome, .. } => fired(*outcome),
            Fact::RiskCombine { outcome, .. } | Fact::Bottom { outcome, .. } => candidate(*outcome),
            Fact::ExcludedKind { .. } => "excluded",
            Fact::MinTotal { outcome, .. } => {
                if *outcome {
                    "passed"
                } else {
                    "excluded"
                }
            }
            Fact::Objectivity { policy, .. } => {
                if *policy == ObjectivityPolicy::Exclude {
                    "excluded"
                } else {
                    "flagged"
                }
            }
            Fact::ClusterRule { cluster, .. } | Fact::ClusterKmeans { cluster, .. } => {
                cluster.label()
            }
            Fact::Settlement(Settlement::Unknown) => "unknown",
            Fact::Settlement(s) => s.label(),
            Fact::Deficit { deficit, .. } => deficit.label(),
            Fact::DeficitUnknown { .. } => "unknown",
            Fact::Context { shnsu, .. } => match shnsu {
                Some(true) => "shnsu",
                Some(false) => "not_shnsu",
                None => "unknown",
            },
            Fact::PerGroup { picked, .. } => {
                if *picked {
                    "picked"
                } else {
                    "not_picked"
                }
            }
            Fact::PerMunicipality { .. } | Fact::Total { .. } => "capped",
        }
    }

    /// (numbers, threshold) of the JSON contract: what the rule saw (shares as fractions rounded
    /// to 6 decimals) and the config values it applied. Built only where JSON is written.
    fn numbers(&self) -> (Value, Value) {
        match self {
            Fact::KindUnknown
            | Fact::TooSmall { .. }
            | Fact::NoMarks { .. }
            | Fact::RiskA { .. }
            | Fact::RiskB { .. }
            | Fact::RiskCombine { .. }
            | Fact::Bottom { .. }
            | Fact::ExcludedKind { .. } => self.screen_numbers(),
            Fact::MinTotal { .. }
            | Fact::Objectivity { .. }
            | Fact::ClusterRule { .. }
            | Fact::ClusterKmeans { .. }
            | Fact::Settlement(_)
            | Fact::Deficit { .. }
            | Fact::DeficitUnknown { .. }
            | Fact::Context { .. } => self.classify_numbers(),
            Fact::PerGroup { .. } | Fact::PerMunicipality { .. } | Fact::Total { .. } => {
                self.pick_numbers()
            }
        }
    }

    /// [`Fact::numbers`] of the stage-1 facts (the screen: kind, sizes, rules A and B, `bottom`).
    fn screen_numbers(&self) -> (Value, Value) {
        match self {
            Fact::KindUnknown => (json!({"kind": null}), json!(null)),
            Fact::TooSmall {
                min_participants,
                procedures,
            } => (
                json!({"procedures": procedures.len(), "max_participants": procedures.iter().map(|p| p.1).max()}),
                json!(min_participants),
            ),
            Fact::NoMarks { .. } => (json!({}), json!(null)),
            Fact::RiskA {
                year,
                threshold,
                min_procedures,
                procedures,
                fired: f,
                ..
            } => (
                json!({
                    "year": year,
                    "procedures": procedures.len(),
                    "fired": f.len(),
                    "shares": procedures.iter().map(|p| json!({"procedure": p.procedure, "participants": p.participants, "share2": r6(p.share2)})).collect::<Vec<_>>(),
                }),
                json!({"threshold": threshold, "min_procedures": min_procedures}),
            ),
            Fact::RiskB {
                year,
                threshold,
                both,
                ..
            } => (
                json!({
                    "years": [year - 1, year],
                    "procedures": both.iter().map(|(p, prev, cur)| json!({"procedure": p, "share2_prev": r6(*prev), "share2": r6(*cur)})).collect::<Vec<_>>(),
                }),
                json!({"threshold": threshold}),
            ),
            Fact::RiskCombine { a, b, combine, .. } => (json!({"A": a, "B": b}), json!(combine)),
            Fact::Bottom {
                years,
                bottom_share,
                k,
                n,
                low_years,
                ..
            } => (
                json!({"years": years.iter().map(|y| y.year).collect::<Vec<_>>(), "low_years": low_years}),
                json!({"bottom_share": bottom_share, "k": k, "n": n}),
            ),
            Fact::ExcludedKind {
                stratum,
                exclude_kinds,
            } => (json!({"kind": stratum}), json!(exclude_kinds)),
            _ => (json!({}), json!(null)),
        }
    }

    /// [`Fact::numbers`] of the stage-2 facts (confirm and classify: window total, objectivity,
    /// cluster, settlement, deficit, context).
    fn classify_numbers(&self) -> (Value, Value) {
        match self {
            Fact::MinTotal {
                participants,
                window,
                min_total,
                ..
            } => (
                json!({"participants": participants, "window": window}),
                json!(min_total),
            ),
            Fact::Objectivity { flags, policy, .. } => (json!({"flags": flags}), json!(policy)),
            Fact::ClusterRule {
                share2,
                n2,
                participants,
                quality,
                ci,
                strong,
                moderate,
                ..
            } => (
                json!({"share2": r6(*share2), "n2": n2, "participants": participants, "quality": quality, "ci": ci}),
                json!({"strong": strong, "moderate": moderate}),
            ),
            Fact::ClusterKmeans {
                z_share2,
                z_quality,
                cluster_mean_share2,
                seed,
                ..
            } => (
                json!({"z_share2": r6(*z_share2), "z_quality": r6(*z_quality), "cluster_mean_share2": r6(*cluster_mean_share2)}),
                json!({"k": 3, "seed": seed}),
            ),
            Fact::Settlement(Settlement::Unknown) => (json!({"settlement": null}), json!(null)),
            Fact::Settlement(s) => (json!({"settlement": s}), json!(null)),
            Fact::Deficit { score, tie, .. } => (
                json!({"source": score.source, "staffing": r6(score.staffing), "infrastructure": r6(score.infrastructure), "profile_year": score.year}),
                json!({"tie": tie}),
            ),
            Fact::DeficitUnknown { source } => (json!({"source": null}), json!(source)),
            Fact::Context {
                index,
                index_group,
                shnsu,
                residual,
                labels,
                shnsu_groups,
                residual_sd,
            } => (
                json!({"index": index, "index_group": index_group, "shnsu": shnsu, "residual": residual, "labels": labels}),
                json!({"shnsu_groups": shnsu_groups, "residual_sd": residual_sd}),
            ),
            _ => (json!({}), json!(null)),
        }
    }

    /// [`Fact::numbers`] of the stage-3 facts (group rank and the caps); `numbers` routes each fact
    /// to its stage, so the last arm (another stage's fact) is never met.
    fn pick_numbers(&self) -> (Value, Value) {
        match self {
            Fact::PerGroup {
                group,
                rank,
                of,
                per_group,
                ..
            } => (
                json!({"group": group, "rank": rank, "of": of}),
                json!(per_group),
            ),
            Fact::PerMunicipality { rank, cap } => {
                (json!({"rank_in_municipality": rank}), json!(cap))
            }
            Fact::Total { rank, cap } => (json!({"rank_overall": rank}), json!(cap)),
            _ => (json!({}), json!(null)),
        }
    }
}

impl LedgerEntry {
    /// The rule's name (`rule` of the JSON contract).
    pub fn rule(&self) -> &'static str {
        self.fact.rule()
    }

    /// The rule's outcome (`outcome` of the JSON contract).
    pub fn outcome(&self) -> &'static str {
        self.fact.outcome()
    }

    /// (numbers, threshold) of the JSON contract, built on each call: `numbers` is always an
    /// object (a bare value is wrapped as `{"value": …}`).
    pub fn numbers(&self) -> (Map<String, Value>, Value) {
        let (numbers, threshold) = self.fact.numbers();
        let numbers = match numbers {
            Value::Object(m) => m,
            other => Map::from_iter([("value".to_string(), other)]),
        };
        (numbers, threshold)
    }

    /// The same in words (Russian), rendered by `narrative` on each call.
    pub fn text(&self) -> String {
        crate::narrative::text(&self.fact)
    }

    /// The rule and its outcome in a few Russian words (`narrative::short`) for table cells;
    /// not in JSON, which keeps `rule` and `outcome`.
    pub fn short(&self) -> (&'static str, String) {
        crate::narrative::short(&self.fact)
    }
}

impl Ledger {
    /// Record a fact met at a stage.
    pub fn note(&mut self, stage: u8, fact: Fact) {
        self.0.push(LedgerEntry { stage, fact });
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
