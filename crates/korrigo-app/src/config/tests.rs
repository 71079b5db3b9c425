use super::*;

fn src(pairs: &[(&str, &str)]) -> Source {
    let mut s: Source = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    s.entry("KORRIGO_SECRET_KEY".into())
        .or_insert_with(|| "3f9c1a7e5b2d48c0a6e1f7b9d2c4e8a15e0b7d3c".into());
    s
}

fn fatal_settings(l: &Loaded) -> Vec<&'static str> {
    l.problems
        .iter()
        .filter(|p| p.severity == Severity::Fatal)
        .map(|p| p.setting)
        .collect()
}

#[test]
fn defaults_are_safe_and_valid() {
    let l = load(&src(&[]), false);
    let c = l.config.expect("defaults are valid");
    assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
    assert_eq!(c.public_url.as_str(), "http://127.0.0.1:8080/");
    assert_eq!(c.cookie_samesite, SameSite::Lax);
    assert!(!c.cookie_secure);
    assert_eq!(c.upload_max_bytes, 2 * 1024 * 1024 * 1024);
    assert_eq!(c.csrf_trusted_origins, vec!["http://127.0.0.1:8080"]);
    assert!(c.allowed_hosts.contains(&"127.0.0.1".to_string()));
    assert!(c.database_url.starts_with("sqlite://"));
}

#[test]
fn every_problem_is_reported_at_once() {
    let l = load(
        &src(&[
            ("KORRIGO_PUBLIC_URL", "https://korrigo.lycee.fr"),
            ("KORRIGO_SESSION_COOKIE_SAMESITE", "None"),
            ("KORRIGO_SESSION_COOKIE_SECURE", "false"),
            ("KORRIGO_ALLOWED_HOSTS", "other.fr"),
            (
                "KORRIGO_CSRF_TRUSTED_ORIGINS",
                "https://korrigo.lycee.fr:8443",
            ),
            ("KORRIGO_UPLOAD_MAX_BYTES", "104857600"),
            ("KORRIGO_TRUSTED_PROXIES", "10.0.0.0/33"),
        ]),
        false,
    );
    assert!(l.config.is_none());
    let f = fatal_settings(&l);
    for s in [
        "KORRIGO_SESSION_COOKIE_SAMESITE",
        "KORRIGO_ALLOWED_HOSTS",
        "KORRIGO_CSRF_TRUSTED_ORIGINS",
        "KORRIGO_TRUSTED_PROXIES",
    ] {
        assert!(f.contains(&s), "{s} missing from {f:?}");
    }
    assert!(
        l.problems
            .iter()
            .any(|p| p.setting == "KORRIGO_UPLOAD_MAX_BYTES" && p.severity == Severity::Warning)
    );
    assert!(l.problems.iter().all(|p| !p.fix.is_empty()));
}

#[test]
fn production_requires_a_secret_key() {
    let mut s = src(&[
        ("KORRIGO_ENV", "production"),
        ("KORRIGO_PUBLIC_URL", "https://korrigo.lycee.fr"),
    ]);
    s.remove("KORRIGO_SECRET_KEY");
    let l = load(&s, false);
    assert!(fatal_settings(&l).contains(&"KORRIGO_SECRET_KEY"));
    let mut s2 = s.clone();
    s2.insert("KORRIGO_SECRET_KEY".into(), "short".into());
    assert!(fatal_settings(&load(&s2, false)).contains(&"KORRIGO_SECRET_KEY"));
    s2.insert(
        "KORRIGO_SECRET_KEY".into(),
        "3f9c1a7e5b2d48c0a6e1f7b9d2c4e8a15e0b7d3c".into(),
    );
    s2.insert(
        "KORRIGO_METRICS_TOKEN".into(),
        "9d2c4e8a15e0b7d3c3f9c1a7e5b2d48c".into(),
    );
    let c = load(&s2, false).config.expect("valid production config");
    assert!(c.cookie_secure);
    assert_eq!(c.log_format, LogFormat::Json);
}

