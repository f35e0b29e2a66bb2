//! 读取权限 — who may read what, beyond "signed in". The README's permission table says
//! the same in words; the server checks these on every read, the pages only follow.
//!
//! | what | 管理员, 纪检监督 | 局领导, 主要领导, 秩序处 | 经办人, 处室负责人 | 执法人员 |
//! |---|---|---|---|---|
//! | a task's results | every task | every task | tasks of their department (initiating or joint) | their own assignments |
//! | the whole manifest of a stratified draw, stratum salts | every draw | every draw | draws of their department's tasks | none |
//! | conflict declarations (回避) | all | none | their department's inspectors | their own |
//! | credit-risk classes in the registry, registry export | yes | yes | yes | no |
//! | the audit log | yes | no | no | no |
//! | 后续处置 | every task | every task | tasks their department initiates | none |
//! | statistics and the 台账 (`/stats`) | every task | every task | tasks of their department (initiating or joint) | none |
//! | a result's evidence and signed record | 纪检 only | no | their department's tasks | their own team's |
//!
//! The 纪检 observer and the administrator see everything; the leader and the order office
//! consent to and file every task, so they read every task's draw and results; a
//! department's staff read their department's; an inspector reads what they were sent to.

use super::auth::{Role, SessionUser};

/// How far a role's reading reaches for task-bound data (results, manifests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// Every task.
    All,
    /// Tasks whose initiating or joint department is the account's.
    Department,
    /// Only what the account's inspector was assigned to.
    Own,
    /// Nothing.
    Nothing,
}

/// How far `role` reads a task's results.
pub fn results_reach(role: Role) -> Reach {
    match role {
        Role::Admin | Role::Observer | Role::Leader | Role::PrincipalLeader | Role::OrderOffice => Reach::All,
        Role::Clerk | Role::OfficeHead => Reach::Department,
        Role::Inspector => Reach::Own,
    }
}

/// How far `role` reads the whole manifest of a draw with several strata (it names every
/// enterprise's risk class) and the strata's salts.
pub fn manifest_reach(role: Role) -> Reach {
    match role {
        Role::Admin | Role::Observer | Role::Leader | Role::PrincipalLeader | Role::OrderOffice => Reach::All,
        Role::Clerk | Role::OfficeHead => Reach::Department,
        Role::Inspector => Reach::Nothing,
    }
}

/// How far `role` reads conflict declarations: `Department` means those of the
/// department's inspectors, `Own` those of the account's own inspector.
pub fn conflicts_reach(role: Role) -> Reach {
    match role {
        Role::Admin | Role::Observer => Reach::All,
        Role::Clerk | Role::OfficeHead => Reach::Department,
        Role::Inspector => Reach::Own,
        Role::Leader | Role::PrincipalLeader | Role::OrderOffice => Reach::Nothing,
    }
}

/// How far `role` reads the statistics and the 台账 (they count unpublished results, so
/// they reach as far as the results do; an inspector's own assignments make no statistics).
pub fn stats_reach(role: Role) -> Reach {
    match results_reach(role) {
        Reach::Own => Reach::Nothing,
        other => other,
    }
}

/// How far `role` reads 后续处置 (`/follow-ups`): as far as the results, but an inspector
/// not at all; a department's are those of the tasks it initiates (it records them).
pub fn follow_ups_reach(role: Role) -> Reach {
    match results_reach(role) {
        Reach::Own => Reach::Nothing,
        other => other,
    }
}

/// The department whose tasks `user`'s statistics cover: `Some("")` for every task,
/// `Some(id)` for that department's, `None` when the user may not read statistics.
pub fn stats_department(user: &SessionUser) -> Option<String> {
    match stats_reach(user.role) {
        Reach::All => Some(String::new()),
        Reach::Department => user.department_id.clone().filter(|d| !d.is_empty()),
        Reach::Own | Reach::Nothing => None,
    }
}

/// Whether `role` sees enterprises' credit-risk classes (the registry pages, its export).
pub fn sees_risk_classes(role: Role) -> bool {
    role != Role::Inspector
}

