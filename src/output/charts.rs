//! The report's charts as inline SVG (no script, no external file): the share-of-«2» histogram with
//! the thresholds, clusters, ИСБШ against results, municipalities against the region with their
//! intervals, and flows between clusters. The figures come from the method's frames; this only
//! draws them.
use super::html::{colour, esc, Flow, IndexChart, Intervals, COLOURS};
use std::fmt::Write;

/// A linear map of [d0, d1] onto [r0, r1].
#[derive(Clone, Copy)]
pub(super) struct Scale {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl Scale {
    pub(super) fn new((d0, d1): (f64, f64), r0: f64, r1: f64) -> Scale {
        let d1 = if d1 > d0 { d1 } else { d0 + 1.0 };
        Scale { d0, d1, r0, r1 }
    }
    pub(super) fn at(&self, v: f64) -> f64 {
        self.r0 + (v - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }
}

/// The smallest and largest of `v` (0–1 when empty).
pub(super) fn extent(v: impl Iterator<Item = f64>) -> (f64, f64) {
    v.fold(None, |acc: Option<(f64, f64)>, x| match acc {
        None => Some((x, x)),
        Some((a, b)) => Some((a.min(x), b.max(x))),
    })
    .unwrap_or((0.0, 1.0))
}

/// Percent label of a fraction: `0.3` → `30 %`.
pub(super) fn pct_label(v: f64) -> String {
    format!("{} %", super::num(v * 100.0, 0))
}

pub(super) const W: f64 = 720.0;
pub(super) const H: f64 = 340.0;
pub(super) const LEFT: f64 = 60.0;
pub(super) const BOTTOM: f64 = 40.0;
pub(super) const TOP: f64 = 15.0;
pub(super) const RIGHT: f64 = 15.0;

pub(super) fn svg_open(h: f64) -> String {
    format!("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {h}\" width=\"{W}\" height=\"{h}\" role=\"img\">")
}

/// Axes with ticks: x ticks `xt` and y ticks `yt` (value, label).
pub(super) fn axes(
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
pub(super) fn ticks(
    lo: f64,
    hi: f64,
    step: f64,
    label: impl Fn(f64) -> String,
) -> Vec<(f64, String)> {
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last)
        .map(|i| (i as f64 * step, label(i as f64 * step)))
        .collect()
}

/// A step giving about five ticks over `span`.
pub(super) fn nice_step(span: f64) -> f64 {
    let raw = span / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
}

/// Histogram of shares in 2.5-point bins over 0 – the largest share, with threshold lines.
/// `share` is the x axis' words (`words::below_min`).
pub(super) fn histogram(shares: &[f64], thresholds: &[(String, f64)], share: &str) -> String {
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
    s.push_str(&axes(x, y, &xt, &yt, share, "Школ"));
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

/// Scatter of share of «2» against quality, coloured by cluster («не кандидат» grey), selected schools
/// outlined, with the legend of all four colours and the outline under the plot;
/// `share` is the x axis' words (`words::below_min`).
pub(super) fn clusters(points: &[(f64, f64, String, bool)], share: &str) -> String {
    let (_, xmax) = extent(points.iter().map(|p| p.0));
    let (x, y) = point_scales((0.0, xmax.max(0.05)), (0.0, 1.0));
    let mut s = svg_open(H + LEGEND_ROW);
    let xt = ticks(0.0, xmax.max(0.05), nice_step(xmax.max(0.05)), pct_label);
    let yt = ticks(0.0, 1.0, 0.2, pct_label);
    s.push_str(&axes(x, y, &xt, &yt, share, "Качество"));
    // grey first, then clusters on top
    let mut order: Vec<&(f64, f64, String, bool)> = points.iter().collect();
    order.sort_by_key(|p| !p.2.is_empty());
    let grey = COLOURS[3].1;
    for (px, py, cl, sel) in order {
        let fill = if cl.is_empty() { grey } else { colour(cl) };
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
    let mut items: Vec<(&str, Mark)> = COLOURS.iter().map(|(l, c)| (*l, Mark::Dot(c))).collect();
    items.push(("отобрана", Mark::Outlined));
    s.push_str(&legend_row(&items, H + 4.0));
    s.push_str("</svg>");
    s
}

/// The height of the legend row under a scatter plot, in pixels.
const LEGEND_ROW: f64 = 18.0;

/// Points are drawn this many pixels inside the axes, so that a point at the edge of the data is
/// whole and off the axis lines.
const INSET: f64 = 8.0;

/// The x and y scales of a scatter plot over the domains `xd` and `yd`, inset from the axes.
fn point_scales(xd: (f64, f64), yd: (f64, f64)) -> (Scale, Scale) {
    (
        Scale::new(xd, LEFT + INSET, W - RIGHT - INSET),
        Scale::new(yd, H - BOTTOM - INSET, TOP + INSET),
    )
}

/// A legend entry's mark: a dot of a colour, a white dot outlined in black, a line of a colour.
pub(super) enum Mark<'a> {
    Dot(&'a str),
    Outlined,
    Line(&'a str),
}

/// The legend as one row starting at the left axis, its marks' centres at height `y` + 7.
pub(super) fn legend_row(items: &[(&str, Mark)], y: f64) -> String {
    let mut s = String::new();
    let (mut x, cy) = (LEFT, y + 7.0);
    for (label, mark) in items {
        let _ = match mark {
            Mark::Dot(c) => write!(s, "<circle cx=\"{:.1}\" cy=\"{cy:.1}\" r=\"5\" fill=\"{c}\"/>", x + 5.0),
            Mark::Outlined => write!(s, "<circle cx=\"{:.1}\" cy=\"{cy:.1}\" r=\"5\" fill=\"#fff\" stroke=\"#000\" stroke-width=\"1.5\"/>", x + 5.0),
            Mark::Line(c) => write!(s, "<line x1=\"{x:.1}\" y1=\"{cy:.1}\" x2=\"{:.1}\" y2=\"{cy:.1}\" stroke=\"{c}\" stroke-width=\"2\"/>", x + 10.0),
        };
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\">{}</text>",
            x + 14.0,
            cy + 3.5,
            esc(label)
        );
        x += 14.0 + CHAR_W * label.chars().count() as f64 + 12.0;
    }
    s
}

/// The index chart's colours: resilient schools, the other schools, the model's line.
const RESILIENT: &str = "#27ae60";
const OTHER: &str = "#7f9db9";
const MODEL_LINE: &str = "#c0392b";

/// ИСБШ against results with the model's line; resilient schools in green; the legend under the plot.
/// `result` is the y axis' words (`Результат (−доля «2», z)`).
pub(super) fn index_chart(c: &IndexChart, result: &str) -> String {
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
    let (x, y) = point_scales(xs, ys);
    let mut s = svg_open(H + LEGEND_ROW);
    let xt = ticks(xs.0, xs.1, nice_step(xs.1 - xs.0), |v| super::num(v, 1));
    let yt = ticks(ys.0, ys.1, nice_step(ys.1 - ys.0), |v| super::num(v, 1));
    s.push_str(&axes(x, y, &xt, &yt, "ИСБШ", result));
    for (px, py, res) in &c.points {
        let fill = if *res { RESILIENT } else { OTHER };
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
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{MODEL_LINE}\" stroke-width=\"2\"/>",
            pts.join(" ")
        );
    }
    let items = [
        ("резильентная", Mark::Dot(RESILIENT)),
        ("прочие школы", Mark::Dot(OTHER)),
        ("линия модели", Mark::Line(MODEL_LINE)),
    ];
    s.push_str(&legend_row(&items, H + 4.0));
    s.push_str("</svg>");
    s
}

/// One row per municipality: its share with the interval, the region's share as a line.
pub(super) fn intervals(b: &Intervals) -> String {
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
pub(super) const CHAR_W: f64 = 6.3;

/// A municipality's label in one line, or in two split at the space nearest the middle when it
/// is wider than half the chart.
pub(super) fn label_lines(name: &str) -> Vec<String> {
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
pub(super) fn states(f: &[Flow]) -> Vec<String> {
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
pub(super) fn flows(f: &[Flow]) -> String {
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