#[test]
fn production_requires_a_long_metrics_token() {
    let base = [
        ("KORRIGO_ENV", "production"),
        ("KORRIGO_PUBLIC_URL", "https://korrigo.lycee.fr"),
    ];
    let l = load(&src(&base), false);
    assert!(fatal_settings(&l).contains(&"KORRIGO_METRICS_TOKEN"));
    let fix = &l
        .problems
        .iter()
        .find(|p| p.setting == "KORRIGO_METRICS_TOKEN")
        .unwrap()
        .fix;
    assert!(fix.contains("openssl rand -hex 32"), "{fix}");
    let mut short = src(&base);
    short.insert("KORRIGO_METRICS_TOKEN".into(), "x".into());
    assert!(fatal_settings(&load(&short, false)).contains(&"KORRIGO_METRICS_TOKEN"));
    let mut good = src(&base);
    good.insert(
        "KORRIGO_METRICS_TOKEN".into(),
        "3f9c1a7e5b2d48c0a6e1f7b9d2c4e8a1".into(),
    );
    assert!(load(&good, false).config.is_some());
    // Development stays open, with a warning.
    let dev = load(&src(&[]), false);
    assert!(dev.config.is_some());
    assert!(
        dev.problems
            .iter()
            .any(|p| p.setting == "KORRIGO_METRICS_TOKEN" && p.severity == Severity::Warning)
    );
}

#[test]
fn guessable_secret_keys_are_warned_about() {
    let warned = |k: &str| {
        load(&src(&[("KORRIGO_SECRET_KEY", k)]), false)
            .problems
            .iter()
            .any(|p| p.setting == "KORRIGO_SECRET_KEY")
    };
    assert!(warned(&"a".repeat(40)));
    assert!(warned(&"ab".repeat(20)));
    assert!(warned(&"secret-korrigo-".repeat(3)));
    assert!(!warned("3f9c1a7e5b2d48c0a6e1f7b9d2c4e8a15e0b7d3c"));
}

#[test]
fn the_session_cookie_is_host_prefixed_over_https_at_the_root() {
    let https = load(
        &src(&[("KORRIGO_PUBLIC_URL", "https://korrigo.lycee.fr")]),
        false,
    )
    .config
    .unwrap();
    assert_eq!(https.session_cookie_name(), "__Host-korrigo_session");
    let sub = load(
        &src(&[("KORRIGO_PUBLIC_URL", "https://lycee.fr/korrigo/")]),
        false,
    )
    .config
    .unwrap();
    assert_eq!(sub.session_cookie_name(), "korrigo_session");
    let http = load(&src(&[]), false).config.unwrap();
    assert_eq!(http.session_cookie_name(), "korrigo_session");
}

#[test]
fn development_generates_and_keeps_a_secret_key() {
    let dir = std::env::temp_dir().join(format!("korrigo-cfg-{}", crate::tokens::random_hex(8)));
    let mut s = Source::new();
    s.insert("KORRIGO_DATA_DIR".into(), dir.display().to_string());
    let a = load(&s, true);
    let ka = a.config.unwrap().secret_key;
    assert_eq!(a.notes.len(), 1);
    let b = load(&s, true);
    assert_eq!(
        b.config.unwrap().secret_key,
        ka,
        "the same key on the next start"
    );
    assert!(b.notes.is_empty());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn origins_keep_their_ports() {
    assert_eq!(
        normalize_origin("HTTPS://Korrigo.fr:443/x").as_deref(),
        Some("https://korrigo.fr")
    );
    assert_eq!(
        normalize_origin("http://localhost:8080").as_deref(),
        Some("http://localhost:8080")
    );
    assert_eq!(normalize_origin("korrigo.fr"), None);
}

#[test]
fn the_readme_documents_every_setting() {
    let readme = include_str!("../../../../README.md");
    for (var, ..) in SETTINGS {
        assert!(readme.contains(&format!("`{var}`")), "README lacks {var}");
    }
}

#[test]
fn trusted_proxy_ranges() {
    let n = IpNet::parse("10.0.0.0/8").unwrap();
    assert!(n.contains("10.1.2.3".parse().unwrap()));
    assert!(!n.contains("11.0.0.1".parse().unwrap()));
    assert!(n.contains("::ffff:10.0.0.1".parse().unwrap()));
    let one = IpNet::parse("::1").unwrap();
    assert!(one.contains("::1".parse().unwrap()));
    assert!(IpNet::parse("nope").is_err());
}
