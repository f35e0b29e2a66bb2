//! The published results, held in memory for the portal: the results search, the home
//! page's newest results and a task's results read this snapshot instead of the database.
//!
//! A search by name fragment over 20,000 results joined to a million enterprises costs
//! SQLite tens of milliseconds; here it reads the rows holding the query's rarest pair of
//! characters (or a range of the sorted credit codes) and stops at the page's limit.
//!
//! **Freshness.** The snapshot carries the audit log's last `seq`, read in the same read
//! transaction as the rows: every change that can alter what is published (a result
//! published, a task's status, an enterprise renamed) appends to the audit log in its own
//! transaction. A request compares that `seq` with the database when this process has
//! appended to the audit log since the last comparison (`db::audit::appends`, the log's
//! change signal), and otherwise at most every [`RECHECK`]; a change made by another
//! server process is seen within it.
//! A rebuild reads only what [`super::data`] lets the public see.

use super::data::{self, ResultRow};
use crate::error::AppError;
use sqlx::AnyPool;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// The longest a snapshot is used without asking the database whether it is current.
pub const RECHECK: Duration = Duration::from_secs(1);

/// Audit entries that cannot change a published result: sign-ins and accounts, declared
/// conflicts. Any other entry may (a result, a task's status, an enterprise, a department,
/// the work calendar behind 按时公示).
const UNRELATED: [&str; 2] = ["user", "conflict"];

/// The published results of one database, shared by the requests of one server.
#[derive(Clone, Default)]
pub struct ResultsCache(Arc<Inner>);

#[derive(Default)]
struct Inner {
    current: RwLock<Option<Current>>,
    /// Held while comparing with the database or rebuilding: one at a time.
    refresh: tokio::sync::Mutex<()>,
}

#[derive(Clone)]
struct Current {
    snapshot: Arc<Snapshot>,
    /// When the snapshot was last found current, and the audit log's appends just before.
    checked_at: Instant,
    generation: u64,
}

impl ResultsCache {
    /// The current snapshot: as of the database's last audit entry, or (while another
    /// request is comparing it with the database after [`RECHECK`]) at most a moment older.
    pub async fn snapshot(&self, db: &AnyPool) -> Result<Arc<Snapshot>, AppError> {
        let generation = crate::ssr::db::audit::appends();
        let known = self.0.current.read().unwrap_or_else(|e| e.into_inner()).clone();
        let mut waited = None;
        if let Some(c) = &known {
            if c.generation == generation {
                if c.checked_at.elapsed() < RECHECK {
                    return Ok(c.snapshot.clone());
                }
                // Old, but nothing changed here: another request may compare meanwhile.
                match self.0.refresh.try_lock() {
                    Ok(guard) => waited = Some(guard),
                    Err(_) => return Ok(c.snapshot.clone()),
                }
            }
        }
        let _guard = match waited {
            Some(g) => g,
            None => self.0.refresh.lock().await,
        };
        // Another request may have refreshed it while this one waited.
        let known = self.0.current.read().unwrap_or_else(|e| e.into_inner()).clone();
        if let Some(c) = &known {
            if c.generation == generation && c.checked_at.elapsed() < RECHECK {
                return Ok(c.snapshot.clone());
            }
        }
        let last_seq = last_audit_seq(db).await?;
        let snapshot = match known {
            Some(c) if c.snapshot.audit_seq == last_seq => c.snapshot,
            _ => Arc::new(Snapshot::read(db).await?),
        };
        let current = Current { snapshot: snapshot.clone(), checked_at: Instant::now(), generation };
        *self.0.current.write().unwrap_or_else(|e| e.into_inner()) = Some(current);
        Ok(snapshot)
    }
}

/// The `seq` of the newest audit entry that may change a published result (0 if none).
async fn last_audit_seq<'c>(db: impl sqlx::Executor<'c, Database = sqlx::Any>) -> Result<i64, sqlx::Error> {
    crate::ssr::db::portal::last_audit_seq(db, &UNRELATED).await
}

