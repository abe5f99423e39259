//! `report.html`: one self-contained page in Russian — no script, no network, no external file (a
//! Content-Security-Policy forbids any load) — that prints on A4: the summary, the final list and
//! inline SVG charts drawn here from the method's figures ([`Page`]). Drawing maps values to
//! pixels and bins shares for a histogram; it computes no figure of the method.
use super::charts::{clusters, flows, histogram, index_chart, intervals};
use super::Table;
use std::fmt::Write;

/// Everything the page shows; every figure comes from the method's results.
pub struct Page {
    pub title: String,
    pub summary: Table,
    pub final_list: Table,
    /// Share of «2» (fraction) of every school pooled over the window, and the thresholds drawn
    /// over it (label, fraction).
    pub shares: Vec<f64>,
    pub thresholds: Vec<(String, f64)>,
    /// Schools on share of «2» (x, fraction) against quality (y, fraction): (x, y, cluster of a
    /// confirmed school or empty, selected).
    pub clusters: Vec<(f64, f64, String, bool)>,
    /// ИСБШ (x) against the results score (y): (x, y, resilient), and the regression line as
    /// points; the reason instead without context indicators.
    pub index: Result<IndexChart, String>,
    /// Municipalities against the region, one chart per procedure.
    pub municipalities: Result<Vec<Intervals>, String>,
    /// Flows between states (cluster or «не кандидат») from one year to the next.
    pub flows: Result<Vec<Flow>, String>,
    /// What is below the minimum in the window's results: the words of the share in captions.
    pub below: crate::method::procedures::BelowMin,
    /// The entries into and exits from the list with their reasons (`commands::monitor::changes`),
    /// or why there are none.
    pub changes: Result<Table, String>,
}

/// ИСБШ against results: schools and the regression line (the model's expected values).
pub struct IndexChart {
    pub points: Vec<(f64, f64, bool)>,
    pub line: Vec<(f64, f64)>,
}

/// One procedure: the region's share of «2» and each municipality's with its 95 % interval.
pub struct Intervals {
    pub title: String,
    /// What is below the minimum in this procedure (ЕГЭ: the threshold).
    pub below: crate::method::procedures::BelowMin,
    pub region: f64,
    /// (name, share, low, high, worse than the region).
    pub rows: Vec<(String, f64, f64, f64, bool)>,
}

/// Schools going from state `from` in `from_year` to `to` the next year.
pub struct Flow {
    pub from_year: i32,
    pub to_year: i32,
    pub from: String,
    pub to: String,
    pub schools: usize,
}

/// Cluster colours (and «не кандидат» grey), in the order of the legend.
pub(super) const COLOURS: [(&str, &str); 4] = [
    ("сильно неуспевающие", "#c0392b"),
    ("умеренно неуспевающие", "#e67e22"),
    ("базово неуспевающие", "#f1c40f"),
    ("не кандидат", "#bbbbbb"),
];

pub(super) fn colour(state: &str) -> &'static str {
    COLOURS
        .iter()
        .find(|(s, _)| *s == state)
        .map(|(_, c)| *c)
        .unwrap_or("#7f8c8d")
}

