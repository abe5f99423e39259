//! ФИС ОКО logins: what looks like one, a school's canonical id, the spelling outputs show, and
//! logins typed with Cyrillic look-alike letters.

/// A login cell as outputs show it (INPUTS.md «Which spelling of a login is shown»): a ФИС ОКО
/// login in its usual lower case (`SCH220001` → `sch220001`), with Cyrillic look-alike letters in
/// Latin (`еdu220007` → `edu220007`, [`latin_login`]), any other text as the input spells it
/// (`School1` stays `School1`).
pub fn shown_login(login: &str) -> String {
    let latin = latin_login(login);
    let l = latin.as_deref().unwrap_or(login).trim();
    let lower = l.to_lowercase();
    if looks_like_login(&lower) {
        lower
    } else {
        l.to_string()
    }
}

/// `sch`/`edu`/`ksh`/`spo` + 6 digits.
pub fn looks_like_login(s: &str) -> bool {
    let s = s.trim().as_bytes();
    if s.len() != 9 {
        return false;
    }
    let (p, d) = s.split_at(3);
    [b"sch", b"edu", b"ksh", b"spo"]
        .iter()
        .any(|x| p.eq_ignore_ascii_case(*x))
        && d.iter().all(u8::is_ascii_digit)
}

/// A login typed with Cyrillic look-alike letters in its prefix (`еdu220007` with a Cyrillic «е»,
/// `ѕсh…`): the login with them in Latin, when the text is no login as typed and is one so
/// read; `None` otherwise.
pub fn latin_login(s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_ascii() || looks_like_login(t) {
        return None;
    }
    let folded: String = t
        .chars()
        .map(|c| match c {
            'с' => 'c',
            'С' => 'C',
            'е' => 'e',
            'Е' => 'E',
            'к' => 'k',
            'К' => 'K',
            'р' => 'p',
            'Р' => 'P',
            'о' => 'o',
            'О' => 'O',
            'ѕ' => 's',
            'Ѕ' => 'S',
            'һ' => 'h',
            'Һ' | 'Н' => 'H',
            c => c,
        })
        .collect();
    looks_like_login(&folded).then_some(folded)
}

/// Canonical school id: trimmed, lower-cased; `sch` logins become `edu` (same digits = same
/// school); Cyrillic look-alike letters of a login read as Latin ([`latin_login`]).
pub fn school_id(login: &str) -> String {
    let latin = latin_login(login);
    let mut s = latin.as_deref().unwrap_or(login).trim().to_lowercase();
    if looks_like_login(&s) && s.starts_with("sch") {
        // the same length in place (no second copy)
        s.replace_range(..3, "edu");
    }
    s
}

/// Region code: the first two digits of a login.
pub fn region_of(id: &str) -> String {
    if looks_like_login(id) {
        id[3..5].to_string()
    } else {
        String::new()
    }
}
