//! Observers follow a ceremony live: every change of a ceremony's state is broadcast to
//! the server-sent-event streams of that task (`/api/public/tasks/{id}/live`), which
//! start with the current state so a phone that joins late (or reconnects) is in step.

use crate::domain::ceremony::LiveState;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast;

/// The broadcast of ceremony states (all tasks on one channel; each stream keeps its own).
#[derive(Clone)]
pub struct Hub(broadcast::Sender<LiveState>);

impl Default for Hub {
    fn default() -> Self {
        // A ceremony changes a few times a second at most; 64 is plenty of slack for a
        // slow reader, and a reader that falls behind just resumes from the newest state.
        Self(broadcast::channel(64).0)
    }
}

impl Hub {
    /// Tells every stream of `state.task_id` the new state.
    pub fn publish(&self, state: LiveState) {
        let _ = self.0.send(state); // no receivers is fine
    }
}

/// `GET /api/public/tasks/{id}/live`: the task's ceremony as server-sent events, each
/// `event: state` with the [`LiveState`] as JSON; without inspectors' names unless the
/// follower is signed in.
pub async fn events(
    State(db): State<sqlx::AnyPool>,
    State(hub): State<Hub>,
    Path(task_id): Path<i64>,
    axum::Extension(user): axum::Extension<crate::ssr::auth::CurrentUser>,
) -> Response {
    let first = match crate::ssr::db::ceremony::live_state(&db, task_id).await {
        Ok(Some(s)) => s,
        Ok(None) => {
            return (axum::http::StatusCode::NOT_FOUND, "该任务尚未冻结名单，没有抽取现场").into_response()
        }
        Err(e) => return e.into_status_response(),
    };
    let rx = hub.0.subscribe();
    Sse::new(stream_of(first, rx, task_id, user.0.is_some()))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

fn stream_of(
    first: LiveState,
    rx: broadcast::Receiver<LiveState>,
    task_id: i64,
    signed_in: bool,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let event = move |s: LiveState| event(&if signed_in { s } else { s.public() });
    stream::unfold((Some(first), rx), move |(pending, mut rx)| async move {
        if let Some(s) = pending {
            return Some((Ok(event(s)), (None, rx)));
        }
        loop {
            match rx.recv().await {
                Ok(s) if s.task_id == task_id => return Some((Ok(event(s)), (None, rx))),
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
}

fn event(s: &LiveState) -> Event {
    Event::default().event("state").data(serde_json::to_string(s).expect("plain data serialises"))
}
