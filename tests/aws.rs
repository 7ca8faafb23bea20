//! `rotate`, `retire` and `keys` against a real AWS emulator: moto in
//! server mode (PyPI `moto[server]`), started here on 127.0.0.1 and reached
//! through AWS_ENDPOINT_URL, and the SMTP test servers of tests/smtp, which
//! accept exactly the password derived from the secret moto issued. moto's
//! `/moto-api/data.json` tells the test that secret; the tool never sees it
//! except through its own CreateAccessKey call.
//!
//! Needs `moto_server`: from $MOTO_SERVER, else .venv/bin/moto_server in
//! the repository, else PATH. Set it up with
//!   python3 -m venv .venv && .venv/bin/pip install -c .ci/moto-constraints.txt 'moto[server]==5.2.5'
#![cfg(feature = "aws")]

mod common;
mod smtp;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

const REGION: &str = "eu-west-1";
const ACCOUNT: &str = "123456789012";

// ---- moto ----------------------------------------------------------------

fn moto_server() -> PathBuf {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server");
    if let Some(p) = std::env::var_os("MOTO_SERVER") {
        return PathBuf::from(p);
    }
    if venv.exists() {
        return venv;
    }
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join("moto_server"))
                .find(|p| p.exists())
        })
        .unwrap_or_else(|| {
            panic!(
                "the `aws` feature's tests need moto, the AWS emulator, and it was not found \
                 ($MOTO_SERVER, {}, PATH).\nInstall it in a virtual environment:\n  \
                 python3 -m venv .venv && .venv/bin/pip install -c .ci/moto-constraints.txt 'moto[server]==5.2.5'\n\
                 (cargo test without --features aws needs no Python)",
                venv.display()
            )
        })
}

/// moto's port; the server is started once per test binary and dies with it.
fn moto() -> u16 {
    static PORT: OnceLock<u16> = OnceLock::new();
    *PORT.get_or_init(|| {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let server = moto_server();
        // Spawned from a thread that lives as long as the process: the
        // child's parent-death signal fires when the spawning thread ends.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::os::unix::process::CommandExt;
            let mut cmd = std::process::Command::new(&server);
            cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null());
            // SAFETY: prctl is async-signal-safe.
            unsafe {
                cmd.pre_exec(|| {
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                    Ok(())
                });
            }
            let child = cmd.spawn();
            tx.send(child.map(|c| c.id()).map_err(|e| e.to_string()))
                .unwrap();
            loop {
                std::thread::park();
            }
        });
        if let Err(e) = rx.recv().unwrap() {
            panic!("could not start moto_server ({e})");
        }
        // Wait until moto answers (it takes a second or two to import).
        let deadline = Instant::now() + Duration::from_secs(60);
        while http_get(port, "/moto-api/").is_err() {
            assert!(
                Instant::now() < deadline,
                "moto_server did not answer in 60 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        port
    })
}

fn endpoint() -> String {
    format!("http://127.0.0.1:{}", moto())
}

/// A GET over plain HTTP/1.0 (moto is on loopback): the body when 200,
/// else what went wrong.
fn http_get(port: u16, path: &str) -> Result<Vec<u8>, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").map_err(|e| e.to_string())?;
    let mut all = Vec::new();
    s.read_to_end(&mut all).map_err(|e| e.to_string())?;
    let head_end = all
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no complete response head")?;
    let status = String::from_utf8_lossy(all.split(|b| *b == b'\r').next().unwrap_or_default());
    match status.split(' ').nth(1) {
        Some("200") => Ok(all[head_end + 4..].to_vec()),
        _ => Err(status.into_owned()),
    }
}

