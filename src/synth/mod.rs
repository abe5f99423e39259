//! `shnor synth`: a deterministic synthetic region in the real export shapes, with planted
//! low-result (strong / moderate / basic), resilient, inflated-result, tiny and evening schools.
use crate::input::scales::{Scale, Scales};
use crate::output::write_atomic;
use anyhow::Result;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use statrs::distribution::{ContinuousCDF, Normal};
use std::fmt::Write as _;
use std::path::Path;

mod folder;
mod pupils;
mod registry;
mod schools;
mod tables;
use pupils::write_pupils;
pub use schools::make_schools;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Regular,
    Strong,
    Moderate,
    Basic,
    Resilient,
    Inflated,
    Tiny,
    Evening,
    /// Strongly low in the first year only: selected then, and exits the list later.
    Improving,
    /// Regular in the first year, strongly low from the second on: enters the list.
    Declining,
}

impl Role {
    /// Roles planted with low results in some year (their context and risk profiles are drawn worse).
    fn is_low(self) -> bool {
        matches!(
            self,
            Role::Strong
                | Role::Moderate
                | Role::Basic
                | Role::Evening
                | Role::Improving
                | Role::Declining
        )
    }
}

impl Role {
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Regular => "regular",
            Role::Strong => "strong",
            Role::Moderate => "moderate",
            Role::Basic => "basic",
            Role::Resilient => "resilient",
            Role::Inflated => "inflated",
            Role::Tiny => "tiny",
            Role::Evening => "evening",
            Role::Improving => "improving",
            Role::Declining => "declining",
        }
    }
}

pub struct School {
    pub digits: String,
    pub name: String,
    pub municipality: usize,
    pub village: bool,
    pub kind: &'static str,
    pub enrollment: u32,
    pub role: Role,
    /// Planted prevailing deficit for low-result schools: true = кадровые.
    pub staffing_deficit: bool,
    /// Latent social context, higher = more favourable.
    pub context: f64,
    pub gia_code: String,
}

pub struct Spec {
    pub seed: u64,
    pub schools: usize,
    pub years: (i32, i32),
    /// Only the flat marks table (national scale), plus registry and risk profiles.
    pub flat_only: bool,
    /// Every ВПР procedure as a per-pupil xlsx (10 per year), no flat table.
    pub all_pupils: bool,
    /// A region's ВПР folder as downloaded: 40 per-pupil xlsx a year, the 2021 context form and a
    /// directory; no registry, risk profiles or flat tables (`folder`).
    pub vpr_folder: bool,
}

fn dative(subject: &str) -> &'static str {
    match subject {
        "русский язык" => "русскому языку",
        "окружающий мир" => "окружающему миру",
        _ => "математике",
    }
}

const MUNICIPALITIES: &[&str] = &[
    "город Заречный",
    "Берёзовский муниципальный район",
    "Озёрный муниципальный район",
    "город Каменск",
    "Сосновский муниципальный район",
    "Луговской муниципальный район",
    "Кедровый муниципальный район",
    "город Северск-на-Оби",
];

/// The scale of the flat tables and of national procedures with none listed: 20 points with the
/// 2021 bands of ВПР математика 4 класс («3» from 6, «4» from 10, «5» from 15).
const GENERIC_SCALE: Scale = Scale {
    max_score: 20,
    min3: 6,
    min4: 10,
    min5: 15,
};

/// Procedures of the per-pupil files and of the flat table.
const PUPIL_PROCS: &[(i32, &str, &str, Scale)] = &[
    (
        4,
        "математика",
        "математике",
        Scale {
            max_score: 20,
            min3: 6,
            min4: 10,
            min5: 15,
        },
    ),
    (
        4,
        "русский язык",
        "русскому языку",
        Scale {
            max_score: 38,
            min3: 14,
            min4: 24,
            min5: 33,
        },
    ),
];
const FLAT_PROCS: &[(i32, &str)] = &[
    (5, "математика"),
    (5, "русский язык"),
    (6, "математика"),
    (6, "русский язык"),
];
/// In the order national exports list them (grade, then subject).
const NATIONAL_PROCS: &[(i32, &str)] = &[
    (4, "математика"),
    (4, "окружающий мир"),
    (4, "русский язык"),
    (5, "математика"),
    (5, "русский язык"),
    (6, "математика"),
    (6, "русский язык"),
    (7, "математика"),
    (7, "русский язык"),
    (8, "математика"),
];

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    // Box–Muller
    let u1: f64 = rng.random::<f64>().max(1e-12);
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// Target share of «2» by role (planted truth).
/// `fail_proc`: the procedures where moderate and basic schools fail (grade 4); elsewhere
/// moderate schools sit at 12 % and basic ones clear the minimum, so their pooled shares land
/// in their clusters.
fn target_share2(role: Role, fail_proc: bool) -> f64 {
    match role {
        Role::Strong | Role::Evening => 0.42,
        Role::Improving | Role::Declining => 0.55,
        Role::Moderate => {
            if fail_proc {
                0.45
            } else {
                0.12
            }
        }
        Role::Basic => {
            if fail_proc {
                0.45
            } else {
                0.01
            }
        }
        Role::Resilient => 0.01,
        Role::Inflated => 0.03,
        Role::Tiny => 0.10,
        Role::Regular => 0.04,
    }
}

