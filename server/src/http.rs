//! Accepting connections: HTTP/1.1 with a deadline for each request's header, a cap on
//! open connections, and a bounded drain at shutdown.
//!
//! `axum::serve` sets no header-read deadline and no connection cap, so connections that
//! send half a header and stop were held for ever; 20,000 of them used up the process's
//! file handles and nobody else could connect. Here a connection that has not sent a
//! whole header within [`Limits::header_timeout`] (the first request's, or the next one
//! on a kept-alive connection) is closed, and at most [`Limits::max_connections`] are
//! open at once: beyond that the listener waits, and the kernel's backlog holds new ones.
//! A request body that stalls is cut by the body timeout in the router. A reverse proxy
//! in front should set its own limits too (see the README).

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::Service;

/// Connection limits of one server process.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Connections open at once.
    pub max_connections: usize,
    /// Time a connection has to send a whole request header.
    pub header_timeout: Duration,
    /// Time in-flight requests (and live streams) get to finish at shutdown.
    pub drain_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 2048,
            header_timeout: Duration::from_secs(10),
            drain_timeout: Duration::from_secs(10),
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then lets open requests finish
/// for up to [`Limits::drain_timeout`].
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let mut make = app.into_make_service_with_connect_info::<SocketAddr>();
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_timeout).keep_alive(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(limits.header_timeout))
        .keep_alive_timeout(limits.header_timeout);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => p.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // EMFILE and friends: wait for connections to close rather than spin.
                    tracing::warn!("accept error: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let tower = match make.call(peer).await {
            Ok(s) => s,
            Err(never) => match never {},
        };
        let conn =
            builder.serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(tower));
        let conn = graceful.watch(conn.into_owned());
        tokio::spawn(async move {
            let _ = conn.await;
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.drain_timeout) => {
            tracing::warn!("shutdown: connections still open after {:?}; closing them", limits.drain_timeout);
        }
    }
    Ok(())
}
