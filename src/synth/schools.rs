//! The planted schools of a synthetic region: roles, settlement, deficit, kind, size, context.
use super::{normal, Role, School, Spec, MUNICIPALITIES};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The schools of `spec` (seeded by `spec.seed`): roles planted on shuffled positions
/// ([`plan`], [`assign_roles`]), then each school drawn in order ([`make_school`]).
pub fn make_schools(spec: &Spec) -> Vec<School> {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let n = spec.schools;
    let n_mun = (n / 15).clamp(3, MUNICIPALITIES.len()).min(n.max(1));
    let roles = assign_roles(n, plan(n), &mut rng);
    let mut counters = std::collections::HashMap::<Role, usize>::new();
    (0..n)
        .map(|i| {
            let role = roles[i];
            let c = counters.entry(role).or_default();
            let slot = *c;
            *c += 1;
            make_school(i, role, slot, n_mun, &mut rng)
        })
        .collect()
}

/// How many schools of each planted role a region of `n` schools has (the rest are regular).
fn plan(n: usize) -> Vec<(Role, usize)> {
    if n < 40 {
        return vec![
            (Role::Strong, 2),
            (Role::Moderate, 2),
            (Role::Basic, 1),
            (Role::Resilient, 1),
            (Role::Inflated, 1),
            (Role::Tiny, 1),
            (Role::Evening, 1),
        ];
    }
    // per cluster: strong and moderate fill all four (settlement × deficit) cells and one more,
    // basic fills three: the fourth group stays empty (11 of 12 groups, as in seed 000).
    let per = |base: usize| base.max(n * base / 120);
    vec![
        (Role::Strong, per(5)),
        (Role::Moderate, per(5)),
        (Role::Basic, per(3)),
        (Role::Resilient, per(4)),
        (Role::Inflated, per(3)),
        (Role::Tiny, 1),
        (Role::Evening, 1),
        (Role::Improving, 1),
        (Role::Declining, 1),
    ]
}

/// The role of each of `n` schools: the `plan`'s roles in order on a shuffle of the positions
/// (Fisher–Yates with `rng`), regular elsewhere.
fn assign_roles(n: usize, plan: Vec<(Role, usize)>, rng: &mut ChaCha8Rng) -> Vec<Role> {
    let mut roles = vec![Role::Regular; n];
    let mut idx: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.random_range(0..=i);
        idx.swap(i, j);
    }
    let mut k = 0;
    for (role, count) in plan {
        for _ in 0..count {
            if k < n {
                roles[idx[k]] = role;
                k += 1;
            }
        }
    }
    roles
}

/// School `i` (0-based) of role `role`, the `slot`-th of its role, in one of `n_mun`
/// municipalities: settlement and deficit, kind, enrollment and context drawn in that order.
fn make_school(i: usize, role: Role, slot: usize, n_mun: usize, rng: &mut ChaCha8Rng) -> School {
    // planted cells: slot 0..3 = (город, кадр), (город, инфр), (село, кадр), (село, инфр)
    let (village, staffing) = match role {
        Role::Strong | Role::Moderate | Role::Basic => {
            let cell = slot % 4;
            (cell >= 2, cell.is_multiple_of(2))
        }
        Role::Improving | Role::Declining => (false, true),
        Role::Resilient => (true, rng.random_bool(0.5)),
        _ => (rng.random_bool(0.45), rng.random_bool(0.5)),
    };
    let kind = match role {
        Role::Evening => "вечерняя",
        Role::Tiny => "малокомплектная",
        _ if !village && rng.random_bool(0.08) && role == Role::Regular => "углубленная",
        _ if village && rng.random_bool(0.15) && role == Role::Regular => "малокомплектная",
        _ => "обычная",
    };
    let enrollment = match (role, kind) {
        (Role::Tiny, _) => 12,
        (_, "малокомплектная") => rng.random_range(40..100),
        _ if village => rng.random_range(120..450),
        _ => rng.random_range(350..1400),
    };
    let context = match role {
        Role::Resilient => -1.8 + 0.2 * normal(rng),
        Role::Strong | Role::Moderate => -0.6 + 0.7 * normal(rng),
        _ => 0.3 * (if village { -1.0 } else { 1.0 }) + 0.8 * normal(rng),
    };
    // logins stay `edu` + 6 digits at national scale: regions 99, 98, … of 9 999 schools
    let digits = format!("{:02}{:04}", 99 - i / 9999, i % 9999 + 1);
    let num = i + 1;
    let name = match kind {
        "вечерняя" => format!("МБОУ \"Вечерняя (сменная) школа №{num}\""),
        "углубленная" => format!("МБОУ \"Лицей №{num}\""),
        _ if village => format!("МКОУ \"Сельская СОШ №{num}\""),
        _ => format!("МБОУ \"СОШ №{num}\""),
    };
    School {
        digits,
        name,
        municipality: i % n_mun,
        village,
        kind,
        enrollment,
        role,
        staffing_deficit: staffing,
        context,
        gia_code: format!("{:04}", 1000 + i),
    }
}
