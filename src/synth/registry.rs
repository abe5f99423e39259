//! The registry (context table) and the risk profiles, drawn from each school's latent context
//! and, for low-result schools, their planted prevailing deficit.
use super::{login, normal, Role, School, MUNICIPALITIES};
use crate::model::RISK_FACTORS;
use crate::output::write_atomic;
use anyhow::Result;
use rand_chacha::ChaCha8Rng;
use std::fmt::Write as _;
use std::path::Path;

const REGISTRY_HEAD: &str = "login;name;municipality;settlement;kind;enrollment;gia_code;parents_higher_ed;single_parent;low_income;at_risk_register;non_native;ovz_share;unemployed_parents;large_family;vacancy_share;no_ped_ed_share;teachers_65plus_share;pupils_per_computer;internet_mbps;equipped_rooms_share\n";

/// Write `registry.csv` (`;`, the columns of [`REGISTRY_HEAD`]), logins as of the `last` year;
/// the first resilient school misses `at_risk_register` on purpose (the coverage rule). Its file
/// name.
pub(super) fn write_registry(
    schools: &[School],
    last: i32,
    rng: &mut ChaCha8Rng,
    out: &Path,
) -> Result<String> {
    let mut reg = String::from(REGISTRY_HEAD);
    let mut missing_planted = false;
    for s in schools {
        let ind = draw_indicators(s, rng);
        let mut cells: Vec<String> = ind.shares.iter().map(|v| format!("{v:.3}")).collect();
        // one resilient school misses an indicator on purpose (coverage rule)
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
            ind.pupils_per_computer,
            ind.internet_mbps,
            ind.equipped_rooms
        )?;
    }
    write_atomic(&out.join("registry.csv"), reg.as_bytes())?;
    Ok("registry.csv".into())
}

/// A school's context indicators as the registry gives them.
struct Indicators {
    /// Fractions, `parents_higher_ed` … `teachers_65plus_share` in the registry's order.
    shares: [f64; 11],
    pupils_per_computer: f64,
    internet_mbps: f64,
    /// Fraction.
    equipped_rooms: f64,
}

/// Draw a school's indicators around its latent context (higher = more favourable); a
/// low-result school's planted deficit shows as bad staffing (vacancies, no pedagogical
/// education, teachers 65+) or as bad equipment (pupils per computer, internet, rooms).
fn draw_indicators(s: &School, rng: &mut ChaCha8Rng) -> Indicators {
    let c = s.context;
    let sh = |base: f64, slope: f64, rng: &mut ChaCha8Rng| {
        (base + slope * c + 0.03 * normal(rng)).clamp(0.0, 1.0)
    };
    let (staff_bad, infra_bad) = if s.role.is_low() {
        (s.staffing_deficit, !s.staffing_deficit)
    } else {
        (false, false)
    };
    let staff = |bad: f64, base: f64, rng: &mut ChaCha8Rng| {
        if staff_bad {
            bad
        } else {
            sh(base, 0.0, rng)
        }
    };
    let shares = [
        sh(0.30, 0.10, rng),
        sh(0.22, -0.05, rng),
        sh(0.18, -0.07, rng),
        sh(0.03, -0.015, rng),
        sh(0.05, -0.02, rng),
        sh(0.04, -0.01, rng),
        sh(0.08, -0.04, rng),
        sh(0.15, -0.04, rng),
        staff(0.25, 0.05, rng),
        staff(0.30, 0.08, rng),
        staff(0.20, 0.06, rng),
    ];
    if infra_bad {
        return Indicators {
            shares,
            pupils_per_computer: 25.0,
            internet_mbps: 2.0,
            equipped_rooms: 0.3,
        };
    }
    Indicators {
        shares,
        pupils_per_computer: (8.0 + 2.0 * normal(rng)).max(2.0),
        internet_mbps: (50.0 + 15.0 * normal(rng)).max(5.0),
        equipped_rooms: sh(0.85, 0.0, rng),
    }
}

/// Write `risk_profiles.csv` (long form: Логин, Год, Фактор риска, Уровень), one profile of the
/// ten [`RISK_FACTORS`] per school and year. Its file name.
pub(super) fn write_risk_profiles(
    schools: &[School],
    years: &[i32],
    rng: &mut ChaCha8Rng,
    out: &Path,
) -> Result<String> {
    let mut risk = String::from("Логин,Год,Фактор риска,Уровень\n");
    let lv = crate::model::RISK_LEVELS;
    for &y in years {
        for s in schools {
            for (fi, f) in RISK_FACTORS.iter().enumerate() {
                let level = risk_level(s, fi, rng);
                writeln!(risk, "{},{y},{f},{}", login(s, y), lv[level])?;
            }
        }
    }
    write_atomic(&out.join("risk_profiles.csv"), risk.as_bytes())?;
    Ok("risk_profiles.csv".into())
}

/// A school's level (0 низкий, 1 средний, 2 высокий) of the risk factor at `factor` in
/// [`RISK_FACTORS`]: a low-result school's planted deficit is high in the staffing factors (1, 2)
/// and low in equipment (0) when staffing, the reverse when infrastructural; other levels are
/// drawn around средний for low-result schools and nearer низкий for the rest.
fn risk_level(s: &School, factor: usize, rng: &mut ChaCha8Rng) -> usize {
    let low = s.role.is_low();
    let high_if = |b: bool| if b { 2 } else { 0 };
    if low && (factor == 1 || factor == 2) {
        high_if(s.staffing_deficit)
    } else if low && factor == 0 {
        high_if(!s.staffing_deficit)
    } else {
        let base = if low { 1.0 } else { 0.4 };
        ((base + 0.6 * normal(rng)).round().clamp(0.0, 2.0)) as usize
    }
}
