//! The one application error, shared by server functions and pages.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What went wrong, in words a user can act on. Internal detail is logged on the
/// server and never sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// 404: the thing does not exist or is not visible to this user.
    #[error("{0}")]
    NotFound(String),
    /// 400: input refused; `field` names the form field or column, `message` says why.
    /// Shown with the field's Chinese name ([`crate::labels::field_label`]), never its code.
    #[error("{}", field_sentence(field, message))]
    Invalid { field: String, message: String },
    /// 400: a form refused on several fields at once, each with its own sentence, so the
    /// page can put each beside its field.
    #[error("{}", .0.iter().map(|e| field_sentence(&e.field, &e.message)).collect::<Vec<_>>().join("；"))]
    Fields(Vec<crate::domain::task::FieldError>),
    /// 409: the request is well-formed but the current state refuses it (e.g. a second draw).
    #[error("{0}")]
    Conflict(String),
    /// 401: nobody is signed in (or the session ended).
    #[error("{0}")]
    Unauthorized(String),
    /// 403: the user may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// 429: too many failed attempts; try again later.
    #[error("{0}")]
    Throttled(String),
    /// 413: an uploaded file over its limit; the sentence names the limit. Nothing was kept.
    #[error("{0}")]
    TooLarge(String),
    /// 503: the server is busy with work of this kind (e.g. password checks); try again soon.
    #[error("{0}")]
    Unavailable(String),
    /// 400: the request itself could not be read (a field of the wrong type, one missing,
    /// a malformed body); the parser's words are logged, not sent, and the sentence is
    /// always [`MALFORMED`].
    #[error("{0}")]
    Malformed(String),
    /// 500: something failed on the server; the detail was logged, the user sees a plain sentence.
    #[error("系统内部错误，请稍后重试；如持续出现请联系管理员。")]
    Internal,
    /// Transport-level failure of a server function call (network, encoding).
    #[error("请求未能完成：{0}")]
    Transport(String),
}

/// `字段：原因` with the field's Chinese name, or the reason alone when it already names
/// the field (“请填写检查日期” needs no “检查日期：” before it).
fn field_sentence(field: &str, message: &str) -> String {
    let label = crate::labels::field_label(field);
    if label.is_empty() || message.contains(label) {
        message.to_string()
    } else {
        format!("{label}：{message}")
    }
}

/// What a request that cannot be read is told.
pub const MALFORMED: &str = "请求格式不正确，无法处理";

impl AppError {
    /// The HTTP status this error maps to.
    pub fn status(&self) -> u16 {
        match self {
            Self::NotFound(_) => 404,
            Self::Invalid { .. } | Self::Fields(_) => 400,
            Self::Conflict(_) => 409,
            Self::Unauthorized(_) => 401,
            Self::Forbidden(_) => 403,
            Self::Throttled(_) => 429,
            Self::TooLarge(_) => 413,
            Self::Unavailable(_) => 503,
            Self::Malformed(_) => 400,
            Self::Internal | Self::Transport(_) => 500,
        }
    }

