//! Who may talk to the server: the rules that make a local web app safe on a shared computer,
//! as pure functions of a request's method, URL and headers.
//!
//! * The `Host` header must name the server as the browser reached it (`127.0.0.1:PORT`,
//!   `localhost:PORT`, or the `--host` given): a page of another site that rebinds its DNS
//!   name to 127.0.0.1 sends its own name and is refused (403).
//! * Every request carries the token: in the URL (`?token=`, the address the server prints)
//!   or in the cookie set on the first visit. Without it: 401.
//! * A request that changes anything (any method but GET and HEAD) must come from the app's
//!   own origin (`Origin` header; `Sec-Fetch-Site` when the browser sends it): else 403.

/// Why a request is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// 403: the `Host` header names another site.
    Host,
    /// 401: no token, or a wrong one.
    Token,
    /// 403: a change requested from another origin, or without saying from where.
    Origin,
}

impl Refusal {
    pub fn status(&self) -> u16 {
        match self {
            Refusal::Token => 401,
            Refusal::Host | Refusal::Origin => 403,
        }
    }

    pub fn message(&self) -> &'static str {
        match self {
            Refusal::Host => "this server answers only to the address it printed (Host header)",
            Refusal::Token => {
                "open the address amur serve printed (with its token): this request has no valid token"
            }
            Refusal::Origin => "changes are accepted only from the app's own page (Origin header)",
        }
    }
}

/// What the guard needs to know about the server.
#[derive(Debug, Clone)]
pub struct Guard {
    pub token: String,
    pub port: u16,
    /// Host names (without port) the server answers to.
    pub hosts: Vec<String>,
}

impl Guard {
    pub fn new(token: String, port: u16, extra_host: Option<&str>) -> Guard {
        let mut hosts = vec!["127.0.0.1".to_string(), "localhost".to_string()];
        if let Some(h) = extra_host.filter(|h| !hosts.iter().any(|k| k == h)) {
            hosts.push(h.to_string());
        }
        Guard { token, port, hosts }
    }

    /// The name of the cookie holding the token: one per port, so that two servers on one
    /// computer do not overwrite each other's.
    pub fn cookie_name(&self) -> String {
        format!("amur_token_{}", self.port)
    }

    /// Whether `host` (a `Host` header) is one of ours with our port.
    pub fn host_ok(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        self.hosts
            .iter()
            .any(|h| host == format!("{h}:{}", self.port) || host == format!("[{h}]:{}", self.port))
    }

    /// Whether `origin` (an `Origin` header) is the app's own.
    pub fn origin_ok(&self, origin: &str) -> bool {
        origin
            .trim()
            .strip_prefix("http://")
            .is_some_and(|host| self.host_ok(host))
    }

    /// Checks a request. `query_token` is the `token` URL parameter, `cookie` the `Cookie`
    /// header; `origin` and `fetch_site` the `Origin` and `Sec-Fetch-Site` headers.
    pub fn check(
        &self,
        method: &str,
        host: Option<&str>,
        query_token: Option<&str>,
        cookie: Option<&str>,
        origin: Option<&str>,
        fetch_site: Option<&str>,
    ) -> Result<(), Refusal> {
        if !host.is_some_and(|h| self.host_ok(h)) {
            return Err(Refusal::Host);
        }
        let cookie_token = cookie.and_then(|c| cookie_value(c, &self.cookie_name()));
        let has_token = [query_token, cookie_token]
            .into_iter()
            .flatten()
            .any(|t| same(t.as_bytes(), self.token.as_bytes()));
        if !has_token {
            return Err(Refusal::Token);
        }
        let safe = matches!(method, "GET" | "HEAD");
        if !safe {
            if !origin.is_some_and(|o| self.origin_ok(o)) {
                return Err(Refusal::Origin);
            }
            if fetch_site.is_some_and(|s| s.trim() != "same-origin") {
                return Err(Refusal::Origin);
            }
        }
        Ok(())
    }

    /// The `Set-Cookie` value that keeps the token for later requests: HttpOnly (no script
    /// reads it), SameSite=Strict (no other site's page sends it).
    pub fn set_cookie(&self) -> String {
        format!(
            "{}={}; Path=/; HttpOnly; SameSite=Strict",
            self.cookie_name(),
            self.token
        )
    }
}

/// The value of cookie `name` in a `Cookie` header.
fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|part| {
        let (k, v) = part.trim().split_once('=')?;
        (k == name).then_some(v)
    })
}

/// Compares two byte strings in time that depends on their lengths only.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A fresh token: 128 random bits from the operating system, as hex.
pub fn new_token() -> std::io::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(std::io::Error::other)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard() -> Guard {
        Guard::new("abc123".into(), 8080, None)
    }

    #[test]
    fn host_must_be_ours() {
        let g = guard();
        assert!(g.host_ok("127.0.0.1:8080"));
        assert!(g.host_ok("LOCALHOST:8080"));
        assert!(!g.host_ok("127.0.0.1:8081"));
        assert!(!g.host_ok("evil.example:8080"));
        assert!(!g.host_ok("127.0.0.1"));
        let ok = Some("127.0.0.1:8080");
        assert_eq!(
            g.check(
                "GET",
                Some("rebound.example:8080"),
                Some("abc123"),
                None,
                None,
                None
            ),
            Err(Refusal::Host)
        );
        assert_eq!(
            g.check("GET", None, Some("abc123"), None, None, None),
            Err(Refusal::Host)
        );
        assert_eq!(g.check("GET", ok, Some("abc123"), None, None, None), Ok(()));
    }

    #[test]
    fn token_from_url_or_cookie() {
        let g = guard();
        let ok = Some("localhost:8080");
        assert_eq!(
            g.check("GET", ok, None, None, None, None),
            Err(Refusal::Token)
        );
        assert_eq!(
            g.check("GET", ok, Some("abc124"), None, None, None),
            Err(Refusal::Token)
        );
        assert_eq!(
            g.check("GET", ok, Some("abc12"), None, None, None),
            Err(Refusal::Token)
        );
        let cookie = "x=1; amur_token_8080=abc123";
        assert_eq!(g.check("GET", ok, None, Some(cookie), None, None), Ok(()));
        let other_port = "amur_token_8081=abc123";
        assert_eq!(
            g.check("GET", ok, None, Some(other_port), None, None),
            Err(Refusal::Token)
        );
    }

    #[test]
    fn changes_need_our_origin() {
        let g = guard();
        let ok = Some("127.0.0.1:8080");
        let t = Some("abc123");
        assert_eq!(
            g.check("POST", ok, t, None, None, None),
            Err(Refusal::Origin)
        );
        assert_eq!(
            g.check("POST", ok, t, None, Some("http://evil.example"), None),
            Err(Refusal::Origin)
        );
        assert_eq!(
            g.check("POST", ok, t, None, Some("https://127.0.0.1:8080"), None),
            Err(Refusal::Origin)
        );
        assert_eq!(
            g.check(
                "POST",
                ok,
                t,
                None,
                Some("http://localhost:8080"),
                Some("cross-site")
            ),
            Err(Refusal::Origin)
        );
        assert_eq!(
            g.check(
                "POST",
                ok,
                t,
                None,
                Some("http://127.0.0.1:8080"),
                Some("same-origin")
            ),
            Ok(())
        );
    }

    #[test]
    fn tokens_are_fresh() {
        let a = new_token().unwrap();
        assert_eq!(a.len(), 32);
        assert_ne!(a, new_token().unwrap());
    }
}
