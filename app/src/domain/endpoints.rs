//! 接口权限 — every endpoint's rule, declared once: who may call it at all (anonymous, any
//! signed-in account, or some roles, each as far as its [`Reach`] goes). The rules of what
//! a call then shows (a department's tasks, an inspector's own assignments) are
//! [`super::access`]'s; each endpoint checks both itself, before it validates its input.
//!
//! The router refuses (403) an endpoint that has no rule here, so a new one is closed
//! until it is declared; endpoints check their role with these very functions
//! (`AppError::unless_role`, `ssr::auth::require_rule`) before anything else.
//!
//! `tests/api/access.rs` lists every endpoint the router answers (server functions, pages,
//! plain routes, probes, assets), fails for one without a rule here, and calls each as
//! every demo account and anonymously, expecting a refusal (401, 403, or being sent to
//! the sign-in page) exactly where its rule says so. A role with `Reach::Department` is
//! refused another department's task; `Reach::Own` reaches the account's own inspector.

use super::access::{follow_ups_reach, manifest_reach, results_reach, stats_reach, Reach};
use super::auth::Role;

/// Who may call an endpoint.
#[derive(Clone, Copy)]
pub enum Who {
    /// Anyone, signed in or not: the portal, signing in, the probes, the assets.
    Public,
    /// Signed-in accounts, each role as far as the function says (`Reach::Nothing`: refused).
    Staff(fn(Role) -> Reach),
}

/// One endpoint's rule.
pub struct Rule {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The path as the router registers it (`/tasks/{id}`, `/api/task_step`).
    pub path: &'static str,
    pub who: Who,
}

impl Rule {
    /// How far `role` reaches this endpoint (`None`: nobody signed in).
    pub fn reach(&self, role: Option<Role>) -> Reach {
        match (self.who, role) {
            (Who::Public, _) => Reach::All,
            (Who::Staff(_), None) => Reach::Nothing,
            (Who::Staff(f), Some(role)) => f(role),
        }
    }
}

/// Every signed-in account.
pub fn signed_in(_: Role) -> Reach {
    Reach::All
}

/// The administrator alone.
pub fn admin(role: Role) -> Reach {
    if role == Role::Admin {
        Reach::All
    } else {
        Reach::Nothing
    }
}

/// 纪检监督 and the administrator (the audit log).
pub fn observer_and_admin(role: Role) -> Reach {
    match role {
        Role::Observer | Role::Admin => Reach::All,
        _ => Reach::Nothing,
    }
}

/// 经办人 of any department (plans, the task form).
pub fn clerk(role: Role) -> Reach {
    if role == Role::Clerk {
        Reach::All
    } else {
        Reach::Nothing
    }
}

/// 经办人 of the task's initiating department (freezing, drawing, the ceremony).
pub fn department_clerk(role: Role) -> Reach {
    if role == Role::Clerk {
        Reach::Department
    } else {
        Reach::Nothing
    }
}

/// 处室负责人 of the task's department (reviews, corrections, recusals, penalties).
pub fn office_head(role: Role) -> Reach {
    if role == Role::OfficeHead {
        Reach::Department
    } else {
        Reach::Nothing
    }
}

/// 经办人 and 处室负责人 of the task's department (follow-ups).
pub fn department_office(role: Role) -> Reach {
    match role {
        Role::Clerk | Role::OfficeHead => Reach::Department,
        _ => Reach::Nothing,
    }
}

/// 经办人 and 处室负责人 of any department (the 重点关注 list).
pub fn office(role: Role) -> Reach {
    match role {
        Role::Clerk | Role::OfficeHead => Reach::All,
        _ => Reach::Nothing,
    }
}

/// Who takes a workflow step: the department's 经办人 and 处室负责人, the principal
/// leader, the order office.
pub fn step_takers(role: Role) -> Reach {
    match role {
        Role::Clerk | Role::OfficeHead => Reach::Department,
        Role::PrincipalLeader | Role::OrderOffice => Reach::All,
        _ => Reach::Nothing,
    }
}

/// 主要领导 alone (plan changes).
pub fn principal_leader(role: Role) -> Reach {
    if role == Role::PrincipalLeader {
        Reach::All
    } else {
        Reach::Nothing
    }
}

