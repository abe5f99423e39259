//! Text normalisation: encodings, headers, numbers, sentinels, `code | name` cells, subjects, logins.
pub use super::login::{latin_login, looks_like_login, region_of, school_id, shown_login};

mod subjects;
pub use subjects::{subject, subject_in, subject_names};

/// Decode file bytes: UTF-8 (with or without BOM) or Windows-1251.
/// Returns the text and the encoding name.
pub fn decode(bytes: Vec<u8>) -> (String, &'static str) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return (String::from_utf8_lossy(rest).into_owned(), "utf-8-bom");
    }
    match String::from_utf8(bytes) {
        Ok(s) => (s, "utf-8"),
        Err(e) => {
            let (text, _, _) = encoding_rs::WINDOWS_1251.decode(e.as_bytes());
            (text.into_owned(), "windows-1251")
        }
    }
}

/// The lines (numbered from 1, as in the file) that are not UTF-8 in a file that is UTF-8 elsewhere:
/// a row saved in Windows-1251 into a UTF-8 export. The file is UTF-8 elsewhere when it begins with
/// a UTF-8 BOM, or when another line is valid UTF-8 holding Cyrillic letters (a line of Cyrillic
/// text in Windows-1251 is never valid UTF-8: two lower-case letters in a row are no UTF-8
/// sequence). Empty for a file wholly in UTF-8 and for one wholly in Windows-1251.
pub fn mixed_encoding_lines(bytes: &[u8]) -> Vec<usize> {
    let (body, bom) = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    let mut bad = Vec::new();
    let mut utf8_cyrillic = bom;
    for (i, line) in body.split(|&b| b == b'\n').enumerate() {
        match std::str::from_utf8(line) {
            Ok(s) => {
                utf8_cyrillic |= s.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c));
            }
            Err(_) => bad.push(i + 1),
        }
    }
    if utf8_cyrillic {
        bad
    } else {
        Vec::new()
    }
}

/// Whether text read as UTF-8 or Windows-1251 looks like another 8-bit encoding (KOI8-R,
/// ISO-8859-5, CP866): most of its non-ASCII letters are no Cyrillic (Latin-1 and other signs), or
/// most of its Cyrillic words change from lower to upper case inside the word (`мПЗХО` is
/// «Логин» in KOI8-R read as Windows-1251). Text without 20 non-ASCII letters tells nothing.
pub fn looks_misdecoded(text: &str) -> bool {
    let high: Vec<char> = text.chars().filter(|c| !c.is_ascii()).collect();
    if high.len() < 20 {
        return false;
    }
    let cyrillic = |c: &char| ('\u{400}'..='\u{4ff}').contains(c);
    if high.iter().filter(|c| !cyrillic(c)).count() * 2 > high.len() {
        return true;
    }
    let words: Vec<&str> = text
        .split(|c: char| !cyrillic(&c))
        .filter(|w| w.chars().count() >= 3)
        .collect();
    let broken = words
        .iter()
        .filter(|w| {
            let cs: Vec<char> = w.chars().collect();
            cs.windows(2)
                .any(|p| p[0].is_lowercase() && p[1].is_uppercase())
        })
        .count();
    !words.is_empty() && broken * 2 > words.len()
}

/// The 8-bit encoding other than Windows-1251 (KOI8-R, CP866, Mac Cyrillic) a text read as
/// Windows-1251 was written in: the one whose reading of the same bytes holds more words of known
/// captions (`год`, `класс`, `логин`, `участник`…) than the text does. Mac Cyrillic shares
/// Windows-1251's small letters but not its capitals, so such a text still holds a word or two
/// («участников») where «Логин» and «Год» are broken. `None` when the text reads as it should or no
/// other encoding reads it better.
pub fn read_as_other_encoding(text: &str) -> Option<&'static str> {
    const WORDS: [&str; 13] = [
        "год",
        "класс",
        "предмет",
        "логин",
        "школ",
        "участник",
        "муниципал",
        "баллов",
        // an ОГЭ per-school table's captions (fresh-eyes run 12: «Код ОО», «Доля не преодолевших…»)
        "код оо",
        "наименование",
        "доля",
        "средний балл",
        "фактор",
    ];
    let known = |t: &str| {
        let t = t.to_lowercase();
        WORDS.iter().filter(|w| t.contains(*w)).count()
    };
    let (bytes, _, lossy) = encoding_rs::WINDOWS_1251.encode(text);
    if lossy {
        return None;
    }
    let here = known(text);
    [
        ("KOI8-R", encoding_rs::KOI8_R),
        ("CP866 (DOS)", encoding_rs::IBM866),
        ("Mac Cyrillic (x-mac-cyrillic)", encoding_rs::X_MAC_CYRILLIC),
    ]
    .into_iter()
    .map(|(name, enc)| (known(&enc.decode(&bytes).0), name))
    .filter(|&(n, _)| n > here)
    .max_by_key(|&(n, _)| n)
    .map(|(_, name)| name)
}

