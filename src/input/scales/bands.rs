//! A published table of bands (`0–5 / 6–9 / 10–14 / 15–20`) parsed and turned into a scale.
use super::{bands_text, Origin, Scale};

/// `0–5 / 6–9 / 10–14 / 15–20` (dash `–`, `-` or `—`; a band of one score may be one number) as
/// four inclusive bands. Errors: the text that is not four such bands, in words.
pub fn parse_bands(text: &str) -> std::result::Result<Vec<(i32, i32)>, String> {
    let bad = || {
        format!("expected four bands «2» / «3» / «4» / «5» like «0–5 / 6–9 / 10–14 / 15–20», found «{text}»")
    };
    let parts: Vec<&str> = text.split('/').map(str::trim).collect();
    if parts.len() != 4 {
        return Err(bad());
    }
    let num = |s: &str| s.trim().parse::<i32>().map_err(|_| bad());
    parts
        .iter()
        .map(|p| match p.split_once(['–', '-', '—']) {
            Some((a, b)) => {
                let (a, b) = (num(a)?, num(b)?);
                if a > b {
                    return Err(format!("the band «{p}» runs backwards in «{text}»"));
                }
                Ok((a, b))
            }
            None => num(p).map(|v| (v, v)),
        })
        .collect()
}

/// The mark names of the four bands.
const MARKS: [&str; 4] = ["«2»", "«3»", "«4»", "«5»"];

/// Thresholds from published bands: each mark from the lower bound of its band. Overlaps, gaps, a
/// «2» band that does not start at 0 and a top band that does not end at the maximum are resolved
/// with a note for the built-ins (`BuiltIn`) and are errors for a user's file.
pub(super) fn from_bands(
    b: &[(i32, i32)],
    max_score: i32,
    origin: Origin,
) -> std::result::Result<(Scale, Option<String>), String> {
    // each fault in English (the error) and in Russian (the load report's note)
    let mut faults: Vec<(String, String)> = Vec::new();
    if b[0].0 != 0 {
        faults.push((
            format!("the «2» band starts at {} instead of 0", b[0].0),
            format!("полоса «2» начинается с {} (баллы ниже дают «2»)", b[0].0),
        ));
    }
    for k in 1..4 {
        let (prev, next, m0, m1) = (b[k - 1], b[k], MARKS[k - 1], MARKS[k]);
        if next.0 <= prev.1 {
            faults.push((
                format!("bands {m0} and {m1} overlap ({}–{})", next.0, prev.1),
                format!(
                    "полосы {m0} и {m1} перекрываются ({}–{}): {m1} с {}",
                    next.0, prev.1, next.0
                ),
            ));
        } else if next.0 > prev.1 + 1 {
            let (a, z) = (prev.1 + 1, next.0 - 1);
            faults.push((
                format!("a gap between {m0} and {m1} ({a}–{z})"),
                format!("пропуск между {m0} и {m1} ({a}–{z}): эти баллы дают {m0}"),
            ));
        }
    }
    if b[3].1 > max_score {
        return Err(format!(
            "max_score {max_score} is below the top band «{}–{}»; expected the «5» band to end at max_score",
            b[3].0, b[3].1
        ));
    }
    if b[3].1 < max_score {
        faults.push((
            format!(
                "the «5» band ends at {} below max_score {max_score}",
                b[3].1
            ),
            format!(
                "полоса «5» кончается на {} при максимуме {max_score} (баллы выше дают «5»)",
                b[3].1
            ),
        ));
    }
    let scale = Scale {
        max_score,
        min3: b[1].0,
        min4: b[2].0,
        min5: b[3].0,
    };
    if faults.is_empty() {
        return Ok((scale, None));
    }
    let (en, ru): (Vec<String>, Vec<String>) = faults.into_iter().unzip();
    match origin {
        Origin::User => Err(format!(
            "the bands «{}» are not contiguous from 0 to max_score {max_score}: {}; expected each band to start one above the previous one's end",
            bands_text(b),
            en.join("; ")
        )),
        Origin::BuiltIn => Ok((
            scale,
            Some(format!(
                "опубликованная таблица «{}»: {}; принято «{}»",
                bands_text(b),
                ru.join("; "),
                scale.bands_text()
            )),
        )),
    }
}
