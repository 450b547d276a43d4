//! Retries as a value: which failures are retried, and how long to wait in between.
//!
//! The client holds a default [`RetryPolicy`]; every operation's builder can override it with
//! `.retry_policy(...)`. The rules about *which* requests may be retried live here too, so the
//! request runtime asks one place.

use std::time::Duration;

use reqwest::{Method, StatusCode};

/// How failed requests are retried.
///
/// The default is at most 3 retries with exponential backoff and jitter: the first wait is about
/// 500 ms, each next one 1.5 times longer, never more than 60 s. A `Retry-After` from the API
/// replaces the computed wait; when it asks for longer than the cap, the error is returned at
/// once (its [`Error::retry_after`](crate::Error::retry_after) says how long to wait) rather
/// than blocking the caller.
///
/// What is retried depends on the method:
/// - `GET`, `PUT`, `DELETE` (idempotent): 429, any 5xx, connection failures and timeouts;
/// - `POST`, `PATCH`: only 429 and connection failures, the cases where the request surely did
///   not take effect. A POST that timed out or got a 503 may have been applied, so it is not
///   sent twice.
///
/// ```
/// use std::time::Duration;
/// use clerk_backend::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .with_max_retries(5)
///     .with_initial_backoff(Duration::from_millis(200));
/// let never = RetryPolicy::none();
/// assert_eq!(never.max_retries(), 0);
/// # let _ = patient;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    backoff_factor: f64,
    max_backoff: Duration,
    jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            backoff_factor: 1.5,
            max_backoff: Duration::from_secs(60),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// Sets the most retries after the first attempt.
    pub fn with_max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Sets the wait before the first retry.
    pub fn with_initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// Sets how much longer each wait is than the one before (at least 1).
    pub fn with_backoff_factor(mut self, factor: f64) -> Self {
        self.backoff_factor = if factor.is_finite() && factor >= 1.0 {
            factor
        } else {
            1.0
        };
        self
    }

    /// Sets the longest wait, computed or asked for by `Retry-After`.
    pub fn with_max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// Turns jitter on or off (on by default). Without jitter the waits are exact, which tests
    /// may want; with it, many clients that failed together do not retry together.
    pub fn with_jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// The most retries after the first attempt.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The wait before retry number `retry` (0-based), before `Retry-After` is considered.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exp = self.backoff_factor.powi(retry.min(64) as i32);
        let base = self.initial_backoff.as_secs_f64() * exp;
        let capped = base.min(self.max_backoff.as_secs_f64());
        let secs = if self.jitter {
            // "Equal jitter": half fixed, half random, so waits still grow but spread out.
            capped / 2.0 + fastrand::f64() * capped / 2.0
        } else {
            capped
        };
        Duration::from_secs_f64(secs.max(0.0))
    }

    /// How long to wait before retry number `retry`, or `None` to give up now.
    pub(crate) fn wait_before(
        &self,
        retry: u32,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        if retry >= self.max_retries {
            return None;
        }
        match retry_after {
            Some(wait) if wait > self.max_backoff => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(retry)),
        }
    }
}

/// Methods whose repetition has no further effect, per RFC 9110.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

/// Whether an answer with this status may be retried for this method.
pub(crate) fn retry_status(method: &Method, status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || (status.is_server_error() && is_idempotent(method))
}

/// Whether a transport failure may be retried for this method.
pub(crate) fn retry_transport(method: &Method, err: &reqwest::Error) -> bool {
    // A failed connection (refused, or timed out while connecting) never carried the request.
    // A timeout or a reset after connecting might have, so only idempotent requests go again.
    err.is_connect() || is_idempotent(method)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_by_the_factor_and_stops_at_the_cap() {
        let p = RetryPolicy::default()
            .with_jitter(false)
            .with_max_retries(50);
        assert_eq!(p.backoff(0), Duration::from_millis(500));
        assert_eq!(p.backoff(1), Duration::from_millis(750));
        assert_eq!(p.backoff(2), Duration::from_micros(1_125_000));
        assert_eq!(p.backoff(40), Duration::from_secs(60));
    }

    #[test]
    fn jitter_stays_within_half_and_whole_of_the_wait() {
        let p = RetryPolicy::default();
        for _ in 0..1000 {
            let w = p.backoff(1);
            assert!(
                w >= Duration::from_millis(375) && w <= Duration::from_millis(750),
                "{w:?}"
            );
        }
    }

    #[test]
    fn retry_after_replaces_the_backoff_and_a_long_one_gives_up() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.wait_before(0, Some(Duration::from_secs(2))),
            Some(Duration::from_secs(2))
        );
        assert_eq!(p.wait_before(0, Some(Duration::from_secs(61))), None);
        assert_eq!(p.wait_before(3, None), None);
        assert_eq!(RetryPolicy::none().wait_before(0, None), None);
    }

    #[test]
    fn post_is_retried_only_when_it_cannot_have_taken_effect() {
        assert!(retry_status(&Method::POST, StatusCode::TOO_MANY_REQUESTS));
        assert!(!retry_status(
            &Method::POST,
            StatusCode::SERVICE_UNAVAILABLE
        ));
        assert!(!retry_status(&Method::PATCH, StatusCode::BAD_GATEWAY));
        assert!(retry_status(&Method::GET, StatusCode::SERVICE_UNAVAILABLE));
        assert!(retry_status(
            &Method::DELETE,
            StatusCode::INTERNAL_SERVER_ERROR
        ));
        assert!(!retry_status(&Method::GET, StatusCode::NOT_FOUND));
    }
}