/// moto's whole state as JSON. moto builds it by walking its backends
/// while other requests may change them (a test running beside this one),
/// and then answers 500 ("dictionary changed size during iteration"):
/// asked again until it answers 200.
fn moto_data() -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match http_get(moto(), "/moto-api/data.json") {
            Ok(body) => return serde_json::from_slice(&body).unwrap(),
            Err(e) if Instant::now() > deadline => panic!("moto's data.json: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// moto's record of IAM access keys: id → (user, secret, status).
fn moto_keys() -> HashMap<String, (String, String, String)> {
    moto_data()["iam"]["AccessKey"]
        .as_array()
        .map(|keys| {
            keys.iter()
                .map(|k| {
                    let s = |f: &str| k[f].as_str().unwrap_or_default().to_string();
                    (
                        s("access_key_id"),
                        (s("user_name"), s("secret_access_key"), s("status")),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

// ---- the AWS SDK, for setting up and reading back ---------------------

struct Sdk {
    rt: tokio::runtime::Runtime,
    config: aws_config::SdkConfig,
}

fn sdk() -> &'static Sdk {
    static SDK: OnceLock<Sdk> = OnceLock::new();
    SDK.get_or_init(|| {
        use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(Provider::Rustls(CryptoMode::Ring))
            .build_https();
        let config = rt.block_on(
            aws_config::defaults(aws_config::BehaviorVersion::latest())
                .http_client(http)
                .region(aws_config::Region::new(REGION))
                .endpoint_url(endpoint())
                .credentials_provider(aws_sdk_iam::config::Credentials::new(
                    "AKIAOPERATOR00000000",
                    "operator-secret-not-checked-by-moto-0000",
                    None,
                    None,
                    "tests",
                ))
                .load(),
        );
        Sdk { rt, config }
    })
}

/// Runs `f` on the test SDK's runtime (one at a time: tests and the SMTP
/// server's hook share it).
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    static LOCK: Mutex<()> = Mutex::new(());
    let _g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    sdk().rt.block_on(f)
}

fn iam() -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::new(&sdk().config)
}
fn sm() -> aws_sdk_secretsmanager::Client {
    aws_sdk_secretsmanager::Client::new(&sdk().config)
}
fn ssm() -> aws_sdk_ssm::Client {
    aws_sdk_ssm::Client::new(&sdk().config)
}

/// A fresh IAM user (each test its own) with `keys` access keys; returns
/// the keys' IDs, oldest first.
fn user_with_keys(name: &str, keys: usize) -> Vec<String> {
    block_on(iam().create_user().user_name(name).send()).unwrap();
    (0..keys)
        .map(|_| {
            block_on(iam().create_access_key().user_name(name).send())
                .unwrap()
                .access_key
                .unwrap()
                .access_key_id
        })
        .collect()
}

/// The user's keys now: id → status, as IAM (moto) lists them.
fn iam_keys(name: &str) -> HashMap<String, String> {
    block_on(iam().list_access_keys().user_name(name).send())
        .unwrap()
        .access_key_metadata
        .into_iter()
        .map(|k| {
            (
                k.access_key_id.unwrap(),
                k.status.unwrap().as_str().to_string(),
            )
        })
        .collect()
}

fn secret_value(id: &str) -> Option<String> {
    block_on(sm().get_secret_value().secret_id(id).send())
        .ok()
        .and_then(|o| o.secret_string)
}

fn parameter(name: &str) -> Option<String> {
    block_on(
        ssm()
            .get_parameter()
            .name(name)
            .with_decryption(true)
            .send(),
    )
    .ok()
    .and_then(|o| o.parameter?.value)
}

// ---- SES SMTP, on the test servers ----------------------------------------

/// The V4 SMTP password, by the documented steps, with `hmac-sha256` (not
/// the library under test).
fn smtp_password(secret: &str, region: &str) -> String {
    use base64::Engine as _;
    let mut k = hmac_sha256::HMAC::mac(b"11111111", format!("AWS4{secret}").as_bytes());
    for m in [region, "ses", "aws4_request", "SendRawEmail"] {
        k = hmac_sha256::HMAC::mac(m.as_bytes(), k);
    }
    let mut bytes = vec![4u8];
    bytes.extend_from_slice(&k);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

type Hook = Box<dyn Fn() + Send>;

/// What to do when the key of an IAM user logs in (before accepting).
fn hooks() -> &'static Mutex<HashMap<String, Hook>> {
    static H: OnceLock<Mutex<HashMap<String, Hook>>> = OnceLock::new();
    H.get_or_init(Mutex::default)
}

/// The SMTP servers: a login is accepted when the user name is an access
/// key moto issued and the password is the one derived from its secret for
/// REGION.
fn servers() -> &'static smtp::Servers {
    static S: OnceLock<smtp::Servers> = OnceLock::new();
    S.get_or_init(|| {
        smtp::start_checking(Arc::new(|user, password| {
            let Some((iam_user, secret, status)) = moto_keys().remove(user) else {
                return false;
            };
            if let Some(hook) = hooks().lock().unwrap().remove(&iam_user) {
                hook();
            }
            status == "Active" && password == smtp_password(&secret, REGION)
        }))
    })
}

// ---- running the tool -------------------------------------------------

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// The tool with the operator's credentials and moto's endpoint.
fn tool() -> std::process::Command {
    let mut cmd = common::tool();
    cmd.env("AWS_ENDPOINT_URL", endpoint())
        .env("AWS_ACCESS_KEY_ID", "AKIAOPERATOR00000000")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "operator-secret-not-checked-by-moto-0000",
        )
        .env("AWS_REGION", REGION)
        // No profile file of the machine's may change the chain.
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    cmd
}

fn run(cmd: &mut std::process::Command) -> Run {
    let out: Output = common::run_with_stdin(cmd, b"");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// rotate for `user` against the named SMTP test server.
fn rotate(user: &str, server: &str, extra: &[&str]) -> Run {
    let port = servers().port(server);
    let mut cmd = tool();
    cmd.args(["rotate", "--user-name", user, "--region", REGION])
        .args([
            "--endpoint",
            &format!("localhost:{port}"),
            "--tls",
            "starttls",
        ])
        .arg("--ca-file")
        .arg(&servers().ca_file)
        .args(["--timeout", "5"])
        .args(extra);
    run(&mut cmd)
}

/// No 12-byte window of any moto-issued secret in `text`.
fn assert_no_secret(what: &str, text: &str) {
    for (id, (_, secret, _)) in moto_keys() {
        for w in secret.as_bytes().windows(12) {
            let w = std::str::from_utf8(w).unwrap();
            assert!(
                !text.contains(w),
                "{what} holds a piece of the secret of {id}:\n{text}"
            );
        }
    }
}

fn assert_no_password(what: &str, text: &str) {
    for (_, (_, secret, _)) in moto_keys() {
        let p = smtp_password(&secret, REGION);
        assert!(
            !text.contains(&p[4..20]),
            "{what} holds an SMTP password:\n{text}"
        );
    }
}

/// The rollback said it deleted the new key, and IAM agrees: the user has
/// exactly its old keys. No piece of any secret in what it said.
fn assert_rolled_back(user: &str, old: &[String], stderr: &str) {
    assert!(
        stderr.contains("undone: deleted the new access key"),
        "{stderr}"
    );
    let mut now: Vec<String> = iam_keys(user).into_keys().collect();
    now.sort();
    let mut before = old.to_vec();
    before.sort();
    assert_eq!(now, before, "{stderr}");
    assert_no_secret("stderr", stderr);
}

/// The one key the user has now that it did not have before.
fn new_key(user: &str, before: &[String]) -> String {
    let mut new: Vec<String> = iam_keys(user)
        .into_keys()
        .filter(|k| !before.contains(k))
        .collect();
    assert_eq!(new.len(), 1, "expected one new key, found {new:?}");
    new.remove(0)
}

// ---- rotate -------------------------------------------------------------

#[test]
fn rotate_into_secrets_manager_ssm_and_out() {
    let user = "rotate-full";
    let old = user_with_keys(user, 1);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("smtp.env");
    let r = rotate(
        user,
        "starttls",
        &[
            "--store",
            "secretsmanager:test/rotate-full",
            "--store",
            "ssm:/test/rotate-full",
            "--format",
            "env",
            "--out",
            out.to_str().unwrap(),
            "-v",
        ],
    );
    assert_eq!(r.code, Some(0), "stderr:\n{}", r.stderr);
    let key = new_key(user, &old);
    let (_, secret, _) = moto_keys().remove(&key).unwrap();
    let password = smtp_password(&secret, REGION);
    let host = format!("email-smtp.{REGION}.amazonaws.com");

    // The server saw one accepted login, over TLS, with the new key.
    assert_eq!(
        servers().auths(&key).last().map(|a| (a.1, a.2)),
        Some((true, true))
    );

    // Secrets Manager: one JSON SecretString.
    let stored: serde_json::Value =
        serde_json::from_str(&secret_value("test/rotate-full").unwrap()).unwrap();
    assert_eq!(
        stored,
        serde_json::json!({"username": key, "password": password, "host": host, "port": 587, "region": REGION})
    );
    // SSM: four parameters, the password a SecureString.
    let p = |leaf: &str| parameter(&format!("/test/rotate-full/{leaf}"));
    assert_eq!(p("username").as_deref(), Some(key.as_str()));
    assert_eq!(p("password").as_deref(), Some(password.as_str()));
    assert_eq!(p("host").as_deref(), Some(host.as_str()));
    assert_eq!(p("port").as_deref(), Some("587"));
    let kind = block_on(
        ssm()
            .get_parameter()
            .name("/test/rotate-full/password")
            .send(),
    )
    .unwrap()
    .parameter
    .unwrap()
    .r#type
    .unwrap();
    assert_eq!(kind.as_str(), "SecureString");

    // --out: the env format, mode 0600.
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(
        written.contains(&format!("SMTP_USERNAME='{key}'")),
        "{written}"
    );
    assert!(
        written.contains(&format!("SMTP_PASSWORD='{password}'")),
        "{written}"
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o600
    );

    // stdout: the summary, naming the old key to retire, without the password.
    assert!(
        r.stdout.contains(&format!("new access key {key}")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!(
            "ses-smtp-password retire --user-name {user} --access-key-id {}",
            old[0]
        )),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains(&password) && !r.stderr.contains(&password));
    // The old key is untouched.
    assert_eq!(iam_keys(user)[&old[0]], "Active");

    // keys: which key each store names.
    let k = run(tool().args([
        "keys",
        "--user-name",
        user,
        "--store",
        "secretsmanager:test/rotate-full",
        "--store",
        "ssm:/test/rotate-full",
        "--format",
        "json",
    ]));
    assert_eq!(k.code, Some(0), "{}", k.stderr);
    let listed: serde_json::Value = serde_json::from_str(&k.stdout).unwrap();
    let rows = listed["keys"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let row = |id: &str| {
        rows.iter()
            .find(|r| r["access_key_id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        row(&key)["stores"],
        serde_json::json!(["secretsmanager:test/rotate-full", "ssm:/test/rotate-full"])
    );
    assert_eq!(row(&old[0])["stores"], serde_json::json!([]));
    assert_eq!(row(&key)["status"], "Active");
    assert_eq!(row(&key)["age_days"], 0);

    // Leak sweep: the secret is nowhere; the password only where it belongs.
    for (what, text) in [
        ("stdout", &r.stdout),
        ("stderr", &r.stderr),
        ("keys", &k.stdout),
        ("--out", &written),
        ("the secret", &secret_value("test/rotate-full").unwrap()),
        ("the password parameter", &p("password").unwrap()),
    ] {
        assert_no_secret(what, text);
    }
    assert_no_password("keys", &k.stdout);
}

#[test]
fn rotate_without_store_prints_the_credentials() {
    let user = "rotate-stdout";
    user_with_keys(user, 0);
    let r = rotate(user, "starttls", &["--format", "json"]);
    assert_eq!(r.code, Some(0), "stderr:\n{}", r.stderr);
    let key = new_key(user, &[]);
    let (_, secret, _) = moto_keys().remove(&key).unwrap();
    let printed: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(printed["username"], key);
    assert_eq!(printed["password"], smtp_password(&secret, REGION));
    // The summary went to stderr; there is no older key.
    assert!(r.stderr.contains("no older key to retire"), "{}", r.stderr);
    assert_no_secret("stdout", &r.stdout);
    assert_no_secret("stderr", &r.stderr);
}

#[test]
fn two_keys_are_refused_before_anything_is_created() {
    let user = "rotate-full-two";
    let old = user_with_keys(user, 2);
    block_on(
        iam()
            .update_access_key()
            .user_name(user)
            .access_key_id(&old[0])
            .status(aws_sdk_iam::types::StatusType::Inactive)
            .send(),
    )
    .unwrap();
    let r = rotate(user, "starttls", &["--store", "secretsmanager:test/two"]);
    assert_eq!(r.code, Some(10), "{}", r.stderr);
    assert!(
        r.stderr.contains("already has 2 access keys"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(&old[0]) && r.stderr.contains(&old[1]));
    assert!(
        r.stderr.contains(&format!(
            "ses-smtp-password retire --user-name {user} --access-key-id {} --delete",
            old[0]
        )),
        "{}",
        r.stderr
    );
    assert_eq!(iam_keys(user).len(), 2);
    assert_eq!(secret_value("test/two"), None);
}

#[test]
fn a_rejected_login_is_rolled_back() {
    let user = "rotate-rejected";
    let old = user_with_keys(user, 1);
    // A store that existed before keeps its value.
    block_on(
        sm().create_secret()
            .name("test/rejected")
            .secret_string("{\"username\":\"before\"}")
            .send(),
    )
    .unwrap();
    let r = rotate(
        user,
        "rejecting",
        &[
            "--store",
            "secretsmanager:test/rejected",
            "--store",
            "ssm:/test/rejected",
            "--propagation-timeout",
            "2",
            "-v",
        ],
    );
    assert_eq!(r.code, Some(7), "{}", r.stderr);
    assert!(r.stderr.contains("answered 535"), "{}", r.stderr);
    assert!(
        r.stderr.contains("try 1: "),
        "each try is reported: {}",
        r.stderr
    );
    // IAM: only the old key; the stores as they were.
    assert_rolled_back(user, &old, &r.stderr);
    assert_eq!(
        secret_value("test/rejected").as_deref(),
        Some("{\"username\":\"before\"}")
    );
    assert_eq!(parameter("/test/rejected/username"), None);
    assert_no_secret("stdout", &r.stdout);
}

#[test]
fn a_failing_store_is_rolled_back() {
    let user = "rotate-store-fails";
    let old = user_with_keys(user, 1);
    block_on(
        sm().create_secret()
            .name("test/vanishes")
            .secret_string("{}")
            .send(),
    )
    .unwrap();
    // An earlier parameter value that the rollback must put back.
    block_on(
        ssm()
            .put_parameter()
            .name("/test/store-fails/host")
            .value("smtp.before.example")
            .r#type(aws_sdk_ssm::types::ParameterType::String)
            .send(),
    )
    .unwrap();
    // While the tool logs in (after its preflight found the secret), the
    // secret is deleted: writing it then fails, after SSM was written.
    hooks().lock().unwrap().insert(
        user.to_string(),
        Box::new(|| {
            block_on(
                sm().delete_secret()
                    .secret_id("test/vanishes")
                    .force_delete_without_recovery(true)
                    .send(),
            )
            .unwrap();
        }),
    );
    let r = rotate(
        user,
        "starttls",
        &[
            "--store",
            "ssm:/test/store-fails",
            "--store",
            "secretsmanager:test/vanishes",
        ],
    );
    assert_eq!(r.code, Some(10), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("AWS refused to write --store secretsmanager:test/vanishes"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("nothing this run made is left"),
        "{}",
        r.stderr
    );
    assert_rolled_back(user, &old, &r.stderr);
    assert_eq!(
        parameter("/test/store-fails/host").as_deref(),
        Some("smtp.before.example")
    );
    for leaf in ["username", "port", "password"] {
        assert_eq!(
            parameter(&format!("/test/store-fails/{leaf}")),
            None,
            "{leaf}"
        );
    }
    assert_no_password("stderr", &r.stderr);
}

/// The per-service endpoint variables win over AWS_ENDPOINT_URL (a VPC
/// endpoint per service): with the general one pointing at a closed port,
/// rotate still reaches IAM, Secrets Manager and SSM through their own.
#[test]
fn per_service_endpoint_variables_are_honoured() {
    let user = "rotate-service-endpoints";
    user_with_keys(user, 0);
    let mut cmd = tool();
    cmd.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ENDPOINT_URL_IAM", endpoint())
        .env("AWS_ENDPOINT_URL_SECRETS_MANAGER", endpoint())
        .env("AWS_ENDPOINT_URL_SSM", endpoint())
        .args(["rotate", "--user-name", user, "--region", REGION])
        .args([
            "--no-probe",
            "--store",
            "secretsmanager:test/service-endpoints",
        ])
        .args(["--store", "ssm:/test/service-endpoints"]);
    let r = run(&mut cmd);
    assert_eq!(r.code, Some(0), "stderr:\n{}", r.stderr);
    let key = new_key(user, &[]);
    let stored: serde_json::Value =
        serde_json::from_str(&secret_value("test/service-endpoints").unwrap()).unwrap();
    assert_eq!(stored["username"], key.as_str());
    assert_eq!(
        parameter("/test/service-endpoints/username").as_deref(),
        Some(key.as_str())
    );
    // Without IAM's own variable the closed general endpoint is used: AWS
    // could not be reached, and nothing was created.
    let mut cmd = tool();
    cmd.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .args(["keys", "--user-name", user]);
    let r = run(&mut cmd);
    assert_eq!(r.code, Some(10), "stderr:\n{}", r.stderr);
}

#[test]
fn preflight_refuses_a_missing_user() {
    let r = rotate("no-such-user", "starttls", &[]);
    assert_eq!(r.code, Some(10));
    assert!(r.stderr.contains("NoSuchEntity"), "{}", r.stderr);
}

#[test]
fn an_assumed_role_operator_can_rotate() {
    let user = "rotate-assumed";
    user_with_keys(user, 0);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        format!(
            "[profile base]\naws_access_key_id = AKIAOPERATOR00000000\n\
             aws_secret_access_key = operator-secret-not-checked-by-moto-0000\n\
             [profile operator]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/smtp-rotator\n\
             source_profile = base\nregion = {REGION}\n"
        ),
    )
    .unwrap();
    let mut cmd = tool();
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_PROFILE", "operator")
        .args([
            "rotate",
            "--user-name",
            user,
            "--region",
            REGION,
            "--no-probe",
        ]);
    let r = run(&mut cmd);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    new_key(user, &[]);
    // The role was assumed through moto's STS: its session is on record.
    let assumed = moto_data()["sts"]["AssumedRole"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        assumed
            .iter()
            .any(|a| a["role_arn"] == format!("arn:aws:iam::{ACCOUNT}:role/smtp-rotator")),
        "moto saw no AssumeRole for the operator role: {assumed:?}"
    );
}

// ---- retire ---------------------------------------------------------------

#[test]
fn retire_deactivates_then_deletes() {
    let user = "retire-both";
    let keys = user_with_keys(user, 2);
    let r = run(tool().args(["retire", "--user-name", user, "--access-key-id", &keys[0]]));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("last used never"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains(&format!("deactivated access key {}", keys[0]))
    );
    assert_eq!(iam_keys(user)[&keys[0]], "Inactive");
    assert_eq!(iam_keys(user)[&keys[1]], "Active");

    let r = run(tool().args([
        "retire",
        "--user-name",
        user,
        "--access-key-id",
        &keys[0],
        "--delete",
    ]));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(!iam_keys(user).contains_key(&keys[0]));
}

#[test]
fn retire_refuses_the_last_active_key_and_deleting_an_active_one() {
    let user = "retire-last";
    let keys = user_with_keys(user, 1);
    let r = run(tool().args(["retire", "--user-name", user, "--access-key-id", &keys[0]]));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("last active key"), "{}", r.stderr);
    let r = run(tool().args([
        "retire",
        "--user-name",
        user,
        "--access-key-id",
        &keys[0],
        "--delete",
    ]));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("is active"), "{}", r.stderr);
    assert_eq!(iam_keys(user)[&keys[0]], "Active");

    let r = run(tool().args([
        "retire",
        "--user-name",
        user,
        "--access-key-id",
        &keys[0],
        "--force",
    ]));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(iam_keys(user)[&keys[0]], "Inactive");
}

#[test]
fn retire_refuses_another_users_key() {
    let mine = user_with_keys("retire-mine", 1);
    user_with_keys("retire-other", 1);
    let r = run(tool().args([
        "retire",
        "--user-name",
        "retire-other",
        "--access-key-id",
        &mine[0],
    ]));
    assert_eq!(r.code, Some(10), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("is not one of IAM user retire-other's keys"),
        "{}",
        r.stderr
    );
    assert_eq!(iam_keys("retire-mine")[&mine[0]], "Active");
}

// ---- keys -----------------------------------------------------------------

#[test]
fn keys_lists_status_age_and_last_use() {
    let user = "keys-list";
    let keys = user_with_keys(user, 2);
    let r = run(tool().args(["keys", "--user-name", user]));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines[0].starts_with("ACCESS KEY ID"), "{}", r.stdout);
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    for k in &keys {
        let line = lines.iter().find(|l| l.starts_with(k.as_str())).unwrap();
        assert!(
            line.contains("Active") && line.contains("0d") && line.ends_with("never"),
            "{line}"
        );
    }
}

// ---- policy ---------------------------------------------------------------

#[test]
fn the_operator_policy_allows_what_rotate_does() {
    let r = run(common::tool().args([
        "policy",
        "--rotation",
        "--user-name",
        "smtp",
        "--account-id",
        ACCOUNT,
        "--store",
        "secretsmanager:prod/smtp",
    ]));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let p: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let actions: Vec<&str> = p["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            s["Action"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap())
        })
        .collect();
    for needed in [
        "iam:CreateAccessKey",
        "iam:DeleteAccessKey",
        "secretsmanager:PutSecretValue",
    ] {
        assert!(actions.contains(&needed), "{needed}: {actions:?}");
    }
}

// ---- names that may be pasted secrets ------------------------------------

/// An IAM user name and a secret name may be valid and still be a secret
/// pasted in the wrong place: messages show neither.
#[test]
fn secret_shaped_names_are_never_shown() {
    let pasted = "wJalrXUtnFEMI+K7MDENG+bPxRfiCYEXAMPLEKEY";
    let old = user_with_keys(pasted, 1);
    let store = format!("secretsmanager:{pasted}");
    let ok = rotate(pasted, "starttls", &["--store", &store, "-v"]);
    assert_eq!(ok.code, Some(0), "{}", ok.stderr);
    let listed = run(tool().args([
        "keys",
        "--user-name",
        pasted,
        "--store",
        &store,
        "--format",
        "json",
    ]));
    assert_eq!(listed.code, Some(0), "{}", listed.stderr);
    // A refusal and a rollback that name them.
    let refused = rotate(pasted, "starttls", &["--store", &store]);
    assert_eq!(refused.code, Some(10), "{}", refused.stderr);
    let missing = rotate(&pasted.replace('w', "W"), "starttls", &[]);
    assert_eq!(missing.code, Some(10), "{}", missing.stderr);
    let retire = run(tool().args(["retire", "--user-name", pasted, "--access-key-id", &old[0]]));
    assert_eq!(retire.code, Some(0), "{}", retire.stderr);
    for r in [&ok, &listed, &refused, &missing, &retire] {
        let text = format!("{}{}", r.stdout, r.stderr);
        for w in pasted.as_bytes().windows(12) {
            let w = std::str::from_utf8(w).unwrap();
            assert!(!text.contains(w), "a pasted secret shows:\n{text}");
        }
        assert!(text.contains("[hidden: looks like a secret]"), "{text}");
    }
}

/// Starts `cmd` in the foreground (see `common::in_the_foreground`), with
/// stderr to be read line by line.
fn spawn_for_signals(
    cmd: &mut std::process::Command,
) -> (
    std::process::Child,
    std::io::BufReader<std::process::ChildStderr>,
) {
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = common::in_the_foreground(cmd).spawn().unwrap();
    let err = std::io::BufReader::new(child.stderr.take().unwrap());
    (child, err)
}

/// Reads stderr until it shows `needle`; everything read so far.
fn read_until(err: &mut impl std::io::BufRead, needle: &str) -> String {
    let mut seen = String::new();
    while !seen.contains(needle) {
        let mut line = String::new();
        assert!(
            err.read_line(&mut line).unwrap() > 0,
            "the tool ended before saying {needle:?}:\n{seen}"
        );
        seen.push_str(&line);
    }
    seen
}

/// Sends `sig` to the child, then reads the rest of its stderr and waits.
fn signal_and_wait(
    child: &mut std::process::Child,
    err: &mut impl std::io::Read,
    sig: libc::c_int,
    seen: &mut String,
) -> Option<i32> {
    // SAFETY: kill on our own child.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, sig) }, 0);
    err.read_to_string(seen).unwrap();
    child.wait().unwrap().code()
}

#[test]
fn an_interrupted_rotation_is_rolled_back() {
    let user = "rotate-interrupted";
    let old = user_with_keys(user, 1);
    let port = servers().port("rejecting");
    let mut cmd = tool();
    cmd.args(["rotate", "--user-name", user, "--region", REGION, "-v"])
        .args([
            "--endpoint",
            &format!("localhost:{port}"),
            "--tls",
            "starttls",
        ])
        .arg("--ca-file")
        .arg(&servers().ca_file)
        .args([
            "--store",
            "ssm:/test/interrupted",
            "--propagation-timeout",
            "60",
        ]);
    let (mut child, mut err) = spawn_for_signals(&mut cmd);
    // Wait until the key exists and the first login was refused.
    let mut seen = read_until(&mut err, "try 1: ");
    let code = signal_and_wait(&mut child, &mut err, libc::SIGINT, &mut seen);
    assert_eq!(code, Some(6), "{seen}");
    assert!(seen.contains("interrupted by a signal"), "{seen}");
    assert_rolled_back(user, &old, &seen);
    assert_eq!(parameter("/test/interrupted/username"), None);
}

/// A signal while --out is being written (the last step before the
/// rotation is committed) is answered by rotate, not by the file writer:
/// the file is not moved into place, the stores are put back and the key
/// is deleted.
#[test]
fn an_interrupt_while_writing_out_is_rolled_back() {
    let user = "rotate-interrupted-out";
    let old = user_with_keys(user, 1);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("smtp.env");
    let mut cmd = tool();
    cmd.args(["rotate", "--user-name", user, "--region", REGION])
        .args(["--no-probe", "--store", "ssm:/test/interrupted-out"])
        .arg("--out")
        .arg(&out)
        .env("SES_SMTP_PASSWORD_TEST_PAUSE_OUT", "1");
    let (mut child, mut err) = spawn_for_signals(&mut cmd);
    let mut seen = read_until(&mut err, "paused with the temporary file written");
    // The stores were written and the temporary file holds the password.
    assert!(parameter("/test/interrupted-out/username").is_some());
    let names = common::file_names(dir.path());
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].starts_with(".ses-smtp-password-"), "{names:?}");
    let code = signal_and_wait(&mut child, &mut err, libc::SIGTERM, &mut seen);
    assert_eq!(code, Some(6), "{seen}");
    assert!(seen.contains("interrupted by a signal"), "{seen}");
    assert_rolled_back(user, &old, &seen);
    assert_eq!(parameter("/test/interrupted-out/username"), None);
    assert_eq!(
        common::file_names(dir.path()),
        Vec::<String>::new(),
        "the interrupted --out left a file behind"
    );
    assert_no_password("stderr", &seen);
}