fn login(s: &School, year: i32) -> String {
    if year <= 2021 {
        format!("sch{}", s.digits)
    } else {
        format!("edu{}", s.digits)
    }
}

/// Latent mean so that P(total < min3) = share2 under the score model below.
fn mu_for(share2: f64, scale: &Scale) -> f64 {
    let n = Normal::new(0.0, 1.0).unwrap();
    let cut = scale.min3 as f64 / (scale.max_score as f64 + 1.0);
    n.inverse_cdf(cut) - n.inverse_cdf(share2.clamp(0.001, 0.999))
}

fn draw_total(rng: &mut ChaCha8Rng, mu: f64, scale: &Scale) -> i32 {
    let n = Normal::new(0.0, 1.0).unwrap();
    let u = mu + normal(rng);
    ((n.cdf(u) * (scale.max_score as f64 + 1.0)).floor() as i32).min(scale.max_score)
}

fn cohort(s: &School, rng: &mut ChaCha8Rng) -> usize {
    match s.role {
        Role::Tiny => 3,
        _ => ((s.enrollment as f64 / 11.0) * (0.8 + 0.4 * rng.random::<f64>()))
            .round()
            .max(4.0) as usize,
    }
}

fn school_share2(
    s: &School,
    year: i32,
    first_year: i32,
    fail_proc: bool,
    rng: &mut ChaCha8Rng,
) -> f64 {
    let base = target_share2(s.role, fail_proc);
    let ctx = if s.role == Role::Regular {
        (-0.012 * s.context).max(-0.02)
    } else {
        0.0
    };
    // planted low schools are low in every year, but improving (first year only) and declining (from
    // the second year on); regular schools vary a little
    let base = match s.role {
        Role::Improving if year != first_year => 0.03,
        Role::Declining if year == first_year => 0.03,
        _ => base,
    };
    (base + ctx + 0.01 * normal(rng)).clamp(0.0, 0.95)
}

/// Write the region into `out`. Returns the list of files written.
pub fn write(spec: &Spec, out: &Path) -> Result<Vec<String>> {
    std::fs::create_dir_all(out).map_err(|e| {
        crate::error::internal(format!("--out {}: cannot create ({e})", out.display()))
    })?;
    let mut schools = make_schools(spec);
    // written in login order, as exports are (regions 99, 98, … at national scale)
    schools.sort_by(|a, b| a.digits.cmp(&b.digits));
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed ^ 0x5EED);
    let mut files = Vec::new();
    let years: Vec<i32> = (spec.years.0..=spec.years.1).collect();
    if !spec.flat_only {
        let procs = pupil_procedures(spec);
        let builtin = Scales::builtin();
        files.push(write_scales(spec, &builtin, &procs, &years, out)?);
        let pupil_files = write_pupil_files(&schools, &builtin, &procs, &years, &mut rng, out)?;
        files.extend(pupil_files);
    }
    files.extend(tables::write_flat_table(
        spec, &schools, &years, &mut rng, out,
    )?);
    let last = *years.last().unwrap();
    if spec.vpr_folder {
        files.extend(folder::write_context(&schools, last, &mut rng, out)?);
    } else {
        files.push(registry::write_registry(&schools, last, &mut rng, out)?);
        files.push(registry::write_risk_profiles(
            &schools, &years, &mut rng, out,
        )?);
        if !spec.flat_only {
            files.extend(tables::write_oge_tables(&schools, &years, &mut rng, out)?);
        }
    }
    files.push(write_planted(spec, &schools, out)?);
    Ok(files)
}

/// A per-pupil procedure: grade, subject, the subject in the dative (as file names say it) and
/// the scale it is drawn on.
type PupilProc = (i32, &'static str, &'static str, Scale);

