//! `shnor explain LOGIN`: one school's way through the selection, told from its ledger.
use super::select::{school_json, why_stopped};
use super::DataArgs;
use crate::input::text::school_id;
use crate::method::select::{self, SchoolResult, Selection};
use crate::output::{Cell, Format, Table};
use anyhow::Result;
use serde_json::json;

/// Tell one school's way through the selection, rule by rule, in Russian.
#[derive(clap::Args)]
pub struct Args {
    /// School login (sch… or edu…), its ГИА code, ИНН or ОГРН (when the inputs give them), or
    /// its name (as the inputs spell it; matched as names are, docs/INPUTS.md «Schools known only
    /// by name»); a code or name several schools share is an error listing them.
    pub login: String,
    #[command(flatten)]
    pub data: DataArgs,
    /// Selection year (default: the latest year in the results).
    #[arg(long)]
    pub year: Option<i32>,
}

/// Run the selection keeping only this school's ledger, and print its story with the load
/// warnings as notes (or, with `--format json`, `{year, school}` with the school as in
/// `select --format json`, and `load_warnings` when the load warned; with `--format csv`, the
/// ledger as a table, [`ledger_table`]).
///
/// Errors: a usage error (exit 2) when the school is empty, or when no school with results in the
/// year has this login (several whose login or name holds it are listed).
pub fn run(a: &Args) -> Result<()> {
    a.data.output.check()?;
    let login = &a.login;
    if login.trim().is_empty() {
        return Err(crate::error::usage(
            "explain: the school is empty; give its login (edu220001), ГИА code, ИНН, ОГРН or name",
        ));
    }
    let (mut cfg, mut loaded) = a.data.load()?;
    let year = super::selection_year(&mut loaded, &mut cfg, a.year)?;
    let sid = by_name(&loaded.data, login)?.unwrap_or_else(|| school_id(login));
    // only this school's ledger is told
    let logins = loaded
        .data
        .school_view()
        .column(crate::model::schema::col::LOGIN)
        .flatten()
        .filter(|l| school_id(l) == sid)
        .map(str::to_string)
        .chain([login.to_string(), sid.clone()])
        .collect();
    let ctx = select::Context::for_selection(&loaded.data, &cfg, year)?.with_ledgers_of(logins);
    let sel = select::run_with(&loaded.data, &cfg, year, &ctx)?;
    let Some(x) = sel.schools.iter().find(|x| school_id(&x.login) == sid) else {
        return Err(crate::error::usage(format!(
            "{login}: no such school among the {} schools with results in {year}{}",
            sel.schools.len(),
            near(&sel, login)
        )));
    };
    if a.data.format() == Format::Json {
        let mut v = json!({"year": year, "school": school_json(x)});
        super::with_load_warnings(&loaded, &mut [], &mut v);
        return a
            .data
            .output
            .emit(&(serde_json::to_string_pretty(&v)? + "\n"));
    }
    if a.data.format() == Format::Csv {
        return a.data.output.write(&[ledger_table(x)], &json!(null));
    }
    let mut text = story(x, &sel, year);
    for n in super::load_notes(&loaded) {
        text.push_str(&n);
        text.push('\n');
    }
    a.data.output.emit(&text)
}

