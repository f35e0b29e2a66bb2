//! The verification guide (`docs/verify.md`, built into the binary) as a portal page, so
//! that the public reads it where the verify tool sends them, not in a repository.
//! Only the little Markdown the guide uses is understood: headings, lists, code blocks,
//! `code` and **bold**; everything else is text.

use super::page;
use leptos::prelude::*;

/// The guide's Markdown, as in the repository.
pub const GUIDE_MD: &str = include_str!("../../../../docs/verify.md");

/// The stand-alone verifier script the guide describes, served for download.
pub const VERIFY_PY: &str = include_str!("../../../../docs/dr1_verify.py");

/// The guide page.
pub fn guide_page() -> String {
    page(
        "核验说明",
        view! {
            <p class="meta"><a href="/public/verify">"← 复核工具"</a>" · 脚本下载："
                <a href="/public/verify/dr1_verify.py" download="dr1_verify.py">"dr1_verify.py"</a></p>
            <div class="guide" data-testid="guide">{blocks(GUIDE_MD)}</div>
        },
    )
}

/// The Markdown's blocks as views: a heading, a list item, a code block or a paragraph.
fn blocks(md: &str) -> impl IntoView {
    let mut out = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut code: Option<Vec<&str>> = None;
    let flush = |para: &mut Vec<&str>, out: &mut Vec<AnyView>| {
        if !para.is_empty() {
            out.push(view! { <p>{inline(&para.join(""))}</p> }.into_any());
            para.clear();
        }
    };
    for line in md.lines() {
        let t = line.trim();
        if let Some(lines) = code.as_mut() {
            if t.starts_with("```") {
                let text = lines.join("\n");
                out.push(view! { <pre><code>{text}</code></pre> }.into_any());
                code = None;
            } else {
                lines.push(t);
            }
            continue;
        }
        if t.starts_with("```") {
            flush(&mut para, &mut out);
            code = Some(Vec::new());
        } else if t.is_empty() || t.starts_with("[中文]") {
            flush(&mut para, &mut out);
        } else if let Some(h) = t.strip_prefix("### ") {
            flush(&mut para, &mut out);
            out.push(view! { <h3>{h.to_string()}</h3> }.into_any());
        } else if let Some(h) = t.strip_prefix("## ") {
            flush(&mut para, &mut out);
            out.push(view! { <h2>{h.to_string()}</h2> }.into_any());
        } else if let Some(h) = t.strip_prefix("# ") {
            flush(&mut para, &mut out);
            out.push(view! { <h1>{h.to_string()}</h1> }.into_any());
        } else if let Some(item) = t.strip_prefix("- ") {
            flush(&mut para, &mut out);
            para.extend(["• ", item]);
        } else if t.split_once(". ").is_some_and(|(n, _)| n.parse::<u32>().is_ok()) {
            flush(&mut para, &mut out);
            para.push(t);
        } else {
            // A wrapped line goes on its paragraph (English words keep a space between).
            if para.last().is_some_and(|l| l.is_ascii() || t.is_ascii()) {
                para.push(" ");
            }
            para.push(t);
        }
    }
    flush(&mut para, &mut out);
    out
}

/// `code` and **bold** inside a line; the rest as text.
fn inline(text: &str) -> impl IntoView {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                view! { <code>{part.to_string()}</code> }.into_any()
            } else {
                part.split("**")
                    .enumerate()
                    .map(|(j, s)| {
                        if j % 2 == 1 {
                            view! { <strong>{s.to_string()}</strong> }.into_any()
                        } else {
                            s.to_string().into_any()
                        }
                    })
                    .collect_view()
                    .into_any()
            }
        })
        .collect_view()
}