/// The per-pupil procedures: the downloaded folder's (`--vpr-folder`), every national one
/// (`--all-per-pupil`; those not in [`PUPIL_PROCS`] on [`GENERIC_SCALE`]), else [`PUPIL_PROCS`].
fn pupil_procedures(spec: &Spec) -> Vec<PupilProc> {
    if spec.vpr_folder {
        folder::procedures()
    } else if spec.all_pupils {
        NATIONAL_PROCS
            .iter()
            .map(|(g, subj)| {
                let known = PUPIL_PROCS
                    .iter()
                    .find(|p| p.0 == *g && p.1 == *subj)
                    .map(|p| p.3);
                (*g, *subj, dative(subj), known.unwrap_or(GENERIC_SCALE))
            })
            .collect()
    } else {
        PUPIL_PROCS.to_vec()
    }
}

/// A year's published ВПР scale where shnor has one built in, else the procedure list's (the
/// 2021 bands).
fn year_scale(builtin: &Scales, year: i32, grade: i32, subject: &str, listed: &Scale) -> Scale {
    builtin.get("ВПР", year, grade, subject).unwrap_or(*listed)
}

/// Write `scales.csv` (assessment, year, grade, subject, max_score, min3, min4, min5): the scale
/// of each per-pupil procedure in each year; in a ВПР folder only the procedures
/// [`folder::has_scale`] admits. Its file name.
fn write_scales(
    spec: &Spec,
    builtin: &Scales,
    procs: &[PupilProc],
    years: &[i32],
    out: &Path,
) -> Result<String> {
    let mut sc = String::from("assessment,year,grade,subject,max_score,min3,min4,min5\n");
    for &y in years {
        for (g, subj, _, s) in procs {
            if spec.vpr_folder && !folder::has_scale(*g, subj) {
                continue;
            }
            let s = year_scale(builtin, y, *g, subj, s);
            writeln!(
                sc,
                "ВПР,{y},{g},{subj},{},{},{},{}",
                s.max_score, s.min3, s.min4, s.min5
            )?;
        }
    }
    write_atomic(&out.join("scales.csv"), sc.as_bytes())?;
    Ok("scales.csv".into())
}

/// Write the per-pupil xlsx in the 2021 layout, one per year and procedure («Проведение работы
/// по математике, 4 класс. ВПР 2023.xlsx»); the first year's математика holds one planted
/// invalid total. Their file names.
fn write_pupil_files(
    schools: &[School],
    builtin: &Scales,
    procs: &[PupilProc],
    years: &[i32],
    rng: &mut ChaCha8Rng,
    out: &Path,
) -> Result<Vec<String>> {
    let mut files = Vec::new();
    for &y in years {
        for (g, subj, dative, scale) in procs {
            let name = format!("Проведение работы по {dative}, {g} класс. ВПР {y}.xlsx");
            write_pupils(
                schools,
                (y, years[0]),
                *g,
                subj,
                &year_scale(builtin, y, *g, subj, scale),
                rng,
                &out.join(&name),
                y == years[0] && *subj == "математика",
            )?;
            files.push(name);
        }
    }
    Ok(files)
}

/// Write `planted.json`, the planted truth for tests and for the curious: the seed and each
/// school's login, role, settlement, deficit, kind, municipality and municipality code. Its file
/// name.
fn write_planted(spec: &Spec, schools: &[School], out: &Path) -> Result<String> {
    let mun_code = |m: usize| format!("reg99_m{:03}", m + 1);
    let mut truth = String::from("{\n  \"seed\": ");
    write!(truth, "{},\n  \"schools\": [\n", spec.seed)?;
    for (i, s) in schools.iter().enumerate() {
        writeln!(
            truth,
            "    {{\"login\": \"edu{}\", \"role\": \"{}\", \"settlement\": \"{}\", \"deficit\": \"{}\", \"kind\": \"{}\", \"municipality\": \"{}\", \"municipality_code\": \"{}\"}}{}",
            s.digits,
            s.role.as_str(),
            if s.village { "село" } else { "город" },
            if s.staffing_deficit { "кадровые" } else { "инфраструктурные" },
            s.kind,
            MUNICIPALITIES[s.municipality],
            mun_code(s.municipality),
            if i + 1 < schools.len() { "," } else { "" }
        )?;
    }
    truth.push_str("  ]\n}\n");
    write_atomic(&out.join("planted.json"), truth.as_bytes())?;
    Ok("planted.json".into())
}