/// The id of the school `arg` names when it is no school's id: the school with this ГИА code,
/// ИНН or ОГРН (the identity map's `gia_code`, `inn`, `ogrn`, or a school kept under `gia:…`,
/// `inn:…`, `ogrn:…`), else the school whose name has `arg`'s name key
/// (`input::names::school_name_key`, as names are matched: docs/INPUTS.md); `None` when none does.
///
/// Errors: a usage error (exit 2) when several schools have that code or name, listing each with
/// its login (or key in words), name and municipality — never a silent pick.
fn by_name(ds: &crate::model::Dataset, arg: &str) -> Result<Option<String>> {
    use crate::input::names::school_name_key;
    use crate::model::schema::col as k;
    let view = ds.school_view();
    if view.contains(&school_id(arg)) {
        return Ok(None);
    }
    let code = arg.trim();
    let keyed = ["gia:", "inn:", "ogrn:"].map(|p| format!("{p}{code}"));
    // a ГИА code as an ОГЭ file writes it, with leading zeros (`001016`), is the code the loaders
    // key (`gia_key`: 1016; fresh-eyes run 11)
    let gia = crate::input::gia::gia_key(code);
    let same_gia =
        |c: Option<&str>| gia != "gia:" && c.is_some_and(|c| crate::input::gia::gia_key(c) == gia);
    let by_code: Vec<usize> = (0..view.len())
        .filter(|&i| {
            keyed.iter().any(|key| view.id(i) == key)
                || view.id(i) == gia
                || same_gia(view.text(k::GIA_CODE, i))
                || [k::INN, k::OGRN]
                    .iter()
                    .any(|c| view.text(c, i) == Some(code))
        })
        .collect();
    let (found, what) = if by_code.is_empty() {
        let key = school_name_key("", arg);
        let named: Vec<usize> = (0..view.len())
            .filter(|&i| !view.name(i).is_empty() && school_name_key("", view.name(i)) == key)
            .collect();
        (named, "name")
    } else {
        (by_code, "code")
    };
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(view.id(*one).to_string())),
        many => Err(crate::error::usage(format!(
            "«{arg}»: several schools have this {what}: {}; give the school's login",
            many.iter()
                .map(|&i| {
                    let municipality = match view.municipality(i) {
                        "" => "муниципалитет не известен",
                        m => m,
                    };
                    format!(
                        "{} «{}» ({municipality})",
                        crate::model::identity::shown_key(view.id(i)),
                        view.name(i)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The school's ledger entries of stages 1–3 in the story's order, one row each: stage (whole
/// number), rule and outcome (the JSON contract's names, `method::ledger`) and the entry in
/// Russian words.
fn ledger_table(x: &SchoolResult) -> Table {
    let mut t = Table::new(&["этап", "правило", "итог", "пояснение"]);
    for stage in 1..=3u8 {
        for e in x.ledger.0.iter().filter(|e| e.stage == stage) {
            t.rows.push(vec![
                Cell::Int(Some(i64::from(stage))),
                Cell::Text(e.rule().to_string()),
                Cell::Text(e.outcome().to_string()),
                Cell::Text(e.text()),
            ]);
        }
    }
    t
}

/// The story: who the school is, the selection's year and window, each ledger entry of stages
/// 1–3 in order, and the outcome.
fn story(x: &SchoolResult, sel: &Selection, year: i32) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "{} — {}{}\n",
        match crate::model::identity::shown_key(&x.login).as_str() {
            "" => "без логина".to_string(),
            key => key.to_string(),
        },
        if x.name.is_empty() {
            "(без названия)"
        } else {
            &x.name
        },
        if x.municipality.is_empty() {
            String::new()
        } else {
            format!(", {}", x.municipality)
        }
    ));
    s.push_str(&format!(
        "Год отбора {year}, окно {}; страта: {}; населённый пункт: {}.
",
        crate::method::procedures::window_label(&sel.window),
        crate::output::words::stratum(x.stratum),
        crate::output::words::settlement(x.settlement)
    ));
    for stage in 1..=3u8 {
        for e in x.ledger.0.iter().filter(|e| e.stage == stage) {
            s.push_str(&format!("  {}\n", e.text()));
        }
    }
    s.push_str(&format!(
        "Итог: {}.\n",
        if x.selected {
            format!(
                "школа в итоговом списке ШНОР (кластер «{}», группа «{}»)",
                x.cluster.map(|c| c.to_string()).unwrap_or_default(),
                crate::output::words::group(x.group.as_deref().unwrap_or_default())
            )
        } else {
            format!("школа не в итоговом списке — {}", why_stopped(x))
        }
    ));
    s
}

/// The schools whose login or name holds `query` (case and spaces aside), as a hint after «no such
/// school»: `; did you mean: edu990001 «МБОУ "СОШ №1"» (город Заречный), …` (the first
/// [`NEAR_SHOWN`] in login order, and how many more), or nothing.
fn near(sel: &select::Selection, query: &str) -> String {
    let fold = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let q = fold(query);
    if q.is_empty() {
        return String::new();
    }
    let hits: Vec<String> = sel
        .schools
        .iter()
        .filter(|x| fold(&x.login).contains(&q) || fold(&x.name).contains(&q))
        .map(|x| format!("{} «{}» ({})", x.login, x.name, x.municipality))
        .collect();
    let more = match hits.len() {
        n if n > NEAR_SHOWN => format!(" and {} more", n - NEAR_SHOWN),
        _ => String::new(),
    };
    let shown = hits[..hits.len().min(NEAR_SHOWN)].join(", ");
    match hits.len() {
        0 => String::new(),
        1 => format!("; did you mean: {shown}"),
        n => format!(
            "; «{}» is part of the login or name of {n} schools: {shown}{more}; give the school's login or its whole name",
            query.trim()
        ),
    }
}

/// How many near schools [`near`] names.
const NEAR_SHOWN: usize = 5;
