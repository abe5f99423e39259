//! School kind → comparison stratum, settlement and the prevailing deficit.
use crate::config::Config;
use crate::model::domain::Stratum;
use crate::model::schema::col as k;
use crate::model::Kind;
use polars::prelude::DataFrame;
use std::collections::BTreeMap;

/// What tells a school's kind (a `schools` frame row's `kind`, `ovz_flag`, `advanced_flag`,
/// `login`, `settlement`, `enrollment`).
#[derive(Debug, Clone, Copy, Default)]
pub struct KindFacts<'a> {
    /// Explicit kind from a registry.
    pub kind: Option<Kind>,
    pub ovz_flag: bool,
    pub advanced_flag: bool,
    pub login: &'a str,
    /// «город» or «село».
    pub settlement: Option<&'a str>,
    /// Pupils.
    pub enrollment: Option<f64>,
}

/// All kinds a school qualifies for (explicit registry kind, context-form flags, size).
pub fn kinds_of(s: &KindFacts, cfg: &Config) -> Vec<Kind> {
    let mut k = Vec::new();
    if let Some(x) = s.kind {
        k.push(x);
    }
    if s.ovz_flag || s.login.starts_with("ksh") {
        k.push(Kind::Ovz);
    }
    if s.advanced_flag {
        k.push(Kind::Advanced);
    }
    if s.settlement == Some("село")
        && s.enrollment
            .is_some_and(|e| e <= cfg.kinds.small_rural_max_enrollment)
    {
        k.push(Kind::SmallRural);
    }
    k
}

/// The stratum of a school kind.
pub fn stratum_of(k: Kind) -> Stratum {
    match k {
        Kind::Regular => Stratum::Regular,
        Kind::Advanced => Stratum::Advanced,
        Kind::SmallRural => Stratum::SmallRural,
        Kind::Ovz => Stratum::Ovz,
        Kind::Evening => Stratum::Evening,
    }
}

/// (stratum, known): the first of `stage1.strata` the school qualifies for; evening is its own;
/// regular otherwise. `known` is false when nothing about the school's kind is known.
pub fn stratum(s: Option<&KindFacts>, cfg: &Config) -> (Stratum, bool) {
    let Some(s) = s else {
        return (Stratum::Regular, false);
    };
    let kinds: Vec<Stratum> = kinds_of(s, cfg).into_iter().map(stratum_of).collect();
    if kinds.contains(&Stratum::Evening) {
        return (Stratum::Evening, true);
    }
    if let Some(st) = cfg.stage1.strata.iter().find(|st| kinds.contains(st)) {
        return (*st, true);
    }
    let known = s.kind.is_some() || s.settlement.is_some() || s.enrollment.is_some();
    (Stratum::Regular, known)
}

/// [`stratum`] of every row of a frame with the `schools` columns (`schema::schools`); a row
/// whose `school_id` has no registry row (null `login`, as a left join leaves it) is regular, its
/// kind unknown.
///
/// Errors: a column missing or of another dtype (a bug).
pub fn strata_of(schools: &DataFrame, cfg: &Config) -> anyhow::Result<Vec<(Stratum, bool)>> {
    let c = KindColumns::new(schools)?;
    Ok((0..schools.height())
        .map(|i| stratum(c.at(i).as_ref(), cfg))
        .collect())
}

/// The columns of a frame with the `schools` columns that tell a school's kind.
pub struct KindColumns<'a> {
    login: &'a polars::prelude::StringChunked,
    settlement: &'a polars::prelude::StringChunked,
    kind: &'a polars::prelude::StringChunked,
    ovz: &'a polars::prelude::BooleanChunked,
    advanced: &'a polars::prelude::BooleanChunked,
    enrollment: &'a polars::prelude::Float64Chunked,
}

impl<'a> KindColumns<'a> {
    /// Errors: a column missing or of another dtype (a bug).
    pub fn new(schools: &'a DataFrame) -> anyhow::Result<Self> {
        let text = |n: &str| schools.column(n).and_then(|c| c.str());
        let flag = |n: &str| schools.column(n).and_then(|c| c.bool());
        Ok(KindColumns {
            login: text(k::LOGIN)?,
            settlement: text(k::SETTLEMENT)?,
            kind: text(k::KIND)?,
            ovz: flag(k::OVZ_FLAG)?,
            advanced: flag(k::ADVANCED_FLAG)?,
            enrollment: schools.column(k::ENROLLMENT)?.f64()?,
        })
    }
    /// Row `i`'s facts; none for a row without a registry row (null `login`).
    pub fn at(&self, i: usize) -> Option<KindFacts<'a>> {
        Some(KindFacts {
            login: self.login.get(i)?,
            kind: self.kind.get(i).and_then(crate::model::schools::kind),
            ovz_flag: self.ovz.get(i).unwrap_or(false),
            advanced_flag: self.advanced.get(i).unwrap_or(false),
            settlement: self.settlement.get(i),
            enrollment: self.enrollment.get(i),
        })
    }
}

