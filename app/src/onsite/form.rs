//! The on-site result form as it arrives (multipart, with its files): read within bounds,
//! each file checked by its content, a photo's location taken out, each file hashed.

use crate::domain::checklist::Answer;
use crate::domain::evidence::{self, EvidenceKind, MAX_FILES, MAX_FILE_BYTES};
use crate::domain::result::{ItemVerdict, ResultDraft};
use crate::error::AppError;
use crate::ssr::db::onsite::NewFile;
use sha2::{Digest, Sha256};

/// A submitted form: the draft, the answers, each item's problem value, the files, the key.
pub struct Submission {
    pub key: String,
    pub draft: ResultDraft,
    pub answers: Vec<Answer>,
    pub problem_values: Vec<(i64, String)>,
    pub files: Vec<NewFile>,
}

/// Longest text field read, in bytes.
const MAX_FIELD: usize = 16 << 10;

/// An over-limit file: 413 with the message, before anything is stored.
fn too_large(name: &str) -> AppError {
    AppError::TooLarge(format!(
        "文件“{name}”过大：每个文件不超过 {} MB，请压缩或分拍后再上传（本次提交未保存）",
        MAX_FILE_BYTES >> 20
    ))
}

/// Reads the form of task `task_id`, enterprise `code`.
pub async fn read(
    mut form: multer::Multipart<'static>,
    task_id: i64,
    code: &str,
) -> Result<Submission, AppError> {
    let broken =
        |e: multer::Error| AppError::invalid("files", format!("表单未能完整接收，请重新提交（{e}）"));
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut files = Vec::new();
    while let Some(mut part) = form.next_field().await.map_err(broken)? {
        let name = part.name().unwrap_or_default().to_string();
        if let Some(kind) = EvidenceKind::parse(&name) {
            let file_name: String =
                part.file_name().unwrap_or("未命名").chars().filter(|c| !c.is_control()).take(120).collect();
            let mut bytes = Vec::new();
            while let Some(chunk) = part.chunk().await.map_err(broken)? {
                if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                    return Err(too_large(&file_name));
                }
                bytes.extend_from_slice(&chunk);
            }
            if bytes.is_empty() {
                continue; // an input left empty
            }
            if files.len() == MAX_FILES {
                return Err(AppError::invalid("files", format!("一次最多上传 {MAX_FILES} 个文件")));
            }
            let mime =
                evidence::check(kind, &file_name, &bytes).map_err(|m| AppError::invalid("files", m))?;
            let bytes = evidence::kept_bytes(mime, bytes).map_err(|m| AppError::invalid("files", m))?;
            let sha256 = hex::encode(Sha256::digest(&bytes));
            files.push(NewFile { kind: kind.code(), name: file_name, mime, sha256, bytes });
        } else {
            let mut text = Vec::new();
            while let Some(chunk) = part.chunk().await.map_err(broken)? {
                if text.len() + chunk.len() > MAX_FIELD {
                    return Err(AppError::invalid("files", "表单内容过长"));
                }
                text.extend_from_slice(&chunk);
            }
            fields.push((name, String::from_utf8_lossy(&text).into_owned()));
        }
    }
    Ok(submission(&fields, files, task_id, code))
}

/// The submission its text fields describe.
fn submission(fields: &[(String, String)], files: Vec<NewFile>, task_id: i64, code: &str) -> Submission {
    let one = |k: &str| fields.iter().find(|f| f.0 == k).map(|f| f.1.trim().to_string()).unwrap_or_default();
    let all =
        |k: &str| fields.iter().filter(|f| f.0 == k).map(|f| f.1.trim().to_string()).collect::<Vec<_>>();
    let suffix = |prefix: &str| {
        fields
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix(prefix)?.parse::<i64>().ok()?, v.trim().to_string())))
            .collect::<Vec<_>>()
    };
    let problems = suffix("p_");
    let answers = suffix("a_")
        .into_iter()
        .map(|(point_id, answer)| Answer {
            point_id,
            answer,
            problem: problems.iter().find(|p| p.0 == point_id).map(|p| p.1.clone()).unwrap_or_default(),
        })
        .collect();
    let verdict_problems = suffix("vp_");
    let verdicts = suffix("v_")
        .into_iter()
        .map(|(item_id, category)| ItemVerdict {
            item_id,
            categories: vec![category],
            problems: verdict_problems
                .iter()
                .find(|p| p.0 == item_id)
                .map(|p| p.1.clone())
                .unwrap_or_default(),
        })
        .collect();
    Submission {
        key: one("idempotency_key"),
        draft: ResultDraft {
            task_id,
            code: code.to_string(),
            inspected_on: one("inspected_on"),
            method: one("method"),
            attended: all("attended").iter().filter_map(|a| a.parse().ok()).collect(),
            categories: Vec::new(),
            problems: String::new(),
            handling: all("handling"),
            referral_department: one("referral_department"),
            verdicts,
        },
        answers,
        problem_values: suffix("fix_"),
        files,
    }
}