/// 一单两库's editors: 经办人 and the administrator.
pub fn registry_editors(role: Role) -> Reach {
    match role {
        Role::Clerk | Role::Admin => Reach::All,
        _ => Reach::Nothing,
    }
}

/// Who declares and withdraws a conflict: the administrator, a 经办人 for their
/// department's inspectors, an inspector for themselves (as `access::conflicts_reach` reads).
pub fn conflict_declarers(role: Role) -> Reach {
    match role {
        Role::Admin => Reach::All,
        Role::Clerk => Reach::Department,
        Role::Inspector => Reach::Own,
        _ => Reach::Nothing,
    }
}

/// Who enters results: the department's 经办人, the enterprise's team.
pub fn result_enterers(role: Role) -> Reach {
    match role {
        Role::Clerk => Reach::Department,
        Role::Inspector => Reach::Own,
        _ => Reach::Nothing,
    }
}

/// 执法人员 alone, for their own assignments.
pub fn inspector(role: Role) -> Reach {
    if role == Role::Inspector {
        Reach::Own
    } else {
        Reach::Nothing
    }
}

/// Who sees risk classes (the registry export).
pub fn risk_readers(role: Role) -> Reach {
    if super::access::sees_risk_classes(role) {
        Reach::All
    } else {
        Reach::Nothing
    }
}

/// A result's evidence and signed record (`access::sees_evidence`).
pub fn evidence_reach(role: Role) -> Reach {
    match role {
        Role::Observer => Reach::All,
        Role::Clerk | Role::OfficeHead => Reach::Department,
        Role::Inspector => Reach::Own,
        Role::Admin | Role::Leader | Role::PrincipalLeader | Role::OrderOffice => Reach::Nothing,
    }
}

/// Who edits the check points: the item's department's 经办人, the administrator.
pub fn point_editors(role: Role) -> Reach {
    match role {
        Role::Admin => Reach::All,
        Role::Clerk => Reach::Department,
        _ => Reach::Nothing,
    }
}

/// The conflicts list answers everyone signed in, showing as far as `access::conflicts_reach`.
fn conflicts_list(_: Role) -> Reach {
    Reach::All
}

const fn get(path: &'static str, who: Who) -> Rule {
    Rule { method: "GET", path, who }
}

const fn post(path: &'static str, who: Who) -> Rule {
    Rule { method: "POST", path, who }
}

use Who::{Public, Staff};