/// Normalise a header cell: trim, collapse whitespace (TAB, NBSP, line breaks), ё → е, dashes → `-`,
/// lower-case, drop a trailing unit mark (`%`, `, %`, `(%)`, `в %`, `*`; see `header_says_percent`).
pub fn norm_header(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for ch in s.chars() {
        let ch = match ch {
            'ё' => 'е',
            'Ё' => 'Е',
            // the dashes and hyphens Word and Excel put for «-» («Кол–во участников», a
            // non-breaking hyphen): fresh-eyes run 16 found such a header unrecognised
            '\u{2010}'..='\u{2014}' | '\u{2212}' => '-',
            c => c,
        };
        if ch.is_whitespace() || ch == '\u{a0}' || ch == '\u{2009}' || ch == '\u{202f}' {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        for l in ch.to_lowercase() {
            out.push(l);
        }
    }
    strip_unit(&mut out);
    out
}

/// Drop a trailing unit mark from a normalised header: `%`, `*`, `, %`, `(%)`, `в %`; true when
/// it declared percents.
fn strip_unit(out: &mut String) -> bool {
    let mut percent = false;
    loop {
        let t = out.trim_end_matches([' ', ',']);
        let cut = ["(%)", "в %", "%", "*"]
            .iter()
            .find_map(|m| t.strip_suffix(m).map(|rest| (rest.len(), *m != "*")));
        match cut {
            Some((len, pct)) => {
                percent |= pct;
                out.truncate(len);
                let kept = out.trim_end_matches([' ', ',']).len();
                out.truncate(kept);
            }
            None => return percent,
        }
    }
}

/// The header cell declares its values percents: it ends with `%`, `, %`, `(%)` or `в %`
/// (before any `*`), as «Доля не преодолевших минимальный порог, %» does.
pub fn header_says_percent(s: &str) -> bool {
    let mut t = norm_text(s);
    strip_unit(&mut t)
}

/// Normalise a free-text value for matching (same rules as headers, keeps `%`).
pub fn norm_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for ch in s.chars() {
        let ch = if ch == 'ё' || ch == 'Ё' { 'е' } else { ch };
        if ch.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        for l in ch.to_lowercase() {
            out.push(l);
        }
    }
    out
}

/// A school name as spelt, for telling whether two inputs name a school alike (`notes::merge`):
/// `norm_text` (case, `ё`, runs of spaces) with quotes of every kind («» "" „“ '' ‘’) left out and
/// `№ 5` read as `№5`. «МБОУ "СОШ №7"», «МБОУ «СОШ № 7»» and «мбоу сош №7» are one spelling;
/// other words, numbers and legal forms still differ (`names::school_name_key` is the looser key
/// used to match a school by name).
pub fn name_spelling(s: &str) -> String {
    let unquoted: String = s
        .chars()
        .filter(|c| !matches!(c, '"' | '«' | '»' | '“' | '”' | '„' | '\'' | '‘' | '’'))
        .collect();
    norm_text(&unquoted).replace("№ ", "№")
}

/// A cell that should hold a number but does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotANumber;

/// Parse a number with the Russian conventions: spaces/NBSP/thin spaces stripped, `,` → `.`.
/// Empty or `-` → Ok(None); anything else that is not a number → Err(()).
pub fn parse_num(s: &str) -> Result<Option<f64>, NotANumber> {
    let t = s.trim();
    if t.is_empty() || t == "-" || t == "–" || t == "—" {
        return Ok(None);
    }
    // most cells are plain numbers: no copy for them; `inf` and `NaN` are no numbers of pupils
    if let Ok(v) = t.parse::<f64>() {
        return if v.is_finite() {
            Ok(Some(v))
        } else {
            Err(NotANumber)
        };
    }
    let mut buf = String::with_capacity(t.len());
    for ch in t.chars() {
        match ch {
            ' ' | '\u{a0}' | '\u{2009}' | '\u{202f}' => {}
            ',' => buf.push('.'),
            c => buf.push(c),
        }
    }
    let b = buf.trim_end_matches('%');
    match b.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(NotANumber),
    }
}

