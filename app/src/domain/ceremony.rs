//! 抽取现场 — the live draw ceremony: its steps, what the room's screen and the observers'
//! phones show, and the entropy typed in the room.

use super::draw::{check_entropy, EntropyFault, Refusal, MAX_ENTROPY_CHARS};
use serde::{Deserialize, Serialize};

/// The ceremony's steps, in order. Stored with the draw so a reopened screen resumes.
pub const STEPS: [&str; 5] = ["任务与承诺", "现场随机数", "揭示密钥与种子", "抽取过程", "抽取结果"];

/// The last step.
pub const LAST_STEP: u8 = 5;

/// Converts what a Chinese input method types into the ASCII DR1 accepts: full-width
/// forms (ＡＢＣ１２３！) become their ASCII letters, digits and signs, and the
/// ideographic space a space. Everything else is kept (and refused by DR1 if not ASCII).
pub fn to_ascii(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            other => other,
        })
        .collect()
}

/// Whether the room's entropy (already converted) would be accepted: the count of
/// characters that count, or the reason in words. The room throws dice, so only the
/// points 1–6 (separated by spaces or not) are taken; DR1 itself (refusal 5) would take
/// any printable ASCII, and its refusals are worded here too.
pub fn entropy_status(entropy: &str) -> Result<usize, String> {
    let not_a_die = entropy
        .chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\n' | '\r'))
        .enumerate()
        .find(|(_, c)| !('1'..='6').contains(c));
    if let Some((position, ch)) = not_a_die {
        return Err(format!("第 {} 个点数“{ch}”不是骰子点数：只能输入 1–6", position + 1));
    }
    match check_entropy(entropy) {
        Ok(e) => Ok(e.chars().count()),
        Err(Refusal::Entropy(EntropyFault::Empty)) => {
            Err("请输入现场随机数（如两名监督人员各掷 10 次骰子）".into())
        }
        Err(Refusal::Entropy(EntropyFault::TooLong { chars })) => {
            Err(format!("现场随机数过长：{chars} 个字符，最多 {MAX_ENTROPY_CHARS} 个"))
        }
        Err(Refusal::Entropy(EntropyFault::Forbidden { ch, position })) => {
            Err(format!("第 {} 个字符“{ch}”不允许：只能使用数字、英文字母和英文标点", position + 1))
        }
        Err(other) => Err(other.to_string()),
    }
}

/// A 64-character hex value in groups of four, four groups to a line, for reading aloud.
pub fn grouped_hex(hex: &str) -> Vec<String> {
    let groups: Vec<&str> = hex.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap_or("")).collect();
    groups.chunks(4).map(|line| line.join(" ")).collect()
}

/// A selected enterprise as the room and observers see it (no risk class: not public).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawnEnterprise {
    pub code: String,
    pub name: String,
    pub key: String,
    /// Team members' names, in order.
    pub team: Vec<String>,
    /// Inspectors skipped for a declared conflict (pre-draw recusals) while walking the ranking.
    pub skipped: Vec<String>,
    /// Inspectors replaced after the draw (post recusals), with the replacement.
    pub replaced: Vec<(String, String)>,
}

/// The state of a ceremony: what the projector and every observer's phone show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveState {
    pub task_id: i64,
    pub draw_id: i64,
    pub task_no: String,
    pub task_name: String,
    /// 0 = not begun, 1..=5 the steps.
    pub step: u8,
    pub pool_count: i64,
    pub ratio: String,
    pub to_draw: i64,
    pub pool_digest: String,
    pub commitment: String,
    pub frozen_at: String,
    pub place: String,
    /// The entropy typed so far (converted to ASCII), or the one drawn with.
    pub entropy: String,
    /// Revealed with the draw.
    pub secret: Option<String>,
    pub seed: Option<String>,
    pub drawn_at: Option<String>,
    pub selected: Vec<DrawnEnterprise>,
}

impl LiveState {
    pub fn drawn(&self) -> bool {
        self.seed.is_some()
    }

    /// What anyone may follow: the same state without the inspectors' names (teams and
    /// recusals are for signed-in users; the public portal names no inspector).
    pub fn public(mut self) -> Self {
        for e in &mut self.selected {
            e.team.clear();
            e.skipped.clear();
            e.replaced.clear();
        }
        self
    }
}

/// What the ceremony screen needs beyond the live state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CeremonyView {
    pub live: LiveState,
    /// Names from the pool for the spinning animation (a sample for large pools).
    pub pool_names: Vec<String>,
    /// QR codes as SVG (drawn by the server): the observers' live page, and after the
    /// draw the public verify page.
    pub live_qr: String,
    pub verify_qr: Option<String>,
    pub live_url: String,
    pub verify_url: Option<String>,
    /// Whether the signed-in user may run this ceremony.
    pub can_run: bool,
    /// 纪检监督 (必要时可邀请局纪检部门到场监督): who was invited and who attended, as
    /// written by the clerk; printed on the record, not shown to the public.
    #[serde(default)]
    pub observers_invited: String,
    #[serde(default)]
    pub observers_present: String,
    /// Joint departments and the task's source, for the printed forms.
    #[serde(default)]
    pub departments: String,
    #[serde(default)]
    pub status: Option<crate::domain::workflow::TaskStatus>,
    /// The events of the list's consent and filing: (step, who, comment, when).
    #[serde(default)]
    pub list_events: Vec<(String, String, String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_input_becomes_ascii_and_is_checked() {
        assert_eq!(to_ascii("３１４１５\u{3000}ＡＢ！"), "31415 AB!");
        assert_eq!(entropy_status(&to_ascii("３ １ ４")), Ok(3));
        assert!(entropy_status(" \t").unwrap_err().contains("请输入"));
        let err = entropy_status("12·3").unwrap_err();
        assert!(err.contains("第 3 个点数“·”"), "{err}");
        let err = entropy_status("3 1 9 2").unwrap_err();
        assert!(err.contains("第 3 个点数“9”不是骰子点数") && err.contains("1–6"), "{err}");
        assert!(entropy_status("0").is_err() && entropy_status("a").is_err());
        assert_eq!(entropy_status("1 2 3 4 5 6"), Ok(6));
        assert!(entropy_status(&"1".repeat(257)).unwrap_err().contains("过长"));
    }

    #[test]
    fn hex_is_grouped_for_reading_aloud() {
        let seed = "0123456789abcdef".repeat(4);
        let lines = grouped_hex(&seed);
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0], "0123 4567 89ab cdef");
    }
}
