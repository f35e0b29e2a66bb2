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

/// Property tests of the form as it arrives (issue 22): any multipart body, well formed or
/// broken, is read or refused in words; any photo bytes are kept or refused.
#[cfg(test)]
mod props {
    use super::*;
    use crate::ssr::files::props::{chinese, config, mutate, mutation, within};
    use proptest::prelude::*;

    const BOUNDARY: &str = "XyZ";

    /// A multipart body of `parts` (name, file name, bytes), as a browser sends it.
    fn body(parts: &[(String, Option<String>, Vec<u8>)]) -> Vec<u8> {
        let mut b = Vec::new();
        for (name, file, bytes) in parts {
            b.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"").as_bytes());
            if let Some(f) = file {
                b.extend(format!("; filename=\"{f}\"\r\nContent-Type: application/octet-stream").as_bytes());
            }
            b.extend(b"\r\n\r\n");
            b.extend(bytes);
            b.extend(b"\r\n");
        }
        b.extend(format!("--{BOUNDARY}--\r\n").as_bytes());
        b
    }

    /// Reads `body` in chunks of `chunk` bytes as the form of task 1, enterprise X.
    fn read_body(body: Vec<u8>, chunk: usize) -> Result<Submission, AppError> {
        within(move || {
            let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
                body.chunks(chunk.max(1)).map(|c| Ok(c.to_vec())).collect();
            let form = multer::Multipart::new(futures_util::stream::iter(chunks), BOUNDARY);
            let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
            let read = rt.block_on(read(form, 1, "X"));
            if let Err(e) = &read {
                assert!(chinese(&e.to_string()), "{e}");
                assert!([400, 413].contains(&e.status()), "{e:?}");
            }
            read
        })
    }

    fn part() -> impl Strategy<Value = (String, Option<String>, Vec<u8>)> {
        let name = prop_oneof![
            prop::sample::select(vec![
                "idempotency_key",
                "inspected_on",
                "method",
                "attended",
                "handling",
                "a_1",
                "p_1",
                "v_2",
                "vp_2",
                "fix_3",
                "a_x",
                "v_-1",
                "v_99999999999999999999",
            ])
            .prop_map(str::to_string),
            "[a-z_0-9\u{4e00}-\u{4e10}]{0,12}",
        ];
        let file = prop_oneof![
            Just(None),
            prop::sample::select(vec!["photo", "document"]).prop_map(|k| Some(k.to_string())),
        ];
        let bytes = prop_oneof![
            prop::collection::vec(any::<u8>(), 0..256),
            Just(b"\xFF\xD8\xFF\xE0\x00\x07JFIF\x00\xFF\xDA\x00\x02\x12\x34\xFF\xD9".to_vec()),
            Just(b"%PDF-1.4\n".to_vec()),
        ];
        (name, file, bytes).prop_map(|(name, file, bytes)| match file {
            // A file part's field name is its kind.
            Some(kind) => (kind, Some(name), bytes),
            None => (name, None, bytes),
        })
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn any_form_is_read_or_refused_in_words(
            parts in prop::collection::vec(part(), 0..12),
            ms in prop::collection::vec(mutation(), 0..4),
            chunk in 1..512usize,
        ) {
            let _ = read_body(mutate(&body(&parts), &ms), chunk);
        }

        #[test]
        fn any_photo_bytes_are_kept_or_refused_in_words(
            tail in prop::collection::vec(any::<u8>(), 0..512),
            ms in prop::collection::vec(mutation(), 0..6),
        ) {
            let mut jpeg = vec![0xFF, 0xD8, 0xFF];
            jpeg.extend(tail);
            let jpeg = mutate(&jpeg, &ms);
            match within(move || crate::domain::evidence::kept_bytes("image/jpeg", jpeg)) {
                Ok(kept) => prop_assert!(kept.starts_with(&[0xFF, 0xD8])),
                Err(m) => prop_assert!(chinese(&m), "{}", m),
            }
        }
    }

    /// A 17 KB text field is refused; eight files of 8 MB and a ninth are refused before
    /// the ninth is read through.
    #[test]
    fn long_fields_and_too_many_files_are_refused() {
        let long = vec![(String::from("method"), None, vec![b'x'; (16 << 10) + 1])];
        let e = read_body(body(&long), 4096).err().unwrap();
        assert_eq!(e.to_string(), AppError::invalid("files", "表单内容过长").to_string());
        let pdf = b"%PDF-1.4\n".to_vec();
        let files: Vec<_> = (0..=MAX_FILES)
            .map(|i| (String::from("document"), Some(format!("{i}.pdf")), pdf.clone()))
            .collect();
        let e = read_body(body(&files), 4096).err().unwrap();
        assert!(e.to_string().contains(&format!("一次最多上传 {MAX_FILES} 个文件")), "{e}");
    }
}