/// Every published result, newest first, with what the search needs to find them.
pub struct Snapshot {
    /// The `seq` of the newest audit entry that may change them, when the rows were read.
    pub audit_seq: i64,
    /// Newest first (by publication, then task, then credit code).
    rows: Vec<ResultRow>,
    /// Each row's enterprise name with ASCII letters in lower case (LIKE's folding).
    folded: Vec<String>,
    /// Rows whose folded name holds a pair of adjacent characters, in row order.
    pairs: HashMap<(char, char), Vec<u32>>,
    /// Rows whose folded name holds a character, in row order.
    chars: HashMap<char, Vec<u32>>,
    /// (credit code, row), sorted.
    codes: Vec<(String, u32)>,
}

impl Snapshot {
    /// Reads every public result in one read transaction, with the audit `seq` it is as of.
    async fn read(db: &AnyPool) -> Result<Self, AppError> {
        let mut tx = crate::ssr::db::begin_read(db).await?;
        let audit_seq = last_audit_seq(&mut *tx).await?;
        let rows = data::all_results(&mut tx).await?;
        tx.commit().await?;
        Ok(Self::new(audit_seq, rows))
    }

    /// Indexes `rows` (already newest first).
    pub fn new(audit_seq: i64, rows: Vec<ResultRow>) -> Self {
        let folded: Vec<String> = rows.iter().map(|r| r.result.name.to_ascii_lowercase()).collect();
        let mut pairs: HashMap<(char, char), Vec<u32>> = HashMap::new();
        let mut chars: HashMap<char, Vec<u32>> = HashMap::new();
        for (i, name) in folded.iter().enumerate() {
            let i = i as u32;
            let cs: Vec<char> = name.chars().collect();
            for &c in &cs {
                let list = chars.entry(c).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
            for w in cs.windows(2) {
                let list = pairs.entry((w[0], w[1])).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        let mut codes: Vec<(String, u32)> =
            rows.iter().enumerate().map(|(i, r)| (r.result.code.to_ascii_uppercase(), i as u32)).collect();
        codes.sort_unstable();
        Self { audit_seq, rows, folded, pairs, chars, codes }
    }

    /// How many published results there are.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether nothing is published yet.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The `limit` newest results.
    pub fn newest(&self, limit: usize) -> Vec<ResultRow> {
        self.rows.iter().take(limit).cloned().collect()
    }

    /// The results of one task, newest first.
    pub fn of_task(&self, task_id: i64) -> Vec<ResultRow> {
        self.rows.iter().filter(|r| r.task_id == task_id).cloned().collect()
    }

    /// The results of one enterprise (by exact credit code), newest first.
    pub fn of_code(&self, code: &str) -> Vec<ResultRow> {
        let start = self.codes.partition_point(|(c, _)| c.as_str() < code);
        let mut rows: Vec<u32> =
            self.codes[start..].iter().take_while(|(c, _)| c == code).map(|&(_, i)| i).collect();
        rows.sort_unstable();
        rows.into_iter().map(|i| self.rows[i as usize].clone()).collect()
    }

    /// Up to `limit` results, newest first, whose enterprise name contains `q` (ASCII
    /// letters in either case) or whose credit code is `q` (any case) or, from 6 letters
    /// and digits on, starts with it.
    pub fn search(&self, q: &str, limit: usize) -> Vec<ResultRow> {
        let q = q.trim();
        if q.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut found = self.by_code(q, limit);
        found.extend(self.by_name(&q.to_ascii_lowercase(), limit));
        found.sort_unstable();
        found.dedup();
        found.into_iter().take(limit).map(|i| self.rows[i as usize].clone()).collect()
    }

    /// The first `limit` rows (in row order) whose code matches.
    fn by_code(&self, q: &str, limit: usize) -> Vec<u32> {
        if !q.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Vec::new();
        }
        let code = q.to_ascii_uppercase();
        let start = self.codes.partition_point(|(c, _)| c.as_str() < code.as_str());
        let mut rows: Vec<u32> = self.codes[start..]
            .iter()
            .take_while(|(c, _)| if code.len() >= 6 { c.starts_with(&code) } else { *c == code })
            .map(|&(_, i)| i)
            .collect();
        if rows.len() > limit {
            rows.select_nth_unstable(limit - 1);
            rows.truncate(limit);
        }
        rows
    }

    /// The first `limit` rows (in row order) whose folded name contains `q` (folded).
    fn by_name(&self, q: &str, limit: usize) -> Vec<u32> {
        let cs: Vec<char> = q.chars().collect();
        let candidates = match cs.as_slice() {
            [c] => self.chars.get(c),
            _ => {
                let mut rarest: Option<&Vec<u32>> = None;
                for w in cs.windows(2) {
                    match self.pairs.get(&(w[0], w[1])) {
                        None => return Vec::new(),
                        Some(list) if rarest.is_none_or(|r| list.len() < r.len()) => rarest = Some(list),
                        Some(_) => {}
                    }
                }
                rarest
            }
        };
        let Some(candidates) = candidates else { return Vec::new() };
        candidates.iter().copied().filter(|&i| self.folded[i as usize].contains(q)).take(limit).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::result::PublicResult;

    fn row(task_id: i64, name: &str, code: &str) -> ResultRow {
        ResultRow {
            task_id,
            task_name: format!("任务{task_id}"),
            department: "商务局".into(),
            items: "检查事项".into(),
            on_time: Some(true),
            result: PublicResult {
                name: name.into(),
                code: code.into(),
                inspected_on: "2023-04-01".into(),
                method: "实地核查".into(),
                categories: vec![],
                problems: String::new(),
                handling: vec![],
                referral_department: String::new(),
                published_on: "2023-05-01".into(),
                follow_ups: vec![],
                corrected_on: None,
                correction_reason: String::new(),
                verdicts: vec![],
            },
        }
    }

    fn names(rows: &[ResultRow]) -> Vec<&str> {
        rows.iter().map(|r| r.result.name.as_str()).collect()
    }

    fn sample() -> Snapshot {
        Snapshot::new(
            7,
            vec![
                row(2, "邯郸市丛台区ABC加油站", "91130402MA0000001X"),
                row(2, "邯郸市复兴区拍卖有限公司", "91130404MA0000002Y"),
                row(1, "邯郸市丛台区二手车市场", "91130402MA0000003Z"),
                row(1, "丛台区百分之%公司", "91130402MA00000040"),
            ],
        )
    }

    #[test]
    fn names_match_by_fragment_in_row_order_and_ascii_in_any_case() {
        let s = sample();
        assert_eq!(
            names(&s.search("丛台区", 10)),
            ["邯郸市丛台区ABC加油站", "邯郸市丛台区二手车市场", "丛台区百分之%公司"]
        );
        assert_eq!(names(&s.search("丛台区", 2)).len(), 2);
        assert_eq!(names(&s.search("abc", 10)), ["邯郸市丛台区ABC加油站"]);
        assert_eq!(names(&s.search(" 拍 ", 10)), ["邯郸市复兴区拍卖有限公司"]);
        assert_eq!(names(&s.search("%", 10)), ["丛台区百分之%公司"], "no wildcards");
        assert!(s.search("拍卖加油", 10).is_empty(), "every pair must be adjacent in one name");
        assert!(s.search("西藏", 10).is_empty());
        assert!(s.search("  ", 10).is_empty());
    }

    #[test]
    fn codes_match_whole_in_any_case_or_by_a_prefix_of_six_or_more() {
        let s = sample();
        assert_eq!(names(&s.search("91130404ma0000002y", 10)), ["邯郸市复兴区拍卖有限公司"]);
        assert_eq!(s.search("911304", 10).len(), 4);
        assert_eq!(names(&s.search("91130402", 2)), ["邯郸市丛台区ABC加油站", "邯郸市丛台区二手车市场"]);
        assert!(s.search("91130", 10).is_empty(), "five characters are not a prefix");
        assert!(s.search("91130402MA0000001", 10).len() == 1);
    }

    #[test]
    fn tasks_and_newest_keep_the_order() {
        let s = sample();
        assert_eq!(names(&s.of_task(1)), ["邯郸市丛台区二手车市场", "丛台区百分之%公司"]);
        assert_eq!(names(&s.newest(1)), ["邯郸市丛台区ABC加油站"]);
        assert_eq!(s.len(), 4);
    }
}