/// The text of an xlsx cell formatted as a date, as Russian Excel shows it: `15.04.2025`, with
/// `чч:мм:сс` when it has a time; a duration as its number (fresh-eyes run 13: a «Год» typed
/// «15.04.2025» was read as the serial number 45762 and refused, where the same text in a CSV
/// gives 2025).
pub fn date_cell_text(d: &calamine::ExcelDateTime) -> String {
    if !d.is_datetime() {
        return fmt_cell_num(d.as_f64());
    }
    let (y, mo, day, h, mi, sec, ms) = d.to_ymd_hms_milli();
    if (h, mi, sec, ms) == (0, 0, 0, 0) {
        format!("{day:02}.{mo:02}.{y}")
    } else {
        format!("{day:02}.{mo:02}.{y} {h:02}:{mi:02}:{sec:02}")
    }
}

/// Format a number read from a spreadsheet cell as text: integers without a fraction.
pub fn fmt_cell_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{}", v)
    }
}

/// A number in a message the Russian way: the shortest form, a decimal comma (`5,5`, `6`).
pub fn ru_num(v: f64) -> String {
    v.to_string().replace('.', ",")
}

/// Split `code | name` (or `login name`, `(login) name`) cells into code and name. The part before
/// a `|` is a code only when it is one word with a digit or a Latin letter (`sch220001`, `2549`,
/// `him11.41`): a name with a bar in it («СОШ №2 | филиал», «Гимназия | филиал») stays whole.
pub fn split_code_name(s: &str) -> (Option<String>, String) {
    let t = s.trim();
    if let Some((a, b)) = t.split_once('|') {
        let code = a.trim();
        // `him11.41 | 2549 | …` style cells keep the first part as the code; a word of letters
        // only, none of them Latin («Гимназия | филиал»), is a name's start
        let coded = code.chars().any(|c| c.is_ascii() || c.is_numeric());
        if coded && !code.contains(char::is_whitespace) {
            return (Some(code.to_string()), b.trim().to_string());
        }
    }
    if let Some(rest) = t.strip_prefix('(') {
        if let Some((code, name)) = rest.split_once(')') {
            if looks_like_login(code.trim()) {
                return (Some(code.trim().to_string()), name.trim().to_string());
            }
        }
    }
    if let Some((first, rest)) = t.split_once(char::is_whitespace) {
        if looks_like_login(first) {
            return (Some(first.to_string()), rest.trim().to_string());
        }
    }
    if looks_like_login(t) {
        return (Some(t.to_string()), String::new());
    }
    (None, t.to_string())
}

/// Grade from text like `4 класс`, `5 кл`.
pub fn grade_in(text: &str) -> Option<u32> {
    let t = norm_text(text);
    let bytes: Vec<char> = t.chars().collect();
    for i in 0..bytes.len() {
        if bytes[i].is_ascii_digit() {
            let mut j = i;
            let mut num = String::new();
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                num.push(bytes[j]);
                j += 1;
            }
            if i > 0 && bytes[i - 1].is_ascii_digit() {
                continue;
            }
            // the end of a range of grades («5-6 классы», «5–6 кл.»): no one grade (fresh-eyes
            // run 16: «ВПР_5-6_классы» was grade 6)
            if i > 1 && matches!(bytes[i - 1], '-' | '–' | '—') && bytes[i - 2].is_ascii_digit()
            {
                return None;
            }
            let rest: String = bytes[j..].iter().collect();
            let rest = rest.trim_start_matches([' ', '-', '_']);
            if rest.starts_with("кл") {
                if let Ok(g) = num.parse::<u32>() {
                    if (1..=11).contains(&g) {
                        return Some(g);
                    }
                }
            }
        }
    }
    None
}

/// A year 2000..2099 in text (`ВПР 2021`; `2015-2016` → the later year): a school year written
/// short (`2024/25`, `2024-25`, `2024–25`, `2024_25`: the two digits of the next year) is its
/// spring year, 2025, as `2024/2025` is (fresh-eyes run 13: it was read as 2024, the whole table a
/// year early).
pub fn year_in(text: &str) -> Option<i32> {
    let mut found = None;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i + 4 <= chars.len() {
        let w: String = chars[i..i + 4].iter().collect();
        let before_ok = i == 0 || !chars[i - 1].is_ascii_digit();
        let after_ok = i + 4 == chars.len() || !chars[i + 4].is_ascii_digit();
        if before_ok && after_ok && w.starts_with("20") && w.chars().all(|c| c.is_ascii_digit()) {
            let y: i32 = w.parse().unwrap();
            let y = match short_next_year(&chars[i + 4..], y) && y < 2099 {
                true => y + 1,
                false => y,
            };
            found = Some(found.map_or(y, |f: i32| f.max(y)));
            i += 4;
        } else {
            i += 1;
        }
    }
    found
}

