//! `report.html`: one self-contained page in Russian — no script, no network, no external file (a
//! Content-Security-Policy forbids any load) — that prints on A4: the summary, the final list and
//! inline SVG charts drawn here from the method's figures ([`Page`]). Drawing maps values to
//! pixels and bins shares for a histogram; it computes no figure of the method.
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
}

/// ИСБШ against results: schools and the regression line (the model's expected values).
pub struct IndexChart {
    pub points: Vec<(f64, f64, bool)>,
    pub line: Vec<(f64, f64)>,
}

/// One procedure: the region's share of «2» and each municipality's with its 95 % interval.
pub struct Intervals {
    pub title: String,
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
const COLOURS: [(&str, &str); 4] = [
    ("сильно неуспевающие", "#c0392b"),
    ("умеренно неуспевающие", "#e67e22"),
    ("базово неуспевающие", "#f1c40f"),
    ("не кандидат", "#bbbbbb"),
];

fn colour(state: &str) -> &'static str {
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
    let dist = figure(
        "chart-share2",
        &histogram(&p.shares, &p.thresholds),
        "Распределение школ по доле «2» за окно отбора; линии — пороги",
    );
    section(&mut h, "Доля «2»", &dist);
    let cl = figure(
        "chart-clusters",
        &clusters(&p.clusters),
        "Школы: доля «2» и качество («4» и «5»); цвет — кластер подтверждённой школы, обводка — отобрана",
    );
    section(&mut h, "Кластеры", &cl);
    let idx = match &p.index {
        Ok(c) => figure(
            "chart-index",
            &index_chart(c),
            "ИСБШ и результат (−доля «2», z): линия — регрессия результата на ИСБШ, зелёные — резильентные школы",
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
                        "{}: доля «2» с 95 % ДИ; линия — регион, красные — хуже региона",
                        b.title
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

/// A linear map of [d0, d1] onto [r0, r1].
#[derive(Clone, Copy)]
struct Scale {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl Scale {
    fn new((d0, d1): (f64, f64), r0: f64, r1: f64) -> Scale {
        let d1 = if d1 > d0 { d1 } else { d0 + 1.0 };
        Scale { d0, d1, r0, r1 }
    }
    fn at(&self, v: f64) -> f64 {
        self.r0 + (v - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }
}

/// The smallest and largest of `v` (0–1 when empty).
fn extent(v: impl Iterator<Item = f64>) -> (f64, f64) {
    v.fold(None, |acc: Option<(f64, f64)>, x| match acc {
        None => Some((x, x)),
        Some((a, b)) => Some((a.min(x), b.max(x))),
    })
    .unwrap_or((0.0, 1.0))
}

/// Percent label of a fraction: `0.3` → `30 %`.
fn pct_label(v: f64) -> String {
    format!("{} %", super::num(v * 100.0, 0))
}

const W: f64 = 720.0;
const H: f64 = 340.0;
const LEFT: f64 = 60.0;
const BOTTOM: f64 = 40.0;
const TOP: f64 = 15.0;
const RIGHT: f64 = 15.0;

fn svg_open(h: f64) -> String {
    format!("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {h}\" width=\"{W}\" height=\"{h}\" role=\"img\">")
}

/// Axes with ticks: x ticks `xt` and y ticks `yt` (value, label).
fn axes(
    x: Scale,
    y: Scale,
    xt: &[(f64, String)],
    yt: &[(f64, String)],
    xl: &str,
    yl: &str,
) -> String {
    let mut s = String::new();
    let (x0, x1, y0, y1) = (LEFT, W - RIGHT, H - BOTTOM, TOP);
    let _ = write!(
        s,
        "<line x1=\"{x0}\" y1=\"{y0}\" x2=\"{x1}\" y2=\"{y0}\" stroke=\"#333\"/>"
    );
    let _ = write!(
        s,
        "<line x1=\"{x0}\" y1=\"{y0}\" x2=\"{x0}\" y2=\"{y1}\" stroke=\"#333\"/>"
    );
    for (v, l) in xt {
        let px = x.at(*v);
        let _ = write!(s, "<line x1=\"{px:.1}\" y1=\"{y0}\" x2=\"{px:.1}\" y2=\"{:.1}\" stroke=\"#333\"/><text x=\"{px:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{}</text>", y0 + 4.0, y0 + 15.0, esc(l));
    }
    for (v, l) in yt {
        let py = y.at(*v);
        let _ = write!(s, "<line x1=\"{:.1}\" y1=\"{py:.1}\" x2=\"{x0}\" y2=\"{py:.1}\" stroke=\"#333\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"end\">{}</text>", x0 - 4.0, x0 - 6.0, py + 3.0, esc(l));
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
        (x0 + x1) / 2.0,
        H - 6.0,
        esc(xl)
    );
    let _ = write!(s, "<text x=\"12\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 12 {:.1})\">{}</text>", (y0 + y1) / 2.0, (y0 + y1) / 2.0, esc(yl));
    s
}

/// Ticks every `step` over [lo, hi], labelled by `label`.
fn ticks(lo: f64, hi: f64, step: f64, label: impl Fn(f64) -> String) -> Vec<(f64, String)> {
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last)
        .map(|i| (i as f64 * step, label(i as f64 * step)))
        .collect()
}

/// A step giving about five ticks over `span`.
fn nice_step(span: f64) -> f64 {
    let raw = span / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
}

/// Histogram of shares in 2.5-point bins over 0 – the largest share, with threshold lines.
fn histogram(shares: &[f64], thresholds: &[(String, f64)]) -> String {
    const BIN: f64 = 0.025;
    let top = shares
        .iter()
        .chain(thresholds.iter().map(|t| &t.1))
        .fold(0.0f64, |a, b| a.max(*b));
    let bins = ((top / BIN).floor() as usize + 1).max(1);
    let mut counts = vec![0usize; bins];
    for s in shares {
        counts[((s / BIN).floor() as usize).min(bins - 1)] += 1;
    }
    let maxc = *counts.iter().max().unwrap_or(&1) as f64;
    let x = Scale::new((0.0, bins as f64 * BIN), LEFT, W - RIGHT);
    let y = Scale::new((0.0, maxc.max(1.0)), H - BOTTOM, TOP);
    let mut s = svg_open(H);
    let xt = ticks(
        0.0,
        bins as f64 * BIN,
        nice_step(bins as f64 * BIN),
        pct_label,
    );
    let yt = ticks(0.0, maxc, nice_step(maxc).max(1.0), |v| format!("{v:.0}"));
    s.push_str(&axes(x, y, &xt, &yt, "Доля «2»", "Школ"));
    for (i, c) in counts.iter().enumerate().filter(|(_, c)| **c > 0) {
        let (x0, x1) = (x.at(i as f64 * BIN), x.at((i + 1) as f64 * BIN));
        let y0 = y.at(*c as f64);
        let _ = write!(s, "<rect x=\"{:.1}\" y=\"{y0:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#5b8db8\"><title>{c}</title></rect>", x0 + 0.5, x1 - x0 - 1.0, H - BOTTOM - y0);
    }
    for (i, (label, v)) in thresholds.iter().enumerate() {
        let px = x.at(*v);
        let _ = write!(s, "<line x1=\"{px:.1}\" y1=\"{TOP}\" x2=\"{px:.1}\" y2=\"{:.1}\" stroke=\"#c0392b\" stroke-dasharray=\"4 3\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#c0392b\">{}</text>", H - BOTTOM, px + 3.0, TOP + 10.0 + 12.0 * i as f64, esc(label));
    }
    s.push_str("</svg>");
    s
}

/// Scatter of share of «2» against quality, coloured by cluster, selected schools outlined.
fn clusters(points: &[(f64, f64, String, bool)]) -> String {
    let (_, xmax) = extent(points.iter().map(|p| p.0));
    let x = Scale::new((0.0, xmax.max(0.05)), LEFT, W - RIGHT);
    let y = Scale::new((0.0, 1.0), H - BOTTOM, TOP);
    let mut s = svg_open(H);
    let xt = ticks(0.0, xmax.max(0.05), nice_step(xmax.max(0.05)), pct_label);
    let yt = ticks(0.0, 1.0, 0.2, pct_label);
    s.push_str(&axes(x, y, &xt, &yt, "Доля «2»", "Качество"));
    // grey first, then clusters on top
    let mut order: Vec<&(f64, f64, String, bool)> = points.iter().collect();
    order.sort_by_key(|p| !p.2.is_empty());
    for (px, py, cl, sel) in order {
        let fill = if cl.is_empty() { "#cccccc" } else { colour(cl) };
        let stroke = if *sel {
            " stroke=\"#000\" stroke-width=\"1.5\""
        } else {
            ""
        };
        let _ = write!(
            s,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{fill}\"{stroke}/>",
            x.at(*px),
            y.at(*py)
        );
    }
    s.push_str(&legend(&COLOURS[..3], W - 220.0));
    s.push_str("</svg>");
    s
}

fn legend(items: &[(&str, &str)], x: f64) -> String {
    let mut s = String::new();
    for (i, (label, c)) in items.iter().enumerate() {
        let y = TOP + 8.0 + 14.0 * i as f64;
        let _ = write!(s, "<circle cx=\"{x}\" cy=\"{y}\" r=\"5\" fill=\"{c}\"/><text x=\"{}\" y=\"{}\" font-size=\"10\">{}</text>", x + 9.0, y + 3.5, esc(label));
    }
    s
}

/// ИСБШ against results with the model's line; resilient schools in green.
fn index_chart(c: &IndexChart) -> String {
    let xs = extent(
        c.points
            .iter()
            .map(|p| p.0)
            .chain(c.line.iter().map(|p| p.0)),
    );
    let ys = extent(
        c.points
            .iter()
            .map(|p| p.1)
            .chain(c.line.iter().map(|p| p.1)),
    );
    let x = Scale::new(xs, LEFT, W - RIGHT);
    let y = Scale::new(ys, H - BOTTOM, TOP);
    let mut s = svg_open(H);
    let xt = ticks(xs.0, xs.1, nice_step(xs.1 - xs.0), |v| super::num(v, 1));
    let yt = ticks(ys.0, ys.1, nice_step(ys.1 - ys.0), |v| super::num(v, 1));
    s.push_str(&axes(x, y, &xt, &yt, "ИСБШ", "Результат (−доля «2», z)"));
    for (px, py, res) in &c.points {
        let fill = if *res { "#27ae60" } else { "#7f9db9" };
        let r = if *res { 5 } else { 3 };
        let _ = write!(
            s,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{r}\" fill=\"{fill}\"/>",
            x.at(*px),
            y.at(*py)
        );
    }
    if c.line.len() >= 2 {
        let pts: Vec<String> = c
            .line
            .iter()
            .map(|(a, b)| format!("{:.1},{:.1}", x.at(*a), y.at(*b)))
            .collect();
        let _ = write!(
            s,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\"/>",
            pts.join(" ")
        );
    }
    s.push_str("</svg>");
    s
}

/// One row per municipality: its share with the interval, the region's share as a line.
fn intervals(b: &Intervals) -> String {
    let lines: Vec<Vec<String>> = b.rows.iter().map(|r| label_lines(&r.0)).collect();
    let widest = lines.iter().flatten().map(|l| l.chars().count()).max();
    let names = (16.0 + CHAR_W * widest.unwrap_or(0) as f64).clamp(120.0, W / 2.0);
    let row = if lines.iter().any(|l| l.len() > 1) {
        26.0
    } else {
        18.0
    };
    let h = TOP + BOTTOM + row * b.rows.len() as f64;
    let hi = b.rows.iter().map(|r| r.3).fold(b.region, f64::max);
    let x = Scale::new((0.0, hi * 1.05), names, W - RIGHT);
    let mut s = svg_open(h);
    for (i, ((_, v, lo, up, worse), label)) in b.rows.iter().zip(&lines).enumerate() {
        let cy = TOP + row * (i as f64 + 0.5);
        let c = if *worse { "#c0392b" } else { "#34495e" };
        let top = cy + 3.5 - 5.5 * (label.len() as f64 - 1.0);
        for (k, l) in label.iter().enumerate() {
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"end\">{}</text>",
                names - 8.0,
                top + 11.0 * k as f64,
                esc(l)
            );
        }
        let _ = write!(s, "<line x1=\"{:.1}\" y1=\"{cy:.1}\" x2=\"{:.1}\" y2=\"{cy:.1}\" stroke=\"{c}\" stroke-width=\"2\"/><circle cx=\"{:.1}\" cy=\"{cy:.1}\" r=\"4\" fill=\"{c}\"/>", x.at(*lo), x.at(*up), x.at(*v));
    }
    let (y0, rx) = (h - BOTTOM, x.at(b.region));
    let _ = write!(s, "<line x1=\"{rx:.1}\" y1=\"{TOP}\" x2=\"{rx:.1}\" y2=\"{y0:.1}\" stroke=\"#27ae60\" stroke-dasharray=\"4 3\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#27ae60\">регион {} %</text>", rx + 3.0, y0 - 3.0, esc(&super::pct(b.region, 1)));
    let _ = write!(
        s,
        "<line x1=\"{names:.1}\" y1=\"{y0:.1}\" x2=\"{:.1}\" y2=\"{y0:.1}\" stroke=\"#333\"/>",
        W - RIGHT
    );
    for (v, l) in ticks(0.0, hi * 1.05, nice_step(hi * 1.05), pct_label) {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
            x.at(v),
            y0 + 14.0,
            esc(&l)
        );
    }
    s.push_str("</svg>");
    s
}

/// Width of one character of a 10-pixel label (DejaVu Sans, Cyrillic, with a margin).
const CHAR_W: f64 = 6.3;

/// A municipality's label in one line, or in two split at the space nearest the middle when it
/// is wider than half the chart.
fn label_lines(name: &str) -> Vec<String> {
    let n = name.chars().count();
    if 16.0 + CHAR_W * n as f64 <= W / 2.0 {
        return vec![name.to_string()];
    }
    let mid = name.len() / 2;
    let split = name
        .match_indices(' ')
        .map(|(i, _)| i)
        .min_by_key(|i| i.abs_diff(mid));
    match split {
        Some(i) => vec![name[..i].to_string(), name[i + 1..].to_string()],
        None => vec![name.to_string()],
    }
}

/// The states of the flows in drawing order (clusters, then «не кандидат»).
fn states(f: &[Flow]) -> Vec<String> {
    let mut st: Vec<String> = COLOURS.iter().map(|(s, _)| s.to_string()).collect();
    for x in f {
        for s in [&x.from, &x.to] {
            if !st.contains(s) {
                st.push(s.clone());
            }
        }
    }
    st
}

/// Columns of years, each a stack of states sized by its schools, and bands between them.
fn flows(f: &[Flow]) -> String {
    let mut years: Vec<i32> = f.iter().flat_map(|x| [x.from_year, x.to_year]).collect();
    years.sort();
    years.dedup();
    let st = states(f);
    // schools per (year, state): leaving for the first year, arriving for the others
    let size = |y: i32, s: &str| -> usize {
        let out: usize = f
            .iter()
            .filter(|x| x.from_year == y && x.from == s)
            .map(|x| x.schools)
            .sum();
        let inn: usize = f
            .iter()
            .filter(|x| x.to_year == y && x.to == s)
            .map(|x| x.schools)
            .sum();
        out.max(inn)
    };
    let total = years
        .iter()
        .map(|y| st.iter().map(|s| size(*y, s)).sum::<usize>())
        .max()
        .unwrap_or(1)
        .max(1);
    let (gap, bar) = (10.0, 14.0);
    let avail = H - TOP - BOTTOM - gap * st.len() as f64;
    let k = avail / total as f64;
    let xcol =
        |i: usize| LEFT + i as f64 * (W - LEFT - RIGHT - 160.0) / (years.len().max(2) - 1) as f64;
    // top of each (year, state) node
    let node_top = |yi: usize, si: usize| -> f64 {
        TOP + (0..si)
            .map(|j| size(years[yi], &st[j]) as f64 * k + gap)
            .sum::<f64>()
    };
    let mut s = svg_open(H);
    let mut out_off = std::collections::BTreeMap::new();
    let mut in_off = std::collections::BTreeMap::new();
    for x in f {
        let (yi, yj) = (
            years.iter().position(|y| *y == x.from_year).unwrap(),
            years.iter().position(|y| *y == x.to_year).unwrap(),
        );
        let (si, sj) = (
            st.iter().position(|s| *s == x.from).unwrap(),
            st.iter().position(|s| *s == x.to).unwrap(),
        );
        let w = x.schools as f64 * k;
        let o = out_off.entry((yi, si)).or_insert(0.0);
        let y0 = node_top(yi, si) + *o + w / 2.0;
        *o += w;
        let i = in_off.entry((yj, sj)).or_insert(0.0);
        let y1 = node_top(yj, sj) + *i + w / 2.0;
        *i += w;
        let (x0, x1) = (xcol(yi) + bar, xcol(yj));
        let mx = (x0 + x1) / 2.0;
        let _ = write!(s, "<path d=\"M{x0:.1},{y0:.1} C{mx:.1},{y0:.1} {mx:.1},{y1:.1} {x1:.1},{y1:.1}\" fill=\"none\" stroke=\"{}\" stroke-opacity=\"0.45\" stroke-width=\"{:.1}\"><title>{} → {}: {}</title></path>", colour(&x.from), w.max(1.0), esc(&x.from), esc(&x.to), x.schools);
    }
    for (yi, y) in years.iter().enumerate() {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{y}</text>",
            xcol(yi) + bar / 2.0,
            H - BOTTOM + 16.0
        );
        for (si, name) in st.iter().enumerate() {
            let n = size(*y, name);
            if n == 0 {
                continue;
            }
            let top = node_top(yi, si);
            let _ = write!(s, "<rect x=\"{:.1}\" y=\"{top:.1}\" width=\"{bar}\" height=\"{:.1}\" fill=\"{}\"><title>{}: {n}</title></rect>", xcol(yi), (n as f64 * k).max(1.0), colour(name), esc(name));
            if yi + 1 == years.len() {
                let _ = write!(
                    s,
                    "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\">{} ({n})</text>",
                    xcol(yi) + bar + 5.0,
                    top + (n as f64 * k) / 2.0 + 3.5,
                    esc(name)
                );
            }
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
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
                region: 0.1,
                rows: vec![("МО".into(), 0.12, 0.1, 0.14, true)],
            }]),
            flows: Ok(flows),
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

    #[test]
    fn scales_and_ticks() {
        let s = Scale::new((0.0, 1.0), 10.0, 110.0);
        assert_eq!(s.at(0.5), 60.0);
        assert_eq!(nice_step(0.5), 0.1);
        assert_eq!(ticks(0.0, 0.3, 0.1, pct_label).len(), 4);
    }
}
