//! Observers follow a ceremony live: every change of a ceremony's state is broadcast to
//! the server-sent-event streams of that task (`/api/public/tasks/{id}/live`), which
//! start with the current state so a phone that joins late (or reconnects) is in step.
//! When the server stops, every stream ends at once, asking the phone to reconnect within a
//! second (to another server, or to this one once it is back), so a stopping server never
//! waits on its followers.

use crate::domain::ceremony::LiveState;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast;

/// The broadcast of ceremony states (all tasks on one channel; each stream keeps its own),
/// and the signal that ends every stream when the server stops.
#[derive(Clone)]
pub struct Hub(broadcast::Sender<LiveState>, tokio::sync::watch::Sender<bool>);

impl Default for Hub {
    fn default() -> Self {
        // A ceremony changes a few times a second at most; 64 is plenty of slack for a
        // slow reader, and a reader that falls behind just resumes from the newest state.
        Self(broadcast::channel(64).0, tokio::sync::watch::channel(false).0)
    }
}

impl Hub {
    /// Tells every stream of `state.task_id` the new state.
    pub fn publish(&self, state: LiveState) {
        let _ = self.0.send(state); // no receivers is fine
    }

    /// How many streams are open (observers following a ceremony).
    pub fn followers(&self) -> usize {
        self.0.receiver_count()
    }

    /// Ends every open stream, and every one opened later, with a request to reconnect.
    pub fn close(&self) {
        self.1.send_replace(true);
    }
}

/// How soon a follower whose stream ended asks again.
const RECONNECT: Duration = Duration::from_secs(1);

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
    Sse::new(stream_of(first, rx, hub.1.subscribe(), task_id, user.0.is_some()))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

fn stream_of(
    first: LiveState,
    rx: broadcast::Receiver<LiveState>,
    closing: tokio::sync::watch::Receiver<bool>,
    task_id: i64,
    signed_in: bool,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let event = move |s: LiveState| event(&if signed_in { s } else { s.public() });
    // The state: the event to send first, the receivers, and whether the stream is over.
    stream::unfold(
        (Some(first), rx, closing, false),
        move |(pending, mut rx, mut closing, over)| async move {
            if over {
                return None;
            }
            if let Some(s) = pending {
                return Some((Ok(event(s)), (None, rx, closing, false)));
            }
            loop {
                let received = tokio::select! {
                    r = rx.recv() => Some(r),
                    // Closed (or the hub gone).
                    _ = closing.wait_for(|&c| c) => None,
                };
                let Some(received) = received else {
                    // The last event says when to come back.
                    let bye = Event::default().event("closing").data("server stopping").retry(RECONNECT);
                    return Some((Ok(bye), (None, rx, closing, true)));
                };
                match received {
                    Ok(s) if s.task_id == task_id => return Some((Ok(event(s)), (None, rx, closing, false))),
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        },
    )
}

fn event(s: &LiveState) -> Event {
    Event::default().event("state").data(serde_json::to_string(s).expect("plain data serialises"))
}
