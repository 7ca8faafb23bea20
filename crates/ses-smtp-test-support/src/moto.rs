//! The moto harness: moto started once per test binary, the AWS SDK that
//! sets up and reads back its state, the SMTP test servers that accept the
//! passwords of keys moto issued, and the tool run against them.

use crate::child::{CHILD_DEADLINE, Running, in_the_foreground, start};
use crate::{cli, smtp};
use ses_smtp_rotation::sdk::{
    aws_config, aws_sdk_iam, aws_sdk_secretsmanager, aws_sdk_ssm, aws_smithy_http_client, tokio,
};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

pub const REGION: &str = "eu-west-1";
pub const ACCOUNT: &str = "123456789012";

// ---- moto ----------------------------------------------------------------

pub fn moto_server() -> PathBuf {
    let venv = crate::workspace().join(".venv/bin/moto_server");
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

/// moto's port; the server is started once per test binary and dies with
/// it (killed by the parent-death signal: the one child no test waits for).
pub fn moto() -> u16 {
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
                // Every request is recorded (tests/aws/policy.rs checks the
                // tool's against the policies it prints).
                .env("MOTO_ENABLE_RECORDING", "True")
                .env("MOTO_RECORDER_FILEPATH", recording_file())
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

/// Where moto records the requests it serves: one JSON object a line, with
/// the request's headers and body (base64 when `body_encoded`). It holds
/// the test keys' passwords, so it lives in a directory of its own that only
/// this user can read, made anew by each test binary.
pub fn recording_file() -> &'static Path {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("ses-smtp-moto-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        dir.join("requests.jsonl")
    })
}

pub fn endpoint() -> String {
    format!("http://127.0.0.1:{}", moto())
}

/// A GET over plain HTTP/1.0 (moto is on loopback): the body when 200,
/// else what went wrong.
pub fn http_get(port: u16, path: &str) -> Result<Vec<u8>, String> {
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
pub fn moto_data() -> serde_json::Value {
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
pub fn moto_keys() -> HashMap<String, (String, String, String)> {
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

pub struct Sdk {
    rt: tokio::runtime::Runtime,
    config: aws_config::SdkConfig,
}

pub fn sdk() -> &'static Sdk {
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
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    static LOCK: Mutex<()> = Mutex::new(());
    let _g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    sdk().rt.block_on(f)
}

pub fn iam() -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::new(&sdk().config)
}
pub fn sm() -> aws_sdk_secretsmanager::Client {
    aws_sdk_secretsmanager::Client::new(&sdk().config)
}
pub fn ssm() -> aws_sdk_ssm::Client {
    aws_sdk_ssm::Client::new(&sdk().config)
}

/// A fresh IAM user (each test its own) with `keys` access keys; returns
/// the keys' IDs, oldest first.
pub fn user_with_keys(name: &str, keys: usize) -> Vec<String> {
    user_at_path_with_keys(name, "/", keys)
}

/// `user_with_keys`, for a user at an IAM path.
pub fn user_at_path_with_keys(name: &str, path: &str, keys: usize) -> Vec<String> {
    block_on(iam().create_user().user_name(name).path(path).send()).unwrap();
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

/// A policy document allowing `action` on everything.
pub fn allowing(action: &str) -> String {
    serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]})
        .to_string()
}

/// Puts `user` in a new group `group` holding an inline policy
/// (`inline`: name, document) and a new managed policy (`managed`: name,
/// document) attached to it; returns the managed policy's ARN.
pub fn group_granting(
    user: &str,
    group: &str,
    inline: (&str, &str),
    managed: (&str, &str),
) -> String {
    let iam = iam();
    block_on(iam.create_group().group_name(group).send()).unwrap();
    block_on(
        iam.add_user_to_group()
            .group_name(group)
            .user_name(user)
            .send(),
    )
    .unwrap();
    block_on(
        iam.put_group_policy()
            .group_name(group)
            .policy_name(inline.0)
            .policy_document(inline.1)
            .send(),
    )
    .unwrap();
    let arn = block_on(
        iam.create_policy()
            .policy_name(managed.0)
            .policy_document(managed.1)
            .send(),
    )
    .unwrap()
    .policy
    .unwrap()
    .arn
    .unwrap();
    block_on(
        iam.attach_group_policy()
            .group_name(group)
            .policy_arn(&arn)
            .send(),
    )
    .unwrap();
    arn
}

