//! Who is on the other end: the client IP (believing `X-Forwarded-For` only from trusted
//! proxies), whether the request came over HTTPS, and the request id.

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use korrigo_app::ClientInfo;
use korrigo_app::config::IpNet;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

/// What the request context middleware resolved, stored in the request's extensions.
#[derive(Clone, Debug)]
pub struct RequestContext {
    /// The request id (from a sane `X-Request-ID`, or generated).
    pub request_id: String,
    /// The client IP.
    pub ip: Option<IpAddr>,
    /// Whether the client used HTTPS (directly or through a trusted proxy).
    pub https: bool,
    /// The `User-Agent`.
    pub user_agent: Option<String>,
}

impl RequestContext {
    /// The client facts the use cases record.
    pub fn client(&self) -> ClientInfo {
        ClientInfo {
            ip: self.ip.map(|i| i.to_string()),
            user_agent: self.user_agent.clone(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestContext {
    type Rejection = Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<RequestContext>()
            .cloned()
            .unwrap_or(RequestContext {
                request_id: String::new(),
                ip: None,
                https: false,
                user_agent: None,
            }))
    }
}

/// Resolves the client IP: the peer address, unless the peer is a trusted proxy, in which case
/// the right-most address of `X-Forwarded-For` that is not itself a trusted proxy.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> Option<IpAddr> {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    let peer = peer?;
    if !is_trusted(peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !is_trusted(*ip))
            .unwrap_or(peer),
    )
}

/// Whether the request came over HTTPS: `X-Forwarded-Proto` is believed from trusted proxies.
pub fn is_https(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> bool {
    let from_proxy = peer.is_some_and(|p| trusted.iter().any(|n| n.contains(p)));
    from_proxy
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(',')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .eq_ignore_ascii_case("https")
            })
}

/// The peer address from the connection, when the server was started with connect info.
pub fn peer(parts_ext: &axum::http::Extensions) -> Option<IpAddr> {
    parts_ext.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", xff.parse().unwrap());
        h.insert("x-forwarded-proto", "https".parse().unwrap());
        h
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let trusted = vec![
            IpNet::parse("127.0.0.1").unwrap(),
            IpNet::parse("10.0.0.0/8").unwrap(),
        ];
        let h = headers("203.0.113.9, 10.0.0.5");
        let proxy: IpAddr = "127.0.0.1".parse().unwrap();
        let stranger: IpAddr = "198.51.100.7".parse().unwrap();
        assert_eq!(
            client_ip(Some(proxy), &h, &trusted),
            Some("203.0.113.9".parse().unwrap())
        );
        assert_eq!(client_ip(Some(stranger), &h, &trusted), Some(stranger));
        assert_eq!(client_ip(Some(proxy), &h, &[]), Some(proxy));
        // A client cannot pick its IP by prepending a forged address.
        let forged = headers("1.2.3.4, 203.0.113.9");
        assert_eq!(
            client_ip(Some(proxy), &forged, &trusted),
            Some("203.0.113.9".parse().unwrap())
        );
        assert!(is_https(Some(proxy), &h, &trusted));
        assert!(!is_https(Some(stranger), &h, &trusted));
    }
}
