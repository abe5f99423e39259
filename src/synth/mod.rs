//! `shnor synth`: a deterministic synthetic region in the real export shapes, with planted
//! low-result (strong / moderate / basic), resilient, inflated-result, tiny and evening schools.
use crate::input::scales::{Scale, Scales};
use crate::model::RISK_FACTORS;
use crate::output::write_atomic;
use anyhow::Result;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use statrs::distribution::{ContinuousCDF, Normal};
use std::fmt::Write as _;
use std::path::Path;

mod folder;
mod pupils;
mod schools;
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
    std::fs::create_dir_all(out)?;
    let mut schools = make_schools(spec);
    // written in login order, as exports are (regions 99, 98, … at national scale)
    schools.sort_by(|a, b| a.digits.cmp(&b.digits));
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed ^ 0x5EED);
    let mut files = Vec::new();
    let years: Vec<i32> = (spec.years.0..=spec.years.1).collect();
    let mun_code = |m: usize| format!("reg99_m{:03}", m + 1);

    let generic = Scale {
        max_score: 20,
        min3: 6,
        min4: 10,
        min5: 15,
    };
    let pupil_procs: Vec<(i32, &str, &str, Scale)> = if spec.vpr_folder {
        folder::procedures()
    } else if spec.all_pupils {
        NATIONAL_PROCS
            .iter()
            .map(|(g, subj)| {
                let known = PUPIL_PROCS
                    .iter()
                    .find(|p| p.0 == *g && p.1 == *subj)
                    .map(|p| p.3);
                (*g, *subj, dative(subj), known.unwrap_or(generic))
            })
            .collect()
    } else {
        PUPIL_PROCS.to_vec()
    };
    if !spec.flat_only {
        // a year's published scale where shnor has one, else the list's (the 2021 bands)
        let builtin = Scales::builtin();
        let year_scale =
            |y: i32, g: i32, subj: &str, s: &Scale| builtin.get("ВПР", y, g, subj).unwrap_or(*s);
        let mut sc = String::from("assessment,year,grade,subject,max_score,min3,min4,min5\n");
        for &y in &years {
            for (g, subj, _, s) in &pupil_procs {
                if spec.vpr_folder && !folder::has_scale(*g, subj) {
                    continue;
                }
                let s = year_scale(y, *g, subj, s);
                writeln!(
                    sc,
                    "ВПР,{y},{g},{subj},{},{},{},{}",
                    s.max_score, s.min3, s.min4, s.min5
                )?;
            }
        }
        write_atomic(&out.join("scales.csv"), sc.as_bytes())?;
        files.push("scales.csv".into());
        // per-pupil xlsx in the 2021 layout
        for &y in &years {
            for (g, subj, dative, scale) in &pupil_procs {
                let name = format!("Проведение работы по {dative}, {g} класс. ВПР {y}.xlsx");
                write_pupils(
                    &schools,
                    (y, years[0]),
                    *g,
                    subj,
                    &year_scale(y, *g, subj, scale),
                    &mut rng,
                    &out.join(&name),
                    y == years[0] && *subj == "математика",
                )?;
                files.push(name);
            }
        }
    }
    // flat marks table (none when every procedure is per-pupil)
    let flat_procs: &[(i32, &str)] = if spec.flat_only {
        NATIONAL_PROCS
    } else if spec.all_pupils || spec.vpr_folder {
        &[]
    } else {
        FLAT_PROCS
    };
    let flat_scale = Scale {
        max_score: 20,
        min3: 6,
        min4: 10,
        min5: 15,
    };
    let mut flat = String::with_capacity(schools.len() * years.len() * flat_procs.len() * 90);
    if spec.flat_only {
        flat.push_str("Год,Класс,Предмет,Муниципалитет,Логин,ОО,Кол-во участников,2,3,4,5\n");
    } else {
        flat.push_str("Результаты ВПР по школам (проценты)\n");
        flat.push_str("Год;Класс;Предмет;Муниципалитет;Логин;ОО;Кол-во участников;2;3;4;5;\n");
    }
    for &y in &years {
        for s in &schools {
            for (g, subj) in flat_procs {
                let share2 = school_share2(s, y, years[0], spec.flat_only && *g == 4, &mut rng);
                let mu = mu_for(share2, &flat_scale);
                let n = cohort(s, &mut rng);
                let mut c = [0usize; 4];
                for _ in 0..n {
                    let t = draw_total(&mut rng, mu, &flat_scale);
                    c[flat_scale.mark(t) as usize - 2] += 1;
                }
                let mun = MUNICIPALITIES[s.municipality];
                if spec.flat_only {
                    writeln!(
                        flat,
                        "{y},{g},{subj},{mun},{},\"{}\",{n},{},{},{},{}",
                        login(s, y),
                        s.name.replace('"', "\"\""),
                        c[0],
                        c[1],
                        c[2],
                        c[3]
                    )?;
                } else {
                    // percents with a decimal comma, as re-saved by Russian Excel; the last one closes to 100
                    let p: Vec<f64> = c
                        .iter()
                        .map(|&x| (x as f64 * 1000.0 / n as f64).round() / 10.0)
                        .collect();
                    let p4 = ((100.0 - p[0] - p[1] - p[2]) * 10.0).round() / 10.0;
                    let f = |x: f64| format!("{x:.1}").replace('.', ",");
                    writeln!(
                        flat,
                        "{y};{g};{subj};{mun};{};\"{}\";{n};{};{};{};{};",
                        login(s, y),
                        s.name.replace('"', "\"\""),
                        f(p[0]),
                        f(p[1]),
                        f(p[2]),
                        f(p4)
                    )?;
                }
            }
        }
    }
    if spec.flat_only {
        write_atomic(&out.join("vpr_flat.csv"), flat.as_bytes())?;
        files.push("vpr_flat.csv".into());
    } else if !flat_procs.is_empty() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&flat);
        write_atomic(&out.join("ВПР_5-6_классы_по_школам.csv"), &bytes)?;
        files.push("ВПР_5-6_классы_по_школам.csv".into());
    }
    if spec.vpr_folder {
        let last = *years.last().unwrap();
        files.extend(folder::write_context(&schools, last, &mut rng, out)?);
    } else {
        // registry / context table
        let mut reg = String::from("login;name;municipality;settlement;kind;enrollment;gia_code;parents_higher_ed;single_parent;low_income;at_risk_register;non_native;ovz_share;unemployed_parents;large_family;vacancy_share;no_ped_ed_share;teachers_65plus_share;pupils_per_computer;internet_mbps;equipped_rooms_share\n");
        let last = *years.last().unwrap();
        let mut missing_planted = false;
        for s in &schools {
            let c = s.context;
            let sh = |base: f64, slope: f64, rng: &mut ChaCha8Rng| {
                (base + slope * c + 0.03 * normal(rng)).clamp(0.0, 1.0)
            };
            let low = s.role.is_low();
            let (staff_bad, infra_bad) = if low {
                (s.staffing_deficit, !s.staffing_deficit)
            } else {
                (false, false)
            };
            let vals = [
                sh(0.30, 0.10, &mut rng),
                sh(0.22, -0.05, &mut rng),
                sh(0.18, -0.07, &mut rng),
                sh(0.03, -0.015, &mut rng),
                sh(0.05, -0.02, &mut rng),
                sh(0.04, -0.01, &mut rng),
                sh(0.08, -0.04, &mut rng),
                sh(0.15, -0.04, &mut rng),
                if staff_bad {
                    0.25
                } else {
                    sh(0.05, 0.0, &mut rng)
                },
                if staff_bad {
                    0.30
                } else {
                    sh(0.08, 0.0, &mut rng)
                },
                if staff_bad {
                    0.20
                } else {
                    sh(0.06, 0.0, &mut rng)
                },
            ];
            let ppc = if infra_bad {
                25.0
            } else {
                (8.0 + 2.0 * normal(&mut rng)).max(2.0)
            };
            let net = if infra_bad {
                2.0
            } else {
                (50.0 + 15.0 * normal(&mut rng)).max(5.0)
            };
            let rooms = if infra_bad {
                0.3
            } else {
                sh(0.85, 0.0, &mut rng)
            };
            // one resilient school misses an indicator on purpose (coverage rule)
            let mut cells: Vec<String> = vals.iter().map(|v| format!("{v:.3}")).collect();
            if s.role == Role::Resilient && !missing_planted {
                cells[3] = String::new();
                missing_planted = true;
            }
            writeln!(
                reg,
                "{};{};{};{};{};{};{};{};{:.1};{:.1};{:.3}",
                login(s, last),
                s.name,
                MUNICIPALITIES[s.municipality],
                if s.village { "село" } else { "город" },
                s.kind,
                s.enrollment,
                s.gia_code,
                cells.join(";"),
                ppc,
                net,
                rooms
            )?;
        }
        write_atomic(&out.join("registry.csv"), reg.as_bytes())?;
        files.push("registry.csv".into());
        // risk profiles (long form), one per school and year
        let mut risk = String::from("Логин,Год,Фактор риска,Уровень\n");
        let lv = ["низкий", "средний", "высокий"];
        for &y in &years {
            for s in &schools {
                let low = s.role.is_low();
                for (fi, f) in RISK_FACTORS.iter().enumerate() {
                    let level = if low && (fi == 1 || fi == 2) {
                        if s.staffing_deficit {
                            2
                        } else {
                            0
                        }
                    } else if low && fi == 0 {
                        if s.staffing_deficit {
                            0
                        } else {
                            2
                        }
                    } else {
                        let base = if low { 1.0 } else { 0.4 };
                        ((base + 0.6 * normal(&mut rng)).round().clamp(0.0, 2.0)) as usize
                    };
                    writeln!(risk, "{},{y},{f},{}", login(s, y), lv[level])?;
                }
            }
        }
        write_atomic(&out.join("risk_profiles.csv"), risk.as_bytes())?;
        files.push("risk_profiles.csv".into());
        if !spec.flat_only {
            // ОГЭ per-school table, one per year, with ГИА codes bridged by the registry
            for &y in &years {
                let mut t = String::from("Код ОО;Наименование ОО;Количество участников;Средний балл;Доля не преодолевших минимальный порог;Доля получивших «5»\n");
                for s in schools
                    .iter()
                    .filter(|s| s.kind != "малокомплектная" && s.role != Role::Tiny)
                {
                    let share2 = school_share2(s, y, years[0], false, &mut rng);
                    let n = cohort(s, &mut rng);
                    let mu = mu_for(share2, &flat_scale);
                    let mut c = [0usize; 4];
                    let mut sum = 0;
                    for _ in 0..n {
                        let tot = draw_total(&mut rng, mu, &flat_scale);
                        sum += tot;
                        c[flat_scale.mark(tot) as usize - 2] += 1;
                    }
                    let code = if s.digits.ends_with('7') {
                        format!("00{}", s.gia_code)
                    } else {
                        s.gia_code.clone()
                    };
                    let f = |x: f64| format!("{x:.2}").replace('.', ",");
                    writeln!(
                        t,
                        "{code};{};{n};{};{};{}",
                        s.name,
                        f(sum as f64 / n as f64 * 1.5),
                        f(c[0] as f64 * 100.0 / n as f64),
                        f(c[3] as f64 * 100.0 / n as f64)
                    )?;
                }
                let name = format!("ОГЭ математика {y}.csv");
                write_atomic(&out.join(&name), t.as_bytes())?;
                files.push(name);
            }
        }
    }
    // planted truth, for tests and for the curious
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
    files.push("planted.json".into());
    Ok(files)
}
