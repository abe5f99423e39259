//! The bottom rule's years in words: a school's share, place and the cut of each year.
use super::pct;
use crate::method::ledger::BottomYear;
use crate::method::procedures::BelowMin;
use crate::output::words;

/// «2025: доля «2» 12,0 %, место 3 из 40 (отсечка 10,5 %) — в нижней группе»; ЕГЭ's share is
/// «доля ниже минимального порога» (`words::below_min_of`).
pub(super) fn bottom_year(y: &BottomYear, below: BelowMin) -> String {
    match &y.rank {
        Some(r) => format!(
            "{}: доля {} {} %, место {} из {}{} (отсечка {} %){}",
            y.year,
            words::below_min_of(below),
            pct(r.composite),
            place(r),
            r.of,
            shared(r),
            pct(r.cut),
            if r.low {
                " — в нижней группе"
            } else {
                ""
            }
        ),
        None => format!("{}: нет данных", y.year),
    }
}

/// A school's place in the bottom rule's ranking: «3», or «2–3» where schools share its composite.
fn place(r: &crate::method::bottom::BottomRank) -> String {
    match r.tied {
        (first, last) if first < last => format!("{first}–{last}"),
        _ => r.rank.to_string(),
    }
}

/// «, равная доля у 2 школ» where schools share the composite of `r`, else nothing.
fn shared(r: &crate::method::bottom::BottomRank) -> String {
    let (first, last) = r.tied;
    if first >= last {
        return String::new();
    }
    let n = last - first + 1;
    // «у 21 школы», «у 2 школ», «у 11 школ»
    let word = match (n % 10, n % 100) {
        (1, x) if x != 11 => "школы",
        _ => "школ",
    };
    format!(", равная доля у {n} {word}")
}