    /// A validation error on one field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid { field: field.into(), message: message.into() }
    }

    /// 403 saying `refusal` unless `role` may call an endpoint of `rule` (one of
    /// `domain::endpoints`' role rules) at all. Checked before anything is looked up or
    /// validated, so a role that may never call it learns nothing from the answer.
    pub fn unless_role(
        role: crate::domain::auth::Role,
        rule: fn(crate::domain::auth::Role) -> crate::domain::access::Reach,
        refusal: &str,
    ) -> Result<(), Self> {
        if rule(role) == crate::domain::access::Reach::Nothing {
            return Err(Self::Forbidden(format!("{refusal}，当前账号为{}", role.label())));
        }
        Ok(())
    }

    /// The reason written in a form's `reason` field, trimmed: refused with `missing` when
    /// empty and with `too_long` past 500 characters.
    pub fn reason<'a>(text: &'a str, missing: &str, too_long: &str) -> Result<&'a str, Self> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Self::invalid("reason", missing));
        }
        if text.chars().count() > 500 {
            return Err(Self::invalid("reason", too_long));
        }
        Ok(text)
    }

    /// A form's field errors: one is [`AppError::Invalid`], several [`AppError::Fields`].
    pub fn from_fields(errors: &[crate::domain::task::FieldError]) -> Self {
        match errors {
            [one] => Self::invalid(one.field.clone(), one.message.clone()),
            many => Self::Fields(many.to_vec()),
        }
    }

    /// The message for one form field, if this error is about it (several are joined).
    pub fn on_field(&self, field: &str) -> Option<String> {
        let messages: Vec<&str> = match self {
            Self::Invalid { field: f, message } if f == field => vec![message.as_str()],
            Self::Fields(list) => {
                list.iter().filter(|e| e.field == field).map(|e| e.message.as_str()).collect()
            }
            _ => Vec::new(),
        };
        (!messages.is_empty()).then(|| messages.join("；"))
    }

    /// Whether the error is about form fields (each shown beside its field).
    pub fn is_about_fields(&self) -> bool {
        matches!(self, Self::Invalid { .. } | Self::Fields(_))
    }

    /// Logs `detail` once and returns [`AppError::Internal`].
    #[cfg(feature = "ssr")]
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!("internal error: {detail}");
        Self::Internal
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// A plain-text HTTP response with this error's status and sentence.
    pub fn into_status_response(self) -> axum::response::Response {
        use axum::response::IntoResponse;
        let status = axum::http::StatusCode::from_u16(self.status())
            .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        (status, self.to_string()).into_response()
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // On the server: the request's arguments could not be read. The parser's
            // message names Rust types and fields; it goes to the log only.
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
                if cfg!(feature = "ssr") =>
            {
                #[cfg(feature = "ssr")]
                tracing::info!("malformed server function request: {value}");
                Self::Malformed(MALFORMED.into())
            }
            other => Self::Transport(other.to_string()),
        }
    }
}

/// What a write is told when the database stays busy past its wait (a long import holds
/// the write lock): nothing was written, and trying again shortly will do.
pub const DATABASE_BUSY: &str = "系统正忙（另一项较大的写入正在进行），本次操作未保存，请稍后重试";

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => Self::NotFound("未找到该记录".into()),
            // Every connection busy past the pool's wait.
            sqlx::Error::PoolTimedOut => {
                tracing::warn!("database pool timed out: answered 503");
                Self::Unavailable(DATABASE_BUSY.into())
            }
            // SQLite's busy timeout ran out behind another writer (SQLITE_BUSY, 5, or
            // SQLITE_LOCKED, 6, and their extended codes); PostgreSQL's lock_timeout (55P03).
            sqlx::Error::Database(ref d) if is_busy(d.code().as_deref(), d.message()) => {
                tracing::warn!("database busy ({}): answered 503", d.message());
                Self::Unavailable(DATABASE_BUSY.into())
            }
            other => Self::internal(other),
        }
    }
}

/// Whether a database error says another writer held the lock too long.
#[cfg(feature = "ssr")]
fn is_busy(code: Option<&str>, message: &str) -> bool {
    let sqlite_busy = code.and_then(|c| c.parse::<u32>().ok()).is_some_and(|c| matches!(c & 0xff, 5 | 6));
    sqlite_busy || code == Some("55P03") || message.contains("database is locked")
}

#[cfg(all(test, feature = "ssr"))]
mod busy_tests {
    #[test]
    fn a_busy_database_is_told_apart_from_a_failure() {
        assert!(super::is_busy(Some("5"), "database is locked"));
        assert!(super::is_busy(Some("517"), "database is locked")); // SQLITE_BUSY_SNAPSHOT
        assert!(super::is_busy(Some("6"), "database table is locked"));
        assert!(super::is_busy(Some("55P03"), "canceling statement due to lock timeout"));
        assert!(!super::is_busy(Some("2067"), "UNIQUE constraint failed: users.username"));
        assert!(!super::is_busy(Some("23505"), "duplicate key value violates unique constraint"));
        assert!(!super::is_busy(None, "no such table: x"));
    }
}