/// The user's keys now: id → status, as IAM (moto) lists them.
pub fn iam_keys(name: &str) -> HashMap<String, String> {
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

pub fn secret_value(id: &str) -> Option<String> {
    block_on(sm().get_secret_value().secret_id(id).send())
        .ok()
        .and_then(|o| o.secret_string)
}

pub fn parameter(name: &str) -> Option<String> {
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
pub fn smtp_password(secret: &str, region: &str) -> String {
    use base64::Engine as _;
    let mut k = hmac_sha256::HMAC::mac(b"11111111", format!("AWS4{secret}").as_bytes());
    for m in [region, "ses", "aws4_request", "SendRawEmail"] {
        k = hmac_sha256::HMAC::mac(m.as_bytes(), k);
    }
    let mut bytes = vec![4u8];
    bytes.extend_from_slice(&k);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub type Hook = Box<dyn Fn() + Send>;

/// What to do when the key of an IAM user logs in (before accepting).
pub fn hooks() -> &'static Mutex<HashMap<String, Hook>> {
    static H: OnceLock<Mutex<HashMap<String, Hook>>> = OnceLock::new();
    H.get_or_init(Mutex::default)
}

/// IAM users whose keys the servers refuse for now (535), whatever the
/// password: a key that has not reached SES yet.
pub fn refused_logins() -> &'static Mutex<std::collections::HashSet<String>> {
    static R: OnceLock<Mutex<std::collections::HashSet<String>>> = OnceLock::new();
    R.get_or_init(Mutex::default)
}

/// The SMTP servers: a login is accepted when the user name is an access
/// key moto issued and the password is the one derived from its secret for
/// REGION.
pub fn servers() -> &'static smtp::Servers {
    static S: OnceLock<smtp::Servers> = OnceLock::new();
    S.get_or_init(|| {
        smtp::start_checking(Arc::new(|user, password| {
            let Some((iam_user, secret, status)) = moto_keys().remove(user) else {
                return false;
            };
            if let Some(hook) = hooks().lock().unwrap().remove(&iam_user) {
                hook();
            }
            if refused_logins().lock().unwrap().contains(&iam_user) {
                return false;
            }
            status == "Active" && password == smtp_password(&secret, REGION)
        }))
    })
}

/// SMTP test servers that accept a moto key only with its password for
/// `region` (one set per region, started once): where a test points that
/// region's login, to prove each region's password goes to its own server.
pub fn region_servers(region: &'static str) -> &'static smtp::Servers {
    static S: OnceLock<Mutex<HashMap<&'static str, &'static smtp::Servers>>> = OnceLock::new();
    let mut started = S.get_or_init(Mutex::default).lock().unwrap();
    started.entry(region).or_insert_with(|| {
        Box::leak(Box::new(smtp::start_checking(Arc::new(
            move |user, password| {
                moto_keys().remove(user).is_some_and(|(_, secret, status)| {
                    status == "Active" && password == smtp_password(&secret, region)
                })
            },
        ))))
    })
}

/// One PEM file trusting every CA of `servers`, in `dir`.
pub fn ca_file_for(dir: &Path, servers: &[&smtp::Servers]) -> PathBuf {
    let path = dir.join("cas.pem");
    let pem: String = servers
        .iter()
        .map(|s| std::fs::read_to_string(&s.ca_file).unwrap())
        .collect();
    std::fs::write(&path, pem).unwrap();
    path
}

// ---- running the tool -------------------------------------------------

pub use crate::cli::Ran;

/// The operator's access key ID that `tool` signs with (moto checks no
/// signature); `tool_as` signs with another, to tell one test's requests
/// apart in moto's recording.
pub const OPERATOR_KEY: &str = "AKIAOPERATOR00000000";

/// The tool with the operator's credentials and moto's endpoint.
pub fn tool() -> std::process::Command {
    tool_as(OPERATOR_KEY)
}

/// `tool`, signing with the access key ID `operator`.
pub fn tool_as(operator: &str) -> std::process::Command {
    let mut cmd = cli::tool();
    cmd.env("AWS_ENDPOINT_URL", endpoint())
        .env("AWS_ACCESS_KEY_ID", operator)
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "operator-secret-not-checked-by-moto-0000",
        )
        .env("AWS_REGION", REGION)
        // No profile file of the machine's may change the chain.
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        // Rotation journals in a state directory of this test binary's.
        .env("XDG_STATE_HOME", state_dir());
    cmd
}

/// The state directory the tool keeps its rotation journals in, one per
/// test binary (each test rotates its own user).
pub fn state_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = recording_file().parent().unwrap().join("state");
        std::fs::create_dir_all(&dir).unwrap();
        dir
    })
}

pub fn run(cmd: &mut std::process::Command) -> Ran {
    Ran::of(cmd, b"")
}

/// `rotate --no-probe` for `user`, signing as the operator, for a test to
/// add its options and environment.
pub fn rotate_no_probe(user: &str) -> std::process::Command {
    let mut cmd = tool();
    cmd.args([
        "rotate",
        "--user-name",
        user,
        "--region",
        REGION,
        "--no-probe",
    ]);
    cmd
}

/// rotate for `user` against the named SMTP test server.
pub fn rotate(user: &str, server: &str, extra: &[&str]) -> Ran {
    rotate_as(OPERATOR_KEY, user, server, extra)
}

