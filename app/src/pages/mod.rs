//! Route components by domain.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod ceremony;
pub mod not_found;
pub mod plans;
pub mod registry;
pub mod results;
pub mod stats;
pub mod tasks;
pub mod verify;

/// Links to what the server answers itself (files, the portal, the live page) must carry
/// `rel="external"` or `download`: otherwise the client-side router takes the click and
/// shows 页面不存在 (issue 24).
#[cfg(test)]
mod link_tests {
    const SERVER_ONLY: [&str; 7] = ["export", ".xlsx", ".csv", ".json", "/public", "/live/", "/api/"];

    #[test]
    fn links_to_the_server_leave_the_router() {
        fn walk(dir: &std::path::Path, bad: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, bad);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for (n, line) in text.lines().enumerate() {
                    for tag in line.split("<a ").skip(1) {
                        let tag = tag.split_once('>').map_or(tag, |(t, _)| t);
                        let href = tag.split_once("href=").map_or("", |(_, h)| h);
                        let leaves = tag.contains("rel=\"external\"") || tag.contains("download");
                        if SERVER_ONLY.iter().any(|m| href.contains(m)) && !leaves {
                            bad.push(format!("{}:{}", path.display(), n + 1));
                        }
                    }
                }
            }
        }
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut bad = Vec::new();
        walk(&src.join("pages"), &mut bad);
        walk(&src.join("components"), &mut bad);
        assert!(bad.is_empty(), "links the router would take: {bad:?}");
    }
}
