//! Charts as inline SVG text, drawn by the server (no chart library, no script): stacked
//! bars, horizontal bars and a funnel. Each carries `role="img"`, an `aria-label`, a
//! `<title>` and a `<desc>` that say its numbers in words; every text in it is escaped.
//! The page puts the same numbers in a table under it.

use crate::escape_html;

/// Fill colours, in series order (readable on white, distinct in grey too).
const COLOURS: [&str; 6] = ["#2b6cb0", "#c53030", "#b7791f", "#718096", "#2f855a", "#6b46c1"];

fn open(title: &str, desc: &str, width: u32, height: u32) -> String {
    let (t, d) = (escape_html(title), escape_html(desc));
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {width} {height}\" \
         role=\"img\" aria-label=\"{t}：{d}\" preserveAspectRatio=\"xMinYMin meet\">\
         <title>{t}</title><desc>{d}</desc>"
    )
}

fn text(x: f64, y: f64, anchor: &str, size: u32, s: &str) -> String {
    format!(
        "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" font-size=\"{size}\" fill=\"#1a202c\">{}</text>",
        escape_html(s)
    )
}

/// Vertical bars, one per `labels` entry, each stacked from `series` (values per label).
pub fn stacked_bars(title: &str, labels: &[String], series: &[&str], values: &[Vec<i64>]) -> String {
    let desc = labels
        .iter()
        .zip(values)
        .filter(|(_, v)| v.iter().sum::<i64>() > 0)
        .map(|(l, v)| {
            let parts: Vec<String> =
                series.iter().zip(v).filter(|(_, n)| **n > 0).map(|(s, n)| format!("{s}{n}")).collect();
            format!("{l}：{}", parts.join("、"))
        })
        .collect::<Vec<_>>()
        .join("；");
    let desc = if desc.is_empty() { "没有数据".to_string() } else { desc };
    let (w, h, left, top, bottom) = (440.0, 220.0, 30.0, 34.0, 24.0);
    let max = values.iter().map(|v| v.iter().sum::<i64>()).max().unwrap_or(0).max(1) as f64;
    let slot = (w - left) / labels.len().max(1) as f64;
    let plot = h - top - bottom;
    let mut out = open(title, &desc, w as u32, h as u32);
    // Legend along the top.
    let mut x = left;
    for (i, s) in series.iter().enumerate() {
        out.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{}\"/>",
            COLOURS[i % COLOURS.len()]
        ));
        out.push_str(&text(x + 16.0, 16.0, "start", 12, s));
        x += 16.0 + 14.0 * s.chars().count() as f64 + 14.0;
    }
    out.push_str(&text(left - 6.0, top + 4.0, "end", 11, &(max as i64).to_string()));
    out.push_str(&text(left - 6.0, h - bottom, "end", 11, "0"));
    out.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{}\" x2=\"{w}\" y2=\"{}\" stroke=\"#a0aec0\"/>",
        h - bottom,
        h - bottom
    ));
    // Bars at most 48 wide, centred in their slot (one department would fill the width).
    let bar = (slot * 0.7).min(48.0);
    for (i, (label, v)) in labels.iter().zip(values).enumerate() {
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        let mut y = h - bottom;
        for (k, n) in v.iter().enumerate() {
            if *n <= 0 {
                continue;
            }
            let bh = plot * *n as f64 / max;
            y -= bh;
            out.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{bh:.1}\" fill=\"{}\"/>",
                COLOURS[k % COLOURS.len()]
            ));
        }
        out.push_str(&text(x + bar / 2.0, h - 8.0, "middle", 11, label));
    }
    out.push_str("</svg>");
    out
}

/// Horizontal bars: one per label, with its number at the end (`centred` draws a funnel).
pub fn bars(title: &str, items: &[(String, i64)], centred: bool) -> String {
    let desc = if items.is_empty() {
        "没有数据".to_string()
    } else {
        items.iter().map(|(l, n)| format!("{l} {n}")).collect::<Vec<_>>().join("；")
    };
    let (w, row, label_w) = (440.0, 28.0, 120.0);
    let h = (items.len().max(1) as f64 * row + 8.0).round();
    let max = items.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let room = w - label_w - 44.0;
    let mut out = open(title, &desc, w as u32, h as u32);
    for (i, (label, n)) in items.iter().enumerate() {
        let y = 4.0 + row * i as f64;
        let bw = (room * *n as f64 / max).max(if *n > 0 { 1.0 } else { 0.0 });
        let x = if centred { label_w + (room - bw) / 2.0 } else { label_w };
        out.push_str(&text(label_w - 8.0, y + 17.0, "end", 12, label));
        out.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" fill=\"{}\"/>",
            row - 8.0,
            COLOURS[if centred { i % COLOURS.len() } else { 0 }]
        ));
        let nx = if centred { label_w + room + 8.0 } else { x + bw + 6.0 };
        out.push_str(&text(nx, y + 17.0, "start", 12, &n.to_string()));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_the_chart_says_its_numbers() {
        let svg = bars("按部门", &[("<script>alert(1)</script>".into(), 3), ("乙".into(), 0)], false);
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; 3；乙 0"), "{svg}");
        assert!(svg.starts_with("<svg") && svg.contains("role=\"img\"") && svg.contains("<desc>"));
        let stacked = stacked_bars("月度", &["3 月".into()], &["甲\"", "乙"], &[vec![2, 1]]);
        assert!(stacked.contains("3 月：甲&quot;2、乙1") && !stacked.contains("甲\""), "{stacked}");
        assert_eq!(stacked.matches("<rect").count(), 4, "two legend keys and two bar parts");
    }
}
