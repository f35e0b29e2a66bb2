//! 抽查比例 — a share of a pool, in basis points (1 bp = 0.01 %; 2 % = 200 bp), from 0 to
//! 100 %. A value of this type is always in range: a bare `u32` of basis points could be
//! 20,000, or be read as a percentage by mistake; a `Ratio` is made only by [`Ratio::from_bp`]
//! or [`Ratio::parse_percent`] and shown only by [`Ratio::label`].

use serde::{Deserialize, Serialize};
use std::fmt;

/// A ratio in basis points, at most 10,000 (100 %). On the wire it is its number of basis
/// points, as before the type existed; a larger number is refused when read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Ratio(u32);

impl Ratio {
    /// 100 %.
    pub const FULL: Ratio = Ratio(10_000);

    /// The ratio of `bp` basis points, if it is at most 100 %.
    pub const fn from_bp(bp: u32) -> Option<Ratio> {
        if bp <= Self::FULL.0 {
            Some(Ratio(bp))
        } else {
            None
        }
    }

    /// Its basis points.
    pub const fn bp(self) -> u32 {
        self.0
    }

    /// As the plan table prints it: 200 bp → `2%`, 250 → `2.5%`, 5 → `0.05%`.
    pub fn label(self) -> String {
        let bp = self.0;
        if bp.is_multiple_of(100) {
            format!("{}%", bp / 100)
        } else {
            let s = format!("{}.{:02}", bp / 100, bp % 100);
            format!("{}%", s.trim_end_matches('0'))
        }
    }

    /// A percentage as people write it: `2`, `2%`, `2.5 %`, `０.５％` (full-width digits
    /// from a Chinese input method), at most two decimals; the problem in words otherwise.
    pub fn parse_percent(text: &str) -> Result<Ratio, String> {
        let s: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                '．' => '.',
                '％' => '%',
                c => c,
            })
            .collect();
        let num = s.strip_suffix('%').unwrap_or(&s);
        let not_percent = || format!("“{text}”不是百分数；应写成如“2%”“2.5%”");
        let (int, frac) = num.split_once('.').unwrap_or((num, ""));
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
            return Err(not_percent());
        }
        if frac.len() > 2 {
            return Err(format!("“{text}”的精度超过 0.01%；最多保留两位小数，如“2.5%”"));
        }
        let out_of_range = || format!("“{text}”超出 0%–100%");
        let int: u32 = if int.is_empty() { 0 } else { int.parse().map_err(|_| out_of_range())? };
        let frac: u32 = format!("{frac:0<2}").parse().unwrap_or(0);
        int.checked_mul(100)
            .and_then(|v| v.checked_add(frac))
            .and_then(Ratio::from_bp)
            .ok_or_else(out_of_range)
    }

    /// The share as a fraction of one (Excel's number for a percentage cell).
    pub fn from_fraction(f: f64) -> Result<Ratio, String> {
        let bp = f * 10_000.0;
        if !(-1e-6..=10_000.0 + 1e-6).contains(&bp) {
            return Err("超出 0%–100%".into());
        }
        if (bp - bp.round()).abs() > 1e-6 {
            return Err("精度超过 0.01%".into());
        }
        Ok(Ratio(bp.round() as u32))
    }
}

impl TryFrom<u32> for Ratio {
    type Error = String;

    fn try_from(bp: u32) -> Result<Self, Self::Error> {
        Ratio::from_bp(bp).ok_or_else(|| format!("抽查比例须在 0%–100% 之间（收到 {bp} 个基点）"))
    }
}

impl From<Ratio> for u32 {
    fn from(r: Ratio) -> u32 {
        r.0
    }
}

impl From<Ratio> for i64 {
    fn from(r: Ratio) -> i64 {
        i64::from(r.0)
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_stay_in_range_and_read_as_people_write_them() {
        assert_eq!(Ratio::from_bp(200).unwrap().label(), "2%");
        assert_eq!(Ratio::from_bp(250).unwrap().label(), "2.5%");
        assert_eq!(Ratio::from_bp(5).unwrap().label(), "0.05%");
        assert_eq!(Ratio::from_bp(10_001), None);
        for (text, bp) in
            [("2%", 200), ("2", 200), ("2.5 %", 250), ("０.５％", 50), ("100%", 10_000), (".5", 50)]
        {
            assert_eq!(Ratio::parse_percent(text).map(Ratio::bp), Ok(bp), "{text}");
        }
        for text in ["", "%", "abc", "2.555%", "101%", "-1%", "99999999999%"] {
            assert!(Ratio::parse_percent(text).is_err(), "{text}");
        }
        assert_eq!(Ratio::from_fraction(0.025).map(Ratio::bp), Ok(250));
        assert!(Ratio::from_fraction(1.5).is_err());
        // On the wire: its basis points, and nothing above 100 %.
        assert_eq!(serde_json::to_string(&Ratio::from_bp(200)).unwrap(), "200");
        assert_eq!(serde_json::from_str::<Ratio>("250").unwrap().bp(), 250);
        assert!(serde_json::from_str::<Ratio>("20000").is_err());
    }
}
