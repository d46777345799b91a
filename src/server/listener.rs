//! Accepting connections, with bounds a client cannot talk its way around: at most
//! `max_connections` open (one more is answered 503 and closed), a deadline for every
//! request's headers (which is also the idle timeout between requests), a deadline for
//! progress while an answer is written, and a graceful shutdown that ends within its grace
//! period even when work is still in flight.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::time::Sleep;

/// Bounds on connections.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// Most open connections.
    pub max: usize,
    /// Longest wait for a request's headers.
    pub header_timeout: Duration,
    /// Longest time an answer may make no progress.
    pub write_timeout: Duration,
    /// Longest wait for requests in flight at shutdown.
    pub grace: Duration,
}

/// File descriptors kept free for everything but client connections (the database pool,
/// files, the listener).
const RESERVED_DESCRIPTORS: usize = 64;
/// Most connections being turned away at once; more are closed without an answer.
const MAX_TURNED_AWAY: usize = 64;
/// How long a turned-away connection may take to receive its 503.
const TURN_AWAY_TIMEOUT: Duration = Duration::from_secs(1);

/// Serves `router` on `listener` until `shutdown` completes, then lets the requests in flight
/// finish for at most the grace period.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let max = effective_max(limits.max);
    let slots = Arc::new(Semaphore::new(max));
    let turning_away = Arc::new(Semaphore::new(MAX_TURNED_AWAY));
    // Tells every connection to finish its request in flight and close.
    let (close_all, close_signal) = watch::channel(false);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        // Room for heads up to twice the limits that `super::head_limits` answers itself.
        .max_headers(2 * super::MAX_HEADERS)
        .max_buf_size(4 * super::MAX_HEADER_BYTES + 2 * super::MAX_URI_BYTES)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    // Out of descriptors or a connection reset before it was accepted: wait a
                    // moment rather than spin.
                    tracing::warn!(error = %err, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            if let Ok(permit) = turning_away.clone().try_acquire_owned() {
                tokio::spawn(async move {
                    turn_away(stream).await;
                    drop(permit);
                });
            }
            continue;
        };
        let _ = stream.set_nodelay(true);
        let io = TokioIo::new(WriteDeadline::new(stream, limits.write_timeout));
        let service = TowerToHyperService::new(router.clone());
        let connection = http.serve_connection(io, service).with_upgrades();
        let mut close = close_signal.clone();
        tokio::spawn(async move {
            tokio::pin!(connection);
            let ended = tokio::select! {
                ended = connection.as_mut() => Some(ended),
                _ = close.wait_for(|&c| c) => None,
            };
            let ended = match ended {
                Some(ended) => ended,
                None => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(err) = ended {
                tracing::debug!(error = %err, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    let open = max - slots.available_permits();
    tracing::info!(
        open,
        "no longer accepting connections; finishing requests in flight"
    );
    let _ = close_all.send(true);
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    tokio::select! {
        _ = slots.acquire_many(all) => tracing::info!("every connection closed"),
        () = tokio::time::sleep(limits.grace) => {
            let open = max - slots.available_permits();
            tracing::warn!(open, "the grace period is over; stopping with connections open");
        }
    }
}

/// Answers a connection beyond the limit with 503 and closes it.
async fn turn_away(mut stream: TcpStream) {
    const BODY: &str = r#"{"errors":[{"message":"the server has too many open connections; try again shortly","extensions":{"code":"SERVICE_UNAVAILABLE"}}]}"#;
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\n\
         connection: close\r\ncontent-length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    let _ = tokio::time::timeout(TURN_AWAY_TIMEOUT, async {
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await
    })
    .await;
}

/// The connection limit, lowered to what the process's open-file limit allows.
fn effective_max(wanted: usize) -> usize {
    match open_file_limit() {
        Some(limit) if wanted.saturating_add(RESERVED_DESCRIPTORS) > limit => {
            let max = limit.saturating_sub(RESERVED_DESCRIPTORS).max(1);
            tracing::warn!(
                wanted,
                max,
                open_file_limit = limit,
                "the open-file limit allows fewer connections than --max-connections"
            );
            max
        }
        _ => wanted,
    }
}

/// The soft limit on open files, where the system says (Linux: `/proc/self/limits`).
fn open_file_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// A stream whose writes fail once they have made no progress for `timeout`: a client that
/// stops reading cannot hold its connection open forever.
struct WriteDeadline {
    io: TcpStream,
    timeout: Duration,
    stalled: Option<Pin<Box<Sleep>>>,
}

impl WriteDeadline {
    fn new(io: TcpStream, timeout: Duration) -> WriteDeadline {
        WriteDeadline {
            io,
            timeout,
            stalled: None,
        }
    }

    /// After a write that could not proceed: pending until the deadline, then an error.
    fn stall<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        let timeout = self.timeout;
        let deadline = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        match deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading the answer",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn progress<T>(
        &mut self,
        cx: &mut Context<'_>,
        poll: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        match poll {
            Poll::Pending => self.stall(cx),
            ready => {
                self.stalled = None;
                ready
            }
        }
    }
}

impl AsyncRead for WriteDeadline {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl AsyncWrite for WriteDeadline {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_write(cx, buf);
        this.progress(cx, poll)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        this.progress(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_flush(cx);
        this.progress(cx, poll)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_shutdown(cx);
        this.progress(cx, poll)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client that stops reading: the server's writes fail once they have stalled for the
    /// timeout, instead of holding the connection forever.
    #[tokio::test]
    async fn a_stalled_write_fails_after_its_timeout() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let _client = TcpStream::connect(addr).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let mut stream = WriteDeadline::new(server, Duration::from_millis(300));
        let chunk = vec![0_u8; 1 << 16];
        let started = std::time::Instant::now();
        let mut written = 0_usize;
        let err = loop {
            match stream.write_all(&chunk).await {
                Ok(()) => written += chunk.len(),
                Err(err) => break err,
            }
            assert!(
                written < 1 << 30,
                "a gigabyte went into a socket nobody reads"
            );
        };
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn the_open_file_limit_is_read() {
        if cfg!(target_os = "linux") {
            assert!(open_file_limit().is_some_and(|n| n > 0));
        }
    }
}