/// Every endpoint's rule. A new endpoint without one fails `tests/api/access.rs`.
pub const RULES: &[Rule] = &[
    // Signing in and out, who is signed in.
    post("/api/whoami", Public),
    post("/api/sign_in", Public),
    post("/api/sign_out", Public),
    // Plans and tasks.
    post("/api/plan", Staff(signed_in)),
    post("/api/import_plan", Staff(clerk)),
    post("/api/save_plan", Staff(clerk)),
    post("/api/pool_page", Staff(signed_in)),
    post("/api/task", Staff(signed_in)),
    post("/api/task_form", Staff(clerk)),
    post("/api/pool_estimate", Staff(clerk)),
    post("/api/save_task", Staff(department_clerk)),
    post("/api/request_plan_change", Staff(department_clerk)),
    post("/api/decide_plan_change", Staff(principal_leader)),
    post("/api/todo", Staff(signed_in)),
    // The workflow, the freeze, the draw and its ceremony.
    post("/api/task_step", Staff(step_takers)),
    post("/api/freeze", Staff(department_clerk)),
    post("/api/draw", Staff(department_clerk)),
    post("/api/manifest", Staff(manifest_reach)),
    post("/api/stratum_salts", Staff(manifest_reach)),
    post("/api/ceremony", Staff(signed_in)),
    post("/api/ceremony_step", Staff(department_clerk)),
    post("/api/ceremony_observers", Staff(department_clerk)),
    post("/api/ceremony_entropy", Staff(department_clerk)),
    // Results, their review, recusals after the draw, deadlines.
    post("/api/results", Staff(results_reach)),
    post("/api/save_result", Staff(result_enterers)),
    post("/api/correct_result", Staff(office_head)),
    post("/api/review_result", Staff(office_head)),
    post("/api/deadlines", Staff(signed_in)),
    post("/api/assignments", Staff(inspector)),
    post("/api/declare_recusal", Staff(result_enterers)),
    post("/api/approve_recusal", Staff(office_head)),
    // Follow-ups and penalties.
    post("/api/follow_ups", Staff(follow_ups_reach)),
    post("/api/save_follow_up", Staff(department_office)),
    post("/api/penalties", Staff(signed_in)),
    post("/api/publish_penalty", Staff(office_head)),
    post("/api/end_penalty", Staff(office_head)),
    post("/api/correct_penalty", Staff(office_head)),
    post("/api/penalty_periods", Staff(signed_in)),
    post("/api/set_penalty_periods", Staff(admin)),
    // 一单两库, conflicts, the 重点关注 list.
    post("/api/registry/enterprises", Staff(signed_in)),
    post("/api/registry/enterprise", Staff(signed_in)),
    post("/api/registry/save", Staff(registry_editors)),
    post("/api/registry/active", Staff(registry_editors)),
    post("/api/registry/inspectors", Staff(signed_in)),
    post("/api/registry/inspector", Staff(signed_in)),
    post("/api/registry/items", Staff(signed_in)),
    post("/api/registry/item_coverage", Staff(signed_in)),
    post("/api/registry/item", Staff(signed_in)),
    post("/api/registry/import", Staff(registry_editors)),
    post("/api/registry/import_limit", Staff(registry_editors)),
    post("/api/registry/conflicts", Staff(conflicts_list)),
    post("/api/registry/declare_conflict", Staff(conflict_declarers)),
    post("/api/registry/withdraw_conflict", Staff(conflict_declarers)),
    post("/api/watchlist", Staff(signed_in)),
    post("/api/watch_add", Staff(office)),
    post("/api/watch_remove", Staff(office)),
    post("/api/set_watch_threshold", Staff(admin)),
    post("/api/may_set_watch_threshold", Staff(signed_in)),
    // Statistics, the audit log, administration.
    post("/api/stats", Staff(stats_reach)),
    post("/api/audit", Staff(observer_and_admin)),
    post("/api/audit_head", Public),
    post("/api/accounts", Staff(admin)),
    post("/api/create_account", Staff(admin)),
    post("/api/account_active", Staff(admin)),
    post("/api/account_password", Staff(admin)),
    post("/api/unlock_sign_in", Staff(admin)),
    post("/api/save_department", Staff(admin)),
    post("/api/calendar_days", Staff(signed_in)),
    post("/api/set_calendar_day", Staff(admin)),
    // Staff pages (each shows what its server functions answer).
    get("/", Staff(signed_in)),
    get("/plans/{year}", Staff(signed_in)),
    get("/calendar", Staff(signed_in)),
    get("/plans/{year}/calendar", Staff(signed_in)),
    get("/plans/new", Staff(clerk)),
    get("/plans/{year}/edit", Staff(clerk)),
    get("/plans/{year}/import", Staff(clerk)),
    get("/tasks/new", Staff(clerk)),
    get("/tasks/{id}", Staff(signed_in)),
    get("/tasks/{id}/edit", Staff(clerk)),
    get("/tasks/{id}/pool", Staff(signed_in)),
    get("/tasks/{id}/results", Staff(results_reach)),
    get("/tasks/{id}/ceremony", Staff(signed_in)),
    get("/tasks/{id}/record", Staff(signed_in)),
    get("/tasks/{id}/list/{form}", Staff(signed_in)),
    get("/my", Staff(inspector)),
    get("/todo", Staff(signed_in)),
    get("/deadlines", Staff(signed_in)),
    get("/follow-ups", Staff(follow_ups_reach)),
    get("/penalties", Staff(signed_in)),
    get("/stats", Staff(stats_reach)),
    get("/stats/summary", Staff(stats_reach)),
    get("/audit", Staff(observer_and_admin)),
    get("/admin/accounts", Staff(admin)),
    get("/admin/calendar", Staff(signed_in)),
    get("/registry/enterprises", Staff(signed_in)),
    get("/registry/enterprises/{id}", Staff(signed_in)),
    get("/registry/inspectors", Staff(signed_in)),
    get("/registry/inspectors/{id}", Staff(signed_in)),
    get("/registry/items", Staff(signed_in)),
    get("/registry/items/{id}", Staff(signed_in)),
    get("/registry/conflicts", Staff(conflicts_list)),
    get("/registry/watchlist", Staff(signed_in)),
    get("/registry/import", Staff(registry_editors)),
    get("/login", Public),
    get("/verify", Public),
    // The page opens to all; a stratified draw's manifest in it as far as `manifest_reach`
    // (the page answers 401 or 403 without it).
    get("/verify/{draw_id}", Staff(manifest_reach)),
    // Downloads for staff.
    get("/plans/{year}/export.xlsx", Staff(signed_in)),
    get("/plans/{year}/results/{file}", Staff(signed_in)),
    get("/tasks/{id}/results/{file}", Staff(signed_in)),
    get("/registry/export/{file}", Staff(risk_readers)),
    get("/stats/{file}", Staff(stats_reach)),
    // On the spot (/m).
    get("/m", Staff(inspector)),
    get("/m/", Staff(inspector)),
    get("/m/sw.js", Public),
    get("/m/files/{id}", Staff(evidence_reach)),
    get("/m/points", Staff(signed_in)),
    post("/m/points", Staff(point_editors)),
    get("/m/tasks/{task}/notices", Staff(results_reach)),
    get("/m/tasks/{task}/{code}", Staff(results_reach)),
    post("/m/tasks/{task}/{code}", Staff(result_enterers)),
    get("/m/tasks/{task}/{code}/notice", Staff(results_reach)),
    get("/m/tasks/{task}/{code}/record", Staff(evidence_reach)),
    // The public portal, its open data, the live ceremony.
    get("/public", Public),
    get("/public/plans", Public),
    get("/public/plans/{year}", Public),
    get("/public/tasks/{id}/draw", Public),
    get("/public/draws/{id}", Public),
    get("/public/tasks/{id}/results", Public),
    get("/public/results", Public),
    get("/public/enterprises/{code}", Public),
    get("/public/verify", Public),
    get("/public/verify/guide", Public),
    get("/public/verify/dr1_verify.py", Public),
    get("/public/penalties", Public),
    get("/public/data", Public),
    get("/public/data/plans/{file}", Public),
    get("/public/data/tasks/{id}/{file}", Public),
    get("/public/data/draws/{id}/{file}", Public),
    get("/public/data/penalties.csv", Public),
    get("/public/data/penalties.json", Public),
    get("/live/{task_id}", Public),
    get("/api/public/tasks/{id}/live", Public),
    // A stratified draw's whole manifest (a single stratum's is public: the portal's tests).
    get("/api/public/draws/{id}/manifest.json", Staff(manifest_reach)),
    // The operator's probes and the built assets.
    get("/healthz", Public),
    get("/readyz", Public),
    get("/pkg/{*file}", Public),
];

