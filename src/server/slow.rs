//! Closing connections whose request never arrives (slowloris).
//!
//! hyper only enforces its header read timeout when given a timer, which
//! `axum::serve` does not do: a client that opened connections and sent
//! their request head a byte at a time kept them open for ever, and enough
//! of them would exhaust the daemon's file descriptors. [`HeadDeadline`]
//! wraps the listener: each connection must deliver a whole request head
//! (up to its blank line) within the limit, counted from the connection's
//! start or from the last response written on it; past that its next read
//! fails and hyper closes it. An idle keep-alive connection is closed the
//! same way.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::serve::Listener;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// A listener whose connections must send each request head in time.
pub struct HeadDeadline<L> {
    inner: L,
    limit: Duration,
}

impl<L> HeadDeadline<L> {
    pub fn new(inner: L, limit: Duration) -> HeadDeadline<L> {
        HeadDeadline { inner, limit }
    }
}

impl<L> Listener for HeadDeadline<L>
where
    L: Listener,
    L::Io: Unpin,
{
    type Io = Guarded<L::Io>;
    type Addr = L::Addr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (io, addr) = self.inner.accept().await;
        let guarded = Guarded {
            io,
            limit: self.limit,
            deadline: Box::pin(tokio::time::sleep(self.limit)),
            waiting: true,
            line: 0,
        };
        (guarded, addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// A connection that fails its reads once a request head is overdue.
pub struct Guarded<T> {
    io: T,
    limit: Duration,
    deadline: Pin<Box<Sleep>>,
    /// A request head is expected and the deadline runs.
    waiting: bool,
    /// Where the last bytes read stand in the search for the blank line
    /// that ends a head: 0 inside a line, 1 just after a `\n`, 2 after
    /// `\n\r`.
    line: u8,
}

impl<T> Guarded<T> {
    /// Follows the bytes read, looking for the blank line (`\r\n\r\n`,
    /// or `\n\n`, which parsers accept too) that ends a request head.
    fn scan(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.line = match (self.line, b) {
                (1 | 2, b'\n') => {
                    self.waiting = false;
                    self.line = 0;
                    return;
                }
                (_, b'\n') => 1,
                (1, b'\r') => 2,
                _ => 0,
            };
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Guarded<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.waiting && this.deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "request head not received in time",
            )));
        }
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.io).poll_read(cx, buf);
        if this.waiting && matches!(polled, Poll::Ready(Ok(()))) {
            this.scan(&buf.filled()[before..]);
        }
        polled
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Guarded<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let polled = Pin::new(&mut this.io).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            // A response is going out: the next request's head is due
            // within the limit from now.
            this.waiting = true;
            this.line = 0;
            this.deadline.as_mut().reset(Instant::now() + this.limit);
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guarded() -> Guarded<()> {
        Guarded {
            io: (),
            limit: Duration::from_secs(1),
            deadline: Box::pin(tokio::time::sleep(Duration::from_secs(1))),
            waiting: true,
            line: 0,
        }
    }

    #[tokio::test]
    async fn the_blank_line_ends_the_wait_even_split_across_reads() {
        let mut g = guarded();
        g.scan(b"GET / HTTP/1.1\r\nHost: a\r\n\r");
        assert!(g.waiting);
        g.scan(b"\n");
        assert!(!g.waiting);
        let mut g = guarded();
        g.scan(b"GET / HTTP/1.1\r\nX: \r\r\n\r\n");
        assert!(!g.waiting);
        let mut g = guarded();
        g.scan(b"GET / HTTP/1.1\nHost: a\n\n");
        assert!(!g.waiting);
        let mut g = guarded();
        g.scan(b"GET / HTTP/1.1\r\nX: a\r\rY: b\r\n");
        assert!(g.waiting);
    }
}