pub const STAFFING: [&str; 2] = [
    "Дефицит педагогических кадров",
    "Недостаточная предметная и методическая компетентность педагогических работников",
];
pub const INFRA: &str = "Низкий уровень оснащения школы";

#[derive(Debug, Clone, PartialEq)]
pub struct DeficitScore {
    pub source: &'static str,
    pub staffing: f64,
    pub infrastructure: f64,
    pub year: Option<i32>,
}

/// Risk-profile scores from the school's year-Y profile, else its newest earlier one
/// (`profiles` of the context: `profiles::ProfileIndex`).
pub fn deficit_from_profile(
    profiles: &super::profiles::ProfileIndex,
    sid: &str,
) -> Option<DeficitScore> {
    let (y, levels) = &profiles.of(sid)?;
    let st: Vec<f64> = STAFFING
        .iter()
        .filter_map(|f| levels.get(*f).map(|l| *l as f64))
        .collect();
    let inf = levels.get(INFRA).map(|l| *l as f64);
    if st.is_empty() || inf.is_none() {
        return None;
    }
    Some(DeficitScore {
        source: "risk_profile",
        staffing: st.iter().sum::<f64>() / st.len() as f64,
        infrastructure: inf.unwrap(),
        year: Some(*y),
    })
}

/// Staffing indicators and their orientation (+1: higher is a deeper deficit); the last is the 2021
/// context form's (docs/METHOD.md «Deficit»).
const REG_STAFF: [(&str, f64); 4] = [
    ("vacancy_share", 1.0),
    ("no_ped_ed_share", 1.0),
    ("teachers_65plus_share", 1.0),
    ("teachers_pension_share", 1.0),
];
/// Equipment indicators and their orientation (−1: higher is better equipped); the last three are
/// the 2021 context form's.
const REG_INFRA: [(&str, f64); 6] = [
    ("pupils_per_computer", 1.0),
    ("internet_mbps", -1.0),
    ("equipped_rooms_share", -1.0),
    ("obsolete_computers_share", 1.0),
    ("teacher_pc_rooms_share", -1.0),
    ("internet_band", -1.0),
];

/// Population z-scores of registry indicators over all registry schools (higher = worse).
#[derive(Clone)]
pub struct RegistryZ {
    stats: BTreeMap<&'static str, (f64, f64)>,
}

impl RegistryZ {
    /// The z-scores' means and deviations over the schools of a `schools` frame.
    pub fn new(schools: &DataFrame) -> RegistryZ {
        let mut stats = BTreeMap::new();
        // each indicator's column of the `schools` frame, its schools in id order
        let values = |k: &str| -> Vec<f64> {
            schools
                .column(k)
                .and_then(|c| c.f64().map(|v| v.iter().flatten().collect()))
                .unwrap_or_default()
        };
        for (k, _) in REG_STAFF.iter().chain(REG_INFRA.iter()) {
            let v = values(k);
            if v.len() < 2 {
                continue;
            }
            let m = v.iter().sum::<f64>() / v.len() as f64;
            let sd = (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / v.len() as f64).sqrt();
            if sd > 0.0 {
                stats.insert(*k, (m, sd));
            }
        }
        RegistryZ { stats }
    }

    /// The indicator columns whose z-scores these are (those of the frame it was made of with a
    /// spread of values): all that [`RegistryZ::scores`] reads of a frame.
    pub fn columns(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.stats.keys().copied()
    }

    /// The registry deficit scores of every row of a frame with the `schools` indicator columns:
    /// each side the mean of its indicators' oriented z-scores the row has; none when a side has
    /// none.
    ///
    /// Errors: an indicator column missing or not `Float64` (a bug).
    pub fn scores(&self, schools: &DataFrame) -> anyhow::Result<Vec<Option<DeficitScore>>> {
        let column = |list: &[(&'static str, f64)]| -> anyhow::Result<Vec<_>> {
            list.iter()
                .filter_map(|(k, dir)| Some((self.stats.get(k)?, *dir, *k)))
                .map(|(&(m, sd), dir, k)| Ok((schools.column(k)?.f64()?, m, sd, dir)))
                .collect()
        };
        let (staff, infra) = (column(&REG_STAFF)?, column(&REG_INFRA)?);
        let side = |cols: &[(&polars::prelude::Float64Chunked, f64, f64, f64)], i: usize| {
            let z: Vec<f64> = cols
                .iter()
                .filter_map(|(c, m, sd, dir)| c.get(i).map(|v| dir * (v - m) / sd))
                .collect();
            (!z.is_empty()).then(|| z.iter().sum::<f64>() / z.len() as f64)
        };
        Ok((0..schools.height())
            .map(|i| {
                Some(DeficitScore {
                    source: "registry",
                    staffing: side(&staff, i)?,
                    infrastructure: side(&infra, i)?,
                    year: None,
                })
            })
            .collect())
    }
}