/// `rotate`, signing with the access key ID `operator`.
pub fn rotate_as(operator: &str, user: &str, server: &str, extra: &[&str]) -> Ran {
    let port = servers().port(server);
    let mut cmd = tool_as(operator);
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
pub fn assert_no_secret(what: &str, text: &str) {
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

pub fn assert_no_password(what: &str, text: &str) {
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
pub fn assert_rolled_back(user: &str, old: &[String], stderr: &str) {
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
pub fn new_key(user: &str, before: &[String]) -> String {
    let mut new: Vec<String> = iam_keys(user)
        .into_keys()
        .filter(|k| !before.contains(k))
        .collect();
    assert_eq!(new.len(), 1, "expected one new key, found {new:?}");
    new.remove(0)
}

/// While `user`'s new key logs in (after rotate's preflight found the
/// secret), the secret `name` is deleted: writing it then fails, after the
/// stores before it were written.
pub fn delete_secret_on_login(user: &str, name: &'static str) {
    hooks().lock().unwrap().insert(
        user.to_string(),
        Box::new(move || {
            block_on(
                sm().delete_secret()
                    .secret_id(name)
                    .force_delete_without_recovery(true)
                    .send(),
            )
            .unwrap();
        }),
    );
}

/// A stand-in IAM endpoint's answer to GetUser: user `u` at `path`.
pub fn iam_get_user(path: &str) -> String {
    format!(
        "<GetUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetUserResult><User>\
         <Path>{path}</Path><UserName>u</UserName><UserId>AIDAEXAMPLE000000000</UserId>\
         <Arn>arn:aws:iam::123456789012:user{path}u</Arn>\
         <CreateDate>2026-01-01T00:00:00Z</CreateDate></User></GetUserResult></GetUserResponse>"
    )
}

/// Signs one request with `key` (its secret from moto), as a consumer
/// still on that key would: moto then reports the key used.
pub fn use_key(key: &str) {
    use ses_smtp_rotation::sdk::aws_smithy_http_client::tls::{
        Provider, rustls_provider::CryptoMode,
    };
    use ses_smtp_rotation::sdk::{aws_config, aws_sdk_iam, aws_smithy_http_client};
    let secret = moto_keys()[key].1.clone();
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https();
    let config = block_on(
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .http_client(http)
            .region(aws_config::Region::new(REGION))
            .endpoint_url(endpoint())
            .credentials_provider(aws_sdk_iam::config::Credentials::new(
                key, secret, None, None, "consumer",
            ))
            .load(),
    );
    block_on(aws_sdk_iam::Client::new(&config).list_users().send()).unwrap();
}

/// A stand-in IAM endpoint's user tags: GetUser (at `/`) answers with
/// them, TagUser and UntagUser change them, so that a rotation's claim
/// reads back as set.
#[derive(Default)]
pub struct UserTags(Mutex<Vec<(String, String)>>);

impl UserTags {
    /// The answer to `body`'s GetUser, TagUser or UntagUser; `None` for
    /// any other action.
    pub fn answer(&self, body: &[u8]) -> Option<(u16, String)> {
        let form: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
        let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let mut tags = self.0.lock().unwrap();
        let ns = "xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"";
        match get("Action").as_deref() {
            Some("GetUser") => {
                let members: String = tags
                    .iter()
                    .map(|(k, v)| format!("<member><Key>{k}</Key><Value>{v}</Value></member>"))
                    .collect();
                Some((
                    200,
                    iam_get_user("/").replace("</User>", &format!("<Tags>{members}</Tags></User>")),
                ))
            }
            Some("TagUser") => {
                let (k, v) = (get("Tags.member.1.Key")?, get("Tags.member.1.Value")?);
                tags.retain(|(n, _)| *n != k);
                tags.push((k, v));
                Some((200, format!("<TagUserResponse {ns}/>")))
            }
            Some("UntagUser") => {
                let k = get("TagKeys.member.1")?;
                tags.retain(|(n, _)| *n != k);
                Some((200, format!("<UntagUserResponse {ns}/>")))
            }
            _ => None,
        }
    }
}

/// A stand-in IAM endpoint's error answer.
pub fn iam_error(code: &str, message: &str) -> String {
    format!(
        "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type>\
         <Code>{code}</Code><Message>{message}</Message></Error><RequestId>1</RequestId></ErrorResponse>"
    )
}

// ---- signals ---------------------------------------------------------------

/// Starts `cmd` in the foreground (see [`in_the_foreground`]), with
/// stderr to be read line by line.
pub fn spawn_for_signals(
    cmd: &mut std::process::Command,
) -> (Running, std::io::BufReader<std::process::ChildStderr>) {
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = start(in_the_foreground(cmd));
    let err = std::io::BufReader::new(child.child().stderr.take().unwrap());
    (child, err)
}

/// Reads stderr until it shows `needle`; everything read so far.
pub fn read_until(err: &mut impl std::io::BufRead, needle: &str) -> String {
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

/// Sends `sig` to the child, then reads the rest of its stderr and waits,
/// within [`CHILD_DEADLINE`].
pub fn signal_and_wait(
    child: &mut Running,
    err: &mut (impl std::io::Read + Send),
    sig: libc::c_int,
    seen: &mut String,
) -> Option<i32> {
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.child().id()).unwrap());
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::try_from(sig).unwrap()).unwrap();
    std::thread::scope(|s| {
        let rest = s.spawn(|| {
            let mut rest = String::new();
            let _ = err.read_to_string(&mut rest);
            rest
        });
        let out = child.wait_now(CHILD_DEADLINE);
        seen.push_str(&rest.join().unwrap());
        out.status.code()
    })
}