/// Whether `user` reaches a task run by `departments` (initiating first, then joint ones)
/// under `reach`. `Own` is decided by the caller, who knows the assignments.
pub fn reaches_task(user: &SessionUser, reach: Reach, departments: &[&str]) -> bool {
    match reach {
        Reach::All => true,
        Reach::Department => user.department_id.as_deref().is_some_and(|mine| departments.contains(&mine)),
        Reach::Own | Reach::Nothing => false,
    }
}

/// Whether `user` may see a result's evidence (photos, documents, the signed record): the
/// enterprise's team (`team`, inspector ids), the staff of the departments that run the task
/// (`departments`), and 纪检. Nobody else — not leaders, not the public.
pub fn sees_evidence(user: &SessionUser, departments: &[&str], team: &[i64]) -> bool {
    match user.role {
        Role::Observer => true,
        Role::Clerk | Role::OfficeHead => reaches_task(user, Reach::Department, departments),
        Role::Inspector => user.inspector_id.is_some_and(|me| team.contains(&me)),
        Role::Admin | Role::Leader | Role::PrincipalLeader | Role::OrderOffice => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, dept: Option<&str>) -> SessionUser {
        SessionUser {
            id: 1,
            username: "u".into(),
            display_name: "u".into(),
            role,
            department_id: dept.map(str::to_string),
            department_name: None,
            inspector_id: None,
        }
    }

    #[test]
    fn evidence_is_for_the_team_the_department_and_the_observer_only() {
        let depts = ["swj-zfzd", "swj-sctx"];
        assert!(sees_evidence(&user(Role::Observer, None), &depts, &[]));
        assert!(sees_evidence(&user(Role::Clerk, Some("swj-sctx")), &depts, &[]), "joint department");
        assert!(sees_evidence(&user(Role::OfficeHead, Some("swj-zfzd")), &depts, &[]));
        assert!(!sees_evidence(&user(Role::Clerk, Some("swj-smfw")), &depts, &[]));
        let mut inspector = user(Role::Inspector, Some("swj-zfzd"));
        inspector.inspector_id = Some(7);
        assert!(sees_evidence(&inspector, &depts, &[3, 7]));
        assert!(!sees_evidence(&inspector, &depts, &[3, 8]), "another team's");
        for role in [Role::Admin, Role::Leader, Role::PrincipalLeader, Role::OrderOffice] {
            assert!(!sees_evidence(&user(role, Some("swj-zfzd")), &depts, &[]), "{role:?}");
        }
    }

    #[test]
    fn departments_reach_their_own_and_joint_tasks_only() {
        let clerk = user(Role::Clerk, Some("swj-zfzd"));
        assert!(reaches_task(&clerk, results_reach(clerk.role), &["swj-zfzd"]));
        assert!(reaches_task(&clerk, results_reach(clerk.role), &["swj-sctx", "swj-zfzd"]), "joint");
        assert!(!reaches_task(&clerk, results_reach(clerk.role), &["swj-sctx"]));
        let observer = user(Role::Observer, None);
        assert!(reaches_task(&observer, manifest_reach(observer.role), &["swj-sctx"]));
        let inspector = user(Role::Inspector, Some("swj-zfzd"));
        assert!(!reaches_task(&inspector, manifest_reach(inspector.role), &["swj-zfzd"]));
        assert_eq!(results_reach(Role::Inspector), Reach::Own);
        assert!(!sees_risk_classes(Role::Inspector) && sees_risk_classes(Role::Leader));
        assert_eq!(conflicts_reach(Role::Leader), Reach::Nothing);
        assert_eq!(stats_department(&user(Role::Leader, None)).as_deref(), Some(""));
        assert_eq!(stats_department(&clerk).as_deref(), Some("swj-zfzd"));
        assert_eq!(stats_department(&inspector), None);
        let orphan = user(Role::Clerk, None);
        assert_eq!(stats_department(&orphan), None);
        assert!(!reaches_task(&orphan, Reach::Department, &["swj-zfzd"]));
    }
}
