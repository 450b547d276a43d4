//! The client-side rate limiter that paces an import to the instance's limit.
//!
//! Clerk counts requests per fixed window at its end; the client sees only when it sent a
//! request and when the answer came back. A slot is therefore held from the moment a request is
//! allowed until `window` after its answer arrived. Any window the server counts in then holds at
//! most `requests` of ours, whatever the network delays: a request that arrives in a window was
//! allowed while every other request counted in that window still held its slot.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

/// A rate: at most `requests` per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Requests allowed per window.
    pub requests: u32,
    /// The window.
    pub window: Duration,
}

impl std::str::FromStr for Rate {
    type Err = String;

    /// Parses `100/10s`, `1000/10s`, `5/1m`, `20/500ms` (the emulator's `--rate-limit` syntax).
    fn from_str(s: &str) -> Result<Rate, String> {
        let r: clerk_emulator::RateLimit = s.parse()?;
        Ok(Rate {
            requests: r.requests,
            window: r.window,
        })
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = self.window.as_millis();
        if ms.is_multiple_of(1000) {
            write!(f, "{}/{}s", self.requests, ms / 1000)
        } else {
            write!(f, "{}/{}ms", self.requests, ms)
        }
    }
}

impl Rate {
    /// Clerk's documented Backend API limit for the instance a secret key belongs to: 1,000
    /// requests per 10 s for production (`sk_live_`) keys, 100 per 10 s otherwise.
    pub fn for_secret_key(key: &str) -> Rate {
        Rate {
            requests: if key.starts_with("sk_live_") {
                1000
            } else {
                100
            },
            window: Duration::from_secs(10),
        }
    }
}

struct State {
    in_flight: u32,
    /// When the answers of recent requests arrived, oldest first; each holds a slot until
    /// `window` after it.
    finished: VecDeque<Instant>,
}

/// Paces requests to a [`Rate`]; cheap to clone.
#[derive(Clone)]
pub struct Limiter {
    rate: Rate,
    state: Arc<Mutex<State>>,
    freed: Arc<Notify>,
}

/// A slot held for one request; give it back with [`Permit::done`] when the answer arrived.
/// Dropped without `done` (the task was cancelled), it is given back as if answered then.
pub struct Permit {
    limiter: Option<Limiter>,
}

impl Limiter {
    /// A limiter allowing `rate`.
    pub fn new(rate: Rate) -> Limiter {
        Limiter {
            rate,
            state: Arc::new(Mutex::new(State {
                in_flight: 0,
                finished: VecDeque::new(),
            })),
            freed: Arc::new(Notify::new()),
        }
    }

    /// Waits for a slot.
    pub async fn acquire(&self) -> Permit {
        loop {
            let notified = self.freed.notified();
            let wait = {
                let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                while s
                    .finished
                    .front()
                    .is_some_and(|t| *t + self.rate.window <= now)
                {
                    s.finished.pop_front();
                }
                let used = s.in_flight as usize + s.finished.len();
                if used < self.rate.requests as usize {
                    s.in_flight += 1;
                    return Permit {
                        limiter: Some(self.clone()),
                    };
                }
                // Full: the oldest finished slot frees at a known time; in-flight ones free
                // when they finish (and notify).
                s.finished.front().map(|t| *t + self.rate.window)
            };
            match wait {
                Some(at) => {
                    tokio::select! {
                        _ = tokio::time::sleep_until(at) => {}
                        _ = notified => {}
                    }
                }
                None => notified.await,
            }
        }
    }

    fn release(&self) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.in_flight = s.in_flight.saturating_sub(1);
        s.finished.push_back(Instant::now());
        drop(s);
        // A finished request still holds its slot for a window; waiters recompute their wake-up.
        self.freed.notify_waiters();
    }
}

impl Permit {
    /// The answer arrived (or the request failed): the slot frees one window from now.
    pub fn done(mut self) {
        if let Some(l) = self.limiter.take() {
            l.release();
        }
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some(l) = self.limiter.take() {
            l.release();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_rates() {
        let r: Rate = "100/10s".parse().unwrap();
        assert_eq!(r.requests, 100);
        assert_eq!(r.window, Duration::from_secs(10));
        assert_eq!(r.to_string(), "100/10s");
        assert_eq!("20/500ms".parse::<Rate>().unwrap().to_string(), "20/500ms");
        assert!("0/10s".parse::<Rate>().is_err());
        assert!("fast".parse::<Rate>().is_err());
        assert_eq!(Rate::for_secret_key("sk_live_x").requests, 1000);
        assert_eq!(Rate::for_secret_key("sk_test_x").requests, 100);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slot_frees_one_window_after_its_answer() {
        let limiter = Limiter::new(Rate {
            requests: 2,
            window: Duration::from_secs(10),
        });
        let start = Instant::now();
        let a = limiter.acquire().await;
        let b = limiter.acquire().await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        a.done();
        tokio::time::sleep(Duration::from_secs(2)).await;
        b.done();
        // The third waits for the first answer + 10 s = 11 s; the fourth for 3 + 10 = 13 s.
        let c = limiter.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_secs(11));
        c.done();
        let d = limiter.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_secs(13));
        drop(d);
    }
}