/// The rule of `method path`, if one is declared.
pub fn rule(method: &str, path: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.method == method && r.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_endpoint_has_one_rule_and_reach_follows_it() {
        let mut seen = std::collections::BTreeSet::new();
        for r in RULES {
            assert!(seen.insert((r.method, r.path)), "two rules for {} {}", r.method, r.path);
            assert!(r.path.starts_with('/'), "{}", r.path);
        }
        let audit = rule("POST", "/api/audit").unwrap();
        assert_eq!(audit.reach(None), Reach::Nothing);
        assert_eq!(audit.reach(Some(Role::Observer)), Reach::All);
        assert_eq!(audit.reach(Some(Role::Clerk)), Reach::Nothing);
        assert_eq!(rule("GET", "/public").unwrap().reach(None), Reach::All);
        assert_eq!(rule("POST", "/api/results").unwrap().reach(Some(Role::Clerk)), Reach::Department);
        assert!(rule("GET", "/api/results").is_none());
    }

    #[test]
    fn the_step_takers_are_the_roles_of_the_workflow() {
        for role in Role::ALL {
            let takes = crate::domain::workflow::TRANSITIONS.iter().any(|t| t.role == role);
            assert_eq!(step_takers(role) != Reach::Nothing, takes, "{role:?}");
        }
    }
}