/// Whether `rest` (the text after year `y`) starts with a school year's short second half: `/`,
/// `-`, `–` or `_`, then the two last digits of `y + 1` and no further digit (`/25` after 2024;
/// not `-05` of a date 2024-05-15).
fn short_next_year(rest: &[char], y: i32) -> bool {
    let next = format!("{:02}", (y + 1) % 100);
    let digits = |k: usize| rest.get(k).is_some_and(char::is_ascii_digit);
    matches!(rest.first(), Some('/' | '-' | '–' | '_'))
        && digits(1)
        && digits(2)
        && !digits(3)
        && rest[1..3].iter().collect::<String>() == next
}

/// Leading number of a coded answer `N) text`.
pub fn coded_answer(s: &str) -> Option<u32> {
    let t = s.trim();
    let (num, _) = t.split_once(')')?;
    num.trim().parse().ok()
}

/// Normalised municipality name for keys: `г.` = `город`, `район` = `муниципальный район`, ё = е;
/// the usual abbreviations too (fresh-eyes run 13: each spelling was a municipality of its own in
/// `compare`): `р-н`, `р-он` = `район`; `МР`, `м.р.`, `м. р-н` = `муниципальный район`; `г.о.`,
/// `ГО`, `городской округ` before a town's name = `город` (`г.о. Алейск`, `городской округ город
/// Алейск` = `г. Алейск`); a dot at the end is dropped.
pub fn municipality_key(s: &str) -> String {
    let t = norm_text(s);
    let t = t.replace("г.о.", " го ").replace("г. о.", " го ");
    let t = t.replace("г. ", "город ").replace("г.", "город ");
    let mut words: Vec<&str> = Vec::new();
    for w in t.trim_end_matches(['.', ' ']).split_whitespace() {
        let w = match w {
            "р-н" | "р-он" | "р‑н" => "район",
            w => w,
        };
        match w {
            "мр" | "м.р." | "м.р" | "м.р-н" => words.extend(["муниципальный", "район"]),
            "район" if words.last() == Some(&"м.") => {
                words.pop();
                words.extend(["муниципальный", "район"]);
            }
            _ => words.push(w),
        }
    }
    // «городской округ (город) X», «го X» = «город X»
    let town = match words.as_slice() {
        ["городской", "округ", "город", rest @ ..] | ["го", "город", rest @ ..] => {
            Some(rest)
        }
        ["городской", "округ", rest @ ..] | ["го", rest @ ..] if !rest.is_empty() => {
            Some(rest)
        }
        _ => None,
    };
    let t = match town {
        Some(rest) => format!("город {}", rest.join(" ")),
        None => words.join(" "),
    };
    if t.ends_with(" район") && !t.ends_with("муниципальный район") {
        format!("{} муниципальный район", &t[..t.len() - " район".len()])
    } else {
        t
    }
}

/// Whether a name cell names a municipality or an area rather than a school: a word «район»,
/// «округ», «улус» or «кожуун» (nominative: a school's name says «… района»), or a start «г. »,
/// «город », «по » («По району»). For the rows of a per-school table that are a municipality's
/// subtotal.
pub fn is_municipality_label(s: &str) -> bool {
    let t = norm_text(s);
    let area_word = t
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| matches!(w, "район" | "округ" | "улус" | "кожуун"));
    area_word || t.starts_with("г. ") || t.starts_with("город ") || t.starts_with("по ")
}

/// Aggregate row labels: вся выборка / регион / муниципалитет totals («Итого…», «Всего…»), and a
/// row of means («Среднее», «Среднее по ОО», «Среднее значение»).
pub fn is_aggregate_label(s: &str) -> bool {
    let t = norm_text(s);
    t == "вся выборка"
        || t.starts_with("всего")
        || t.starts_with("итого")
        || t == "среднее"
        || t.starts_with("среднее по ")
        || t.starts_with("среднее значение")
        || t.starts_with("средние значения")
        || t.starts_with("средний балл")
        || t.starts_with("в среднем")
        || t.starts_with("в целом")
        || t == "регион"
        || t == "рф"
        || t == "россия"
        || t == "российская федерация"
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
