//! The verify tool: a manifest or public summary pasted or chosen, checked in the browser.

use super::{page, VERIFY_JS};
use leptos::prelude::*;

/// The verify tool: paste or choose a manifest or a public summary, verify it here.
pub fn verify_page(verifier_url: &str) -> String {
    page(
        "复核工具",
        view! {
            <h1>"复核一次抽取"</h1>
            <p>"粘贴或选择一份抽取清单（manifest.json，纪检监督人员可下载）或公开摘要（各抽取公示页的 draw.json），
                本浏览器按公开的 DR1 协议重新计算并逐项比对，数据不会上传。"</p>
            <label for="json">"抽取清单或公开摘要（JSON）"</label>
            <textarea id="json" rows="6" spellcheck="false"></textarea>
            <p><label for="file">"或选择文件："</label><input id="file" type="file" accept=".json,application/json"/></p>
            <button type="button" id="verify" data-wasm=verifier_url.to_string()>"复核"</button>
            <div id="verify-out" aria-live="polite"></div>
            <p class="meta" data-testid="offline">"不用浏览器也可以复核：下载 "
                <a href="/public/verify/dr1_verify.py" download="dr1_verify.py">"Python 核验脚本 dr1_verify.py"</a>
                "（不足 80 行，只用标准库：" <code>"python3 dr1_verify.py 抽取清单.json"</code>"），或用命令 "
                <code>"shuangsui verify 文件"</code>"。步骤与原理见"<a href="/public/verify/guide">"核验说明"</a>"。"</p>
            <script type="module" inner_html=VERIFY_JS></script>
        },
    )
}