/// HTML/XML text escaping.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = "body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:11pt;margin:1.5em;color:#222}\
h1{font-size:16pt}h2{font-size:13pt;margin-top:1.4em;break-after:avoid}\
table{border-collapse:collapse;font-size:8pt;margin:.5em 0;width:100%}table.kv{width:auto}table.kv td.n{text-align:left}\
td,th{border:1px solid #999;padding:2px 4px;vertical-align:top;overflow-wrap:normal;word-break:normal;hyphens:manual}\
th{background:#eee}td.n{text-align:right;white-space:nowrap}td.t{hyphens:auto;min-width:12em}\
figure{margin:.5em 0;break-inside:avoid}figcaption{font-size:9pt;color:#555}\
svg{width:100%;max-width:1100px;height:auto}svg text{font-family:'DejaVu Sans',Arial,sans-serif}.note{font-size:9pt;color:#555}\
@page{size:A4;margin:12mm}@media print{body{margin:0}section{break-inside:auto}}";

/// The whole page.
pub fn page(p: &Page) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"ru\"><head><meta charset=\"utf-8\">");
    h.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">");
    let _ = writeln!(
        h,
        "<title>{}</title><style>{STYLE}</style></head><body>",
        esc(&p.title)
    );
    let _ = writeln!(h, "<h1>{}</h1>", esc(&p.title));
    section(
        &mut h,
        "Сводка",
        &table(&p.summary).replacen("<table>", "<table class=\"kv\">", 1),
    );
    section(&mut h, "Итоговый список", &table(&p.final_list));
    let (share, of) = (
        super::words::below_min(p.below),
        super::words::below_min_of(p.below),
    );
    let dist = figure(
        "chart-share2",
        &histogram(&p.shares, &p.thresholds, share),
        &format!("Распределение школ по доле {of} за окно отбора; линии — пороги"),
    );
    section(&mut h, share, &dist);
    // a chart of no point says why (docs/REPORT.md): results without marks have no quality
    // (fresh-eyes run 11: an ЕГЭ form drew axes and a legend only)
    let cl = match p.clusters.is_empty() {
        true => absent("качество («4» и «5») есть только у результатов с отметками (ВПР, отметки ОГЭ); у результатов во входных данных отметок нет"),
        false => figure(
            "chart-clusters",
            &clusters(&p.clusters, share),
            &format!("Школы: доля {of} и качество («4» и «5»); цвет — кластер подтверждённой школы, обводка — отобрана"),
        ),
    };
    section(&mut h, "Кластеры", &cl);
    let idx = match &p.index {
        Ok(c) => figure(
            "chart-index",
            &index_chart(c, &format!("Результат (−доля {of}, z)")),
            &format!("ИСБШ и результат (−доля {of}, z): линия — регрессия результата на ИСБШ, зелёные — резильентные школы"),
        ),
        Err(why) => absent(why),
    };
    section(&mut h, "ИСБШ и результаты", &idx);
    let mo = match &p.municipalities {
        Ok(blocks) => blocks
            .iter()
            .enumerate()
            .map(|(i, b)| {
                figure(
                    &format!("chart-municipalities-{}", i + 1),
                    &intervals(b),
                    &format!(
                        "{}: доля {} с 95 % ДИ; линия — регион, красные — хуже региона",
                        b.title,
                        super::words::below_min_of(b.below)
                    ),
                )
            })
            .collect(),
        Err(why) => absent(why),
    };
    section(&mut h, "Муниципалитеты и регион", &mo);
    let fl = match &p.flows {
        Ok(f) => figure(
            "chart-flows",
            &flows(f),
            "Переходы школ между кластерами по годам; толщина — число школ",
        ),
        Err(why) => absent(why),
    };
    section(&mut h, "Переходы между кластерами", &fl);
    let ch = match &p.changes {
        Ok(t) => table(t),
        Err(why) => absent(why),
    };
    section(&mut h, "Вход в список и выход из него", &ch);
    h.push_str("</body></html>\n");
    h
}

fn section(h: &mut String, title: &str, body: &str) {
    let _ = write!(h, "<section><h2>{}</h2>\n{body}</section>\n", esc(title));
}

fn absent(why: &str) -> String {
    format!("<p class=\"note\">Нет данных: {}</p>\n", esc(why))
}

fn figure(id: &str, svg: &str, caption: &str) -> String {
    format!(
        "<figure id=\"{id}\"><figcaption>{}</figcaption>{svg}</figure>\n",
        esc(caption)
    )
}

/// A table for people (the cells' Russian display), its notes below.
fn table(t: &Table) -> String {
    let mut h = String::from("<table><thead><tr>");
    for c in &t.headers {
        let _ = write!(h, "<th>{}</th>", esc(c));
    }
    h.push_str("</tr></thead><tbody>\n");
    for r in &t.rows {
        h.push_str("<tr>");
        for c in r {
            let class = match cell_class(c) {
                "" => String::new(),
                k => format!(" class=\"{k}\""),
            };
            let _ = write!(h, "<td{class}>{}</td>", esc(&c.human()));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table>\n");
    for n in &t.notes {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", esc(n));
    }
    h
}

/// The class of a cell for people: `n` (right-aligned, never wrapped) when every value it holds
/// is a number, `t` (hyphenated) for long text, none for short text.
fn cell_class(c: &super::Cell) -> &'static str {
    let numeric = c
        .leaves()
        .iter()
        .all(|(_, l)| !matches!(l, super::Cell::Text(_)));
    if numeric {
        "n"
    } else if c.human().chars().count() > LONG_TEXT {
        "t"
    } else {
        ""
    }
}

/// Text longer than this many characters is a long text cell (hyphenated, see [`cell_class`]).
const LONG_TEXT: usize = 30;

#[cfg(test)]
mod tests {
    use super::super::charts::*;
    use super::super::Cell;
    use super::*;

    fn page_of(flows: Vec<Flow>) -> Page {
        let mut t = Table::new(&["Логин"]);
        t.rows.push(vec!["<script>".into()]);
        Page {
            title: "Отчёт".into(),
            summary: t.clone(),
            final_list: t,
            shares: vec![0.05, 0.1, 0.31],
            thresholds: vec![("порог 30 %".into(), 0.3)],
            clusters: vec![
                (0.31, 0.2, "сильно неуспевающие".into(), true),
                (0.05, 0.6, String::new(), false),
            ],
            index: Err("нет показателей".into()),
            municipalities: Ok(vec![Intervals {
                title: "ВПР".into(),
                below: crate::method::procedures::BelowMin::Mark2,
                region: 0.1,
                rows: vec![("МО".into(), 0.12, 0.1, 0.14, true)],
            }]),
            flows: Ok(flows),
            below: crate::method::procedures::BelowMin::Threshold,
            changes: Err("нет динамики".into()),
        }
    }

    #[test]
    fn the_page_is_self_contained_and_escapes_text() {
        let f = vec![Flow {
            from_year: 2024,
            to_year: 2025,
            from: "не кандидат".into(),
            to: "сильно неуспевающие".into(),
            schools: 2,
        }];
        let h = page(&page_of(f));
        assert!(h.contains("&lt;script&gt;") && !h.contains("<script"));
        assert!(
            !h.contains("http://")
                || h.matches("http://").count() == h.matches("http://www.w3.org/2000/svg").count()
        );
        for id in [
            "chart-share2",
            "chart-clusters",
            "chart-municipalities-1",
            "chart-flows",
        ] {
            assert!(h.contains(&format!("id=\"{id}\"")), "{id}");
        }
        assert!(h.contains("Нет данных: нет показателей"));
        // an ЕГЭ window: the share is below the minimum threshold, no «2» in captions and axes
        assert!(h.contains("Распределение школ по доле ниже минимального порога"));
        assert!(h.contains("Доля ниже мин. порога</text>"));
        assert!(h.contains("ВПР: доля «2» с 95 % ДИ"));
        assert!(!h.contains("доле «2»") && !h.contains("Доля «2»"));
    }

    #[test]
    fn words_are_not_broken_text_is_not_aligned_as_numbers_and_long_labels_fit() {
        assert!(!STYLE.contains("anywhere") && !STYLE.contains("break-all"));
        let notes = Cell::Parts(
            vec![
                (": страта", Cell::from("regular")),
                (": ИСБШ", Cell::num(Some(0.5), 2)),
            ],
            "ИСБШ 0,50 (гр. 3); ниже ожидаемого".into(),
        );
        assert_eq!(cell_class(&notes), "t");
        assert_eq!(cell_class(&Cell::int(10)), "n");
        assert_eq!(
            cell_class(&Cell::share_ci(Some(0.1), Some([0.05, 0.2]), 1, 1)),
            "n"
        );
        assert_eq!(cell_class(&Cell::from("edu990046")), "");
        let long = "Немецкий национальный муниципальный район";
        let b = Intervals {
            title: "ВПР".into(),
            below: crate::method::procedures::BelowMin::Mark2,
            region: 0.1,
            rows: vec![(long.into(), 0.12, 0.1, 0.14, true)],
        };
        let svg = intervals(&b);
        // the label ends 8 px left of the axis, which starts far enough right for all its letters
        let axis: f64 = svg
            .split("<line x1=\"")
            .last()
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            axis >= 16.0 + CHAR_W * long.chars().count() as f64,
            "{axis}"
        );
        let longer = format!("{long} {long}");
        let two = label_lines(&longer);
        assert_eq!(two.len(), 2);
        assert_eq!(two.join(" "), longer);
    }

    /// Reported: the points at the edges of the data were drawn on the axes, half hidden, and the
    /// grey «не кандидат» points and the index chart's colours had no legend.
    #[test]
    fn scatter_points_stay_off_the_axes_and_every_colour_has_a_legend() {
        let pts = vec![
            (0.0, 0.0, String::new(), false),
            (0.4, 1.0, "сильно неуспевающие".into(), true),
        ];
        let svg = clusters(&pts, "Доля «2»");
        let centres: Vec<(f64, f64)> = svg
            .split("<circle cx=\"")
            .skip(1)
            .map(|c| {
                let mut v = c.split('"');
                let x = v.next().unwrap().parse().unwrap();
                let y = v.nth(1).unwrap().parse().unwrap();
                (x, y)
            })
            .take(2)
            .collect();
        for (x, y) in centres {
            assert!((LEFT + 5.0..=W - RIGHT - 5.0).contains(&x), "{x}");
            assert!((TOP + 5.0..=H - BOTTOM - 5.0).contains(&y), "{y}");
        }
        for label in ["не кандидат", "сильно неуспевающие", "отобрана"]
        {
            assert!(svg.contains(&format!(">{label}</text>")), "{label}");
        }
        assert!(svg.contains(&format!("fill=\"{}\"", COLOURS[3].1)));
        assert!(!svg.contains("#cccccc"));
        let c = IndexChart {
            points: vec![(-1.0, 0.5, true), (1.0, -0.5, false)],
            line: vec![(-1.0, 0.4), (1.0, -0.4)],
        };
        let svg = index_chart(&c, "Результат");
        for label in ["резильентная", "прочие школы", "линия модели"]
        {
            assert!(svg.contains(&format!(">{label}</text>")), "{label}");
        }
    }

    #[test]
    fn scales_and_ticks() {
        let s = Scale::new((0.0, 1.0), 10.0, 110.0);
        assert_eq!(s.at(0.5), 60.0);
        assert_eq!(nice_step(0.5), 0.1);
        assert_eq!(ticks(0.0, 0.3, 0.1, pct_label).len(), 4);
    }
}
