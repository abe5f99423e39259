//! Rows of a results table that are no school: totals, a municipality's or the region's subtotal
//! (keyed by no login, an area's ФИС ОКО login or a municipality's own code, or named as a
//! municipality), kept apart as reference rows.
use super::text::{is_aggregate_label, norm_text};

/// Whether a row of a results table (marks, journal comparison, ОГЭ/ЕГЭ per school) is a total
/// or subtotal rather than a school: its key is no school login and it has an aggregate label
/// («Итого…», «Вся выборка»…) in its key or name, a municipality only, an area's ФИС ОКО login
/// (`reg220000`, `reg22_m019`), a name that is its municipality's (`municipality`: the row's, empty
/// when the table has none) or an area's («… район», «город …»), or a municipality's own code with
/// no name (fresh-eyes runs 9 and 10: «mun22003 | Заречный район» was selected as a school).
pub(super) fn is_aggregate_row(login: &str, name: &str, municipality: &str) -> bool {
    !super::text::looks_like_login(login)
        && (is_aggregate_label(login)
            || is_aggregate_label(name)
            || (login.is_empty() && name.is_empty() && !municipality.is_empty())
            || is_area_login(login)
            || repeats_municipality(name, municipality)
            || super::text::is_municipality_label(name)
            || (is_municipality_code(login) && name.trim().is_empty()))
}

/// A municipality's own code (`mun` and digits: `mun22003`): with no name beside it, the key of
/// the municipality's subtotal row.
fn is_municipality_code(login: &str) -> bool {
    let l = login.trim().to_ascii_lowercase();
    l.strip_prefix("mun")
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether a row's name is its municipality's (compared as `norm_text` reads both).
pub(super) fn repeats_municipality(name: &str, municipality: &str) -> bool {
    !name.trim().is_empty() && norm_text(name) == norm_text(municipality)
}

/// A ФИС ОКО login of a region or a municipality, not of a school: `reg` and the region's
/// digits, then for a municipality `_m` and its number (`reg220000`, `reg22_m019`).
pub(super) fn is_area_login(login: &str) -> bool {
    let l = login.trim().to_ascii_lowercase();
    let Some(rest) = l.strip_prefix("reg") else {
        return false;
    };
    let (region, municipality) = match rest.split_once("_m") {
        Some((r, m)) => (r, Some(m)),
        None => (rest, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(region) && municipality.is_none_or(digits)
}

/// The level of an aggregate row ([`is_aggregate_row`]): a municipality's when it names only a
/// municipality, repeats it as its name or has a municipality's ФИС ОКО login; else the region's.
pub(super) fn aggregate_level(key: &super::flat::RowKey) -> &'static str {
    let login = key.login.to_ascii_lowercase();
    let municipal = (key.login.is_empty() && !key.municipality.is_empty())
        || repeats_municipality(&key.name, &key.municipality)
        || super::text::is_municipality_label(&key.name)
        || (is_area_login(&login) && login.contains("_m"))
        || is_municipality_code(&login);
    if municipal {
        "муниципалитет"
    } else {
        "регион"
    }
}
