//! 统一社会信用代码 — the 18-character unified social credit code (GB 32100-2015).

use serde::{Deserialize, Serialize};
use std::fmt;

/// The 31 characters a code may use, in value order (no I, O, S, V, Z).
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1–17 for the check character.
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// 统一社会信用代码 — a validated unified social credit code.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

/// Why a text is not a valid credit code; `Display` is the message shown on the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CreditCodeError {
    /// Not exactly 18 characters.
    Length(usize),
    /// A character outside the GB 32100 alphabet (lower case included), 1-based position.
    Character { position: usize, found: char },
    /// The 18th character is not the one the first 17 require.
    CheckCharacter { expected: char, found: char },
}

impl fmt::Display for CreditCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Length(n) => write!(f, "统一社会信用代码应为 18 位，实为 {n} 位"),
            Self::Character { position, found } if found.is_ascii_lowercase() => {
                write!(f, "统一社会信用代码第 {position} 位“{found}”须为大写字母")
            }
            Self::Character { position, found } => {
                write!(f, "统一社会信用代码第 {position} 位“{found}”不是允许的字符（不含 I、O、S、V、Z）")
            }
            Self::CheckCharacter { expected, found } => {
                write!(f, "统一社会信用代码校验位错误：应为“{expected}”，实为“{found}”")
            }
        }
    }
}

impl std::error::Error for CreditCodeError {}

fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|v| v as u32)
}

/// The check character the first 17 characters require; `None` if one is outside the alphabet.
pub fn check_character(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (b, w) in bytes.iter().zip(WEIGHTS) {
        sum += value_of(*b)? * w;
    }
    let check = (31 - sum % 31) % 31;
    Some(ALPHABET[check as usize] as char)
}

impl CreditCode {
    /// Parses and validates a code: length, alphabet (upper case only) and check character.
    pub fn parse(text: &str) -> Result<Self, CreditCodeError> {
        let text = text.trim();
        let count = text.chars().count();
        if count != 18 {
            return Err(CreditCodeError::Length(count));
        }
        for (i, c) in text.chars().enumerate() {
            if !c.is_ascii() || value_of(c as u8).is_none() {
                return Err(CreditCodeError::Character { position: i + 1, found: c });
            }
        }
        let expected = check_character(&text[..17]).expect("alphabet checked above");
        let found = text.as_bytes()[17] as char;
        if expected != found {
            return Err(CreditCodeError::CheckCharacter { expected, found });
        }
        Ok(Self(text.to_owned()))
    }

    /// Completes 17 characters with their check character.
    pub fn with_check(first17: &str) -> Result<Self, CreditCodeError> {
        match check_character(first17) {
            Some(c) => Self::parse(&format!("{first17}{c}")),
            None => Self::parse(first17),
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Positions 3–8: the administrative division code of the registering authority.
    pub fn division(&self) -> &str {
        &self.0[2..8]
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CreditCode {
    type Error = CreditCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<CreditCode> for String {
    fn from(c: CreditCode) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_codes() {
        // Published codes of well-known companies.
        for code in ["91110000600037341L", "91350100M000100Y43", "91440300708461136T"] {
            assert!(CreditCode::parse(code).is_ok(), "{code} should be valid");
        }
        let made = CreditCode::with_check("91130403MA0FKTXX0").unwrap();
        assert_eq!(made.division(), "130403");
        assert!(CreditCode::parse(made.as_str()).is_ok());
    }

    #[test]
    fn refuses_wrong_check_character() {
        let err = CreditCode::parse("91110000600037341M").unwrap_err();
        assert_eq!(err, CreditCodeError::CheckCharacter { expected: 'L', found: 'M' });
        assert!(err.to_string().contains("校验位"));
    }

    #[test]
    fn refuses_wrong_length() {
        assert_eq!(CreditCode::parse("9111000060003734").unwrap_err(), CreditCodeError::Length(16));
        assert_eq!(CreditCode::parse("91110000600037341LL").unwrap_err(), CreditCodeError::Length(19));
        assert_eq!(CreditCode::parse("").unwrap_err(), CreditCodeError::Length(0));
    }

    #[test]
    fn refuses_lower_case_and_forbidden_letters() {
        let err = CreditCode::parse("91110000600037341l").unwrap_err();
        assert_eq!(err, CreditCodeError::Character { position: 18, found: 'l' });
        assert!(err.to_string().contains("大写"));
        assert!(matches!(
            CreditCode::parse("9111000060003734IL"),
            Err(CreditCodeError::Character { position: 17, found: 'I' })
        ));
        assert!(matches!(CreditCode::parse("91110000６00037341L"), Err(CreditCodeError::Character { .. })));
    }

    #[test]
    fn check_value_31_becomes_zero() {
        // Search a prefix whose weighted sum is a multiple of 31: its check character is '0'.
        let prefix =
            (0..10_000).map(|n| format!("9113040{n:010}")).find(|p| check_character(p) == Some('0')).unwrap();
        assert!(CreditCode::parse(&format!("{prefix}0")).is_ok());
    }
}
