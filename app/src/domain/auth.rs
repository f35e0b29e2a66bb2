//! Accounts and roles: who is signed in and what each role is for.

use serde::{Deserialize, Serialize};

/// A staff role. Each account has exactly one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    /// 经办人: prepares tasks, freezes and draws, enters results for the office.
    Clerk,
    /// 处室负责人: reviews, publishes and closes the office's results.
    OfficeHead,
    /// 局领导: reads every task; the principal leader among them decides.
    Leader,
    /// 主要领导: the bureau's principal leader — puts tasks into the plan, consents to each
    /// drawn list and to plan changes, and may declare a draw void (作废).
    PrincipalLeader,
    /// 秩序处: files approved tasks.
    OrderOffice,
    /// 执法人员: sees own assignments, enters results for them.
    Inspector,
    /// 纪检监督: reads draws, records and the audit log; changes nothing.
    Observer,
    /// 管理员: accounts, departments and the working-day calendar.
    Admin,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Self::Clerk,
        Self::OfficeHead,
        Self::Leader,
        Self::PrincipalLeader,
        Self::OrderOffice,
        Self::Inspector,
        Self::Observer,
        Self::Admin,
    ];

    /// Database spelling.
    pub fn code(self) -> &'static str {
        match self {
            Self::Clerk => "clerk",
            Self::OfficeHead => "office_head",
            Self::Leader => "leader",
            Self::PrincipalLeader => "principal_leader",
            Self::OrderOffice => "order_office",
            Self::Inspector => "inspector",
            Self::Observer => "observer",
            Self::Admin => "admin",
        }
    }

    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Clerk => "经办人",
            Self::OfficeHead => "处室负责人",
            Self::Leader => "局领导",
            Self::PrincipalLeader => "主要领导",
            Self::OrderOffice => "秩序处",
            Self::Inspector => "执法人员",
            Self::Observer => "纪检监督",
            Self::Admin => "管理员",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == s)
    }

    /// Whether the role belongs to one department (its tasks only) rather than the bureau.
    pub fn is_departmental(self) -> bool {
        matches!(self, Self::Clerk | Self::OfficeHead | Self::Inspector)
    }
}

/// The signed-in account, as the server resolved it from the session cookie.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The account's department (always set for departmental roles).
    pub department_id: Option<String>,
    pub department_name: Option<String>,
    /// For 执法人员: the registry entry the account signs in as.
    pub inspector_id: Option<i64>,
}

impl SessionUser {
    /// This user as the author of a change.
    pub fn actor(&self) -> super::audit::Actor<'_> {
        super::audit::Actor { name: &self.username, role: self.role.code() }
    }

    /// How the account appears in trails and on pages: `name（role）`.
    pub fn signature(&self) -> String {
        format!("{}（{}）", self.display_name, self.role.label())
    }

    /// Whether the account may act for `department` (bureau-wide roles for any).
    pub fn serves(&self, department: &str) -> bool {
        !self.role.is_departmental() || self.department_id.as_deref() == Some(department)
    }
}

/// An account as the administrator sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department_id: Option<String>,
    pub inspector_id: Option<i64>,
    pub active: bool,
    pub sessions: i64,
    /// Failed sign-ins in the throttling window not yet cleared (解除登录限制 clears them).
    pub failed_sign_ins: i64,
}

/// A new account as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    /// A role code, e.g. `clerk`.
    pub role: String,
    pub department_id: String,
    /// For 执法人员: the inspector's certificate number.
    pub certificate_no: String,
    pub password: String,
}

/// The smallest password length accepted for a new or reset password.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Checks a new password; returns the problem in words.
pub fn password_problem(password: &str) -> Option<String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Some(format!("密码至少 {MIN_PASSWORD_CHARS} 个字符（现为 {n} 个）"));
    }
    if n > 256 {
        return Some("密码不能超过 256 个字符".into());
    }
    None
}

/// Checks a username: 3–32 ASCII letters, digits, `.`, `_` or `-`.
pub fn username_problem(username: &str) -> Option<String> {
    let ok = (3..=32).contains(&username.len())
        && username.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    (!ok).then(|| "用户名须为 3–32 位英文字母、数字或 . _ -".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_departmental_scope() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(r));
        }
        let clerk = SessionUser {
            id: 1,
            username: "a".into(),
            display_name: "甲".into(),
            role: Role::Clerk,
            department_id: Some("swj-zfzd".into()),
            department_name: None,
            inspector_id: None,
        };
        assert!(clerk.serves("swj-zfzd"));
        assert!(!clerk.serves("swj-sctx"));
        let leader = SessionUser { role: Role::Leader, department_id: None, ..clerk };
        assert!(leader.serves("swj-sctx"));
    }

    #[test]
    fn password_and_username_rules() {
        assert!(password_problem("short").is_some());
        assert!(password_problem("long enough!").is_none());
        assert!(username_problem("jingban").is_none());
        assert!(username_problem("经办").is_some());
        assert!(username_problem("ab").is_some());
    }
}
