//! Subject names: the canonical subjects and the spellings sources use for them.
use super::norm_text;

/// The subjects shnor knows: each canonical name (lower-case Russian nominative) with the
/// spellings the sources use for it (ФИС ОКО codes, dative forms, level qualifiers).
const SUBJECTS: &[(&[&str], &str)] = &[
    (
        &["математика", "математике", "ма", "мат", "ma", "math", "mat"],
        "математика",
    ),
    (
        &[
            "математика профильная",
            "математика (профильная)",
            "математика профиль",
            "математика (профиль)",
            "математика (профильный уровень)",
            "математика профильный уровень",
            "математика профильного уровня",
            "математика (профильного уровня)",
            "профильная математика",
        ],
        "математика профильная",
    ),
    (
        &[
            "математика базовая",
            "математика (базовая)",
            "математика (база)",
            "математика (базовый уровень)",
            "математика базовый уровень",
            "математика базового уровня",
            "математика (базового уровня)",
            "базовая математика",
        ],
        "математика базовая",
    ),
    (
        &[
            "русский язык",
            "русскому языку",
            "ру",
            "ru",
            "rus",
            "русский",
            "рус",
        ],
        "русский язык",
    ),
    (
        &[
            "окружающий мир",
            "окружающему миру",
            "окружающий",
            "окр",
            "okr",
            "ом",
        ],
        "окружающий мир",
    ),
    (&["биология", "биологии", "bi", "bio", "био"], "биология"),
    (&["история", "истории", "hi", "hist", "ист"], "история"),
    (
        &["обществознание", "обществознанию", "ob", "obsh", "общ"],
        "обществознание",
    ),
    (&["география", "географии", "gg", "geo", "гео"], "география"),
    (&["физика", "физике", "fi", "fiz", "физ"], "физика"),
    (&["химия", "химии", "him", "хим"], "химия"),
    (
        &[
            "информатика",
            "информатике",
            "inf",
            "инф",
            "икт",
            "информатика и икт",
        ],
        "информатика",
    ),
    (&["литература", "литературе", "lit", "лит"], "литература"),
    (
        &[
            "английский язык",
            "английскому языку",
            "английский",
            "en",
            "eng",
            "англ",
        ],
        "английский язык",
    ),
    (
        &[
            "немецкий язык",
            "немецкому языку",
            "немецкий",
            "de",
            "germ",
            "нем",
        ],
        "немецкий язык",
    ),
    (
        &[
            "французский язык",
            "французскому языку",
            "французский",
            "fr",
            "фр",
        ],
        "французский язык",
    ),
    (
        &["испанский язык", "испанскому языку", "испанский", "is"],
        "испанский язык",
    ),
    (
        &["китайский язык", "китайскому языку", "китайский"],
        "китайский язык",
    ),
    (
        &[
            "иностранный язык",
            "иностранному языку",
            "иностранные языки",
        ],
        "иностранный язык",
    ),
    (
        &["сумма трех предметов", "сумма трёх предметов"],
        "сумма трёх предметов",
    ),
];

/// The canonical subject names, in `SUBJECTS` order (for messages that list what is known).
pub fn subject_names() -> Vec<&'static str> {
    SUBJECTS.iter().map(|(_, canon)| *canon).collect()
}

/// Canonical subject name (lower-case Russian nominative) from the many spellings the sources use.
pub fn subject(s: &str) -> Option<String> {
    let t = norm_text(s);
    let t = t.trim_matches(|c: char| c == '.' || c == ',' || c == '"');
    let table = SUBJECTS;
    for (names, canon) in table {
        if names.contains(&t) {
            return Some((*canon).to_string());
        }
    }
    let t = t.strip_prefix("по ").unwrap_or(t);
    for (names, canon) in table {
        if names.iter().any(|n| n.chars().count() > 3 && t == *n) {
            return Some((*canon).to_string());
        }
    }
    None
}

/// Find a subject named inside a longer text (file name, title line); mathematics with its ЕГЭ
/// level when the text names one anywhere («ЕГЭ математика профильная 2024», «… (база)»), so that
/// the two ЕГЭ exams in a region's usual pair of files stay two subjects.
pub fn subject_in(text: &str) -> Option<String> {
    let t = norm_text(text);
    let found = subject_stem_in(&t)?;
    if found != "математика" {
        return Some(found);
    }
    let words: Vec<&str> = t.split(|c: char| !c.is_alphanumeric()).collect();
    let level = if words.iter().any(|w| w.starts_with("профил")) {
        "математика профильная"
    } else if words.iter().any(|w| w.starts_with("базов")) || t.contains("(база)") {
        "математика базовая"
    } else {
        "математика"
    };
    Some(level.to_string())
}

/// The subject whose stem comes first in the normalised text `t`.
fn subject_stem_in(t: &str) -> Option<String> {
    let stems: &[(&str, &str)] = &[
        ("окружающ", "окружающий мир"),
        ("русск", "русский язык"),
        ("математ", "математика"),
        ("биолог", "биология"),
        ("истори", "история"),
        ("обществозн", "обществознание"),
        ("географ", "география"),
        ("физик", "физика"),
        ("хими", "химия"),
        ("информатик", "информатика"),
        ("литератур", "литература"),
        ("английск", "английский язык"),
        ("немецк", "немецкий язык"),
        ("французск", "французский язык"),
        ("испанск", "испанский язык"),
        ("китайск", "китайский язык"),
    ];
    stems
        .iter()
        .filter_map(|(stem, canon)| t.find(stem).map(|pos| (pos, *canon)))
        .min_by_key(|(pos, _)| *pos)
        .map(|(_, c)| c.to_string())
}
