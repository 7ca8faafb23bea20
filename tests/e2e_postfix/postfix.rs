//! A Postfix of the test's own (Debian's `postfix`): its configuration,
//! queue, data and log in one folder (`$SES_SMTP_E2E_DIR`, else a
//! temporary one), started with `postfix -c`, relaying everything to the
//! test's SMTP server through STARTTLS with SASL, and stopped, and waited
//! for, when dropped. The machine's own Postfix, if any, is not touched:
//! this instance listens on no port (its `smtp/inet` service is off).

use ses_smtp_test_support::child::{feed, output};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Postfix {
    /// The instance's folder: `etc` (main.cf, master.cf, the CA, the
    /// password map), `spool`, `lib`, `maillog`.
    pub dir: PathBuf,
    etc: PathBuf,
    _temp: Option<tempfile::TempDir>,
}

/// A Postfix program: from /usr/sbin (Debian's), else PATH.
pub fn program(name: &str) -> PathBuf {
    let found = ["/usr/sbin", "/usr/bin", "/sbin"]
        .iter()
        .map(|d| Path::new(d).join(name))
        .chain(
            std::env::var_os("PATH")
                .map(|p| {
                    std::env::split_paths(&p)
                        .map(|d| d.join(name))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default(),
        )
        .find(|p| p.is_file());
    found.unwrap_or_else(|| {
        panic!(
            "the Postfix run needs Postfix's `{name}`, and it was not found. Install Debian's packages \
             (as root): apt-get install postfix libsasl2-modules; scripts/e2e-postfix.sh runs this test"
        )
    })
}

fn run_ok(cmd: &mut Command, what: &str) -> String {
    let out = output(cmd);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "{what} failed ({}): {text}",
        out.status
    );
    text
}

impl Postfix {
    /// An instance whose `relayhost` is `[localhost]:port`, trusting the
    /// CA in `ca_file` for it, with its password map at
    /// [`Postfix::sasl_passwd`] (which `sync` writes).
    pub fn start(port: u16, ca_file: &Path) -> Postfix {
        let (dir, temp) = match std::env::var_os("SES_SMTP_E2E_DIR") {
            Some(d) => (PathBuf::from(d), None),
            None => {
                let t = tempfile::tempdir().unwrap();
                (t.path().to_path_buf(), Some(t))
            }
        };
        use std::os::unix::fs::PermissionsExt;
        // The daemons run as the `postfix` user: the folder must let it in.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let etc = dir.join("etc");
        for d in ["etc", "spool", "lib"] {
            std::fs::create_dir_all(dir.join(d)).unwrap();
        }
        run_ok(
            Command::new("chown").arg("postfix").arg(dir.join("lib")),
            "chown postfix lib",
        );
        std::fs::copy("/etc/postfix/master.cf", etc.join("master.cf"))
            .expect("Debian's /etc/postfix/master.cf (apt-get install postfix)");
        std::fs::copy(ca_file, etc.join("ca.pem")).unwrap();
        std::fs::write(etc.join("main.cf"), "").unwrap();
        let d = dir.display();
        let settings = [
            "compatibility_level = 3.6".to_string(),
            format!("queue_directory = {d}/spool"),
            format!("data_directory = {d}/lib"),
            "mail_owner = postfix".into(),
            "setgid_group = postdrop".into(),
            "myhostname = e2e.test".into(),
            "mydestination =".into(),
            "alias_maps =".into(),
            "local_transport = error:local delivery is off".into(),
            "inet_interfaces = loopback-only".into(),
            "inet_protocols = ipv4".into(),
            format!("maillog_file = {d}/maillog"),
            format!("maillog_file_prefixes = {d}"),
            // As docs/recipes.md has it, with the test's relay for SES.
            format!("relayhost = [localhost]:{port}"),
            "smtp_host_lookup = native".into(),
            "smtp_sasl_auth_enable = yes".into(),
            "smtp_sasl_security_options = noanonymous".into(),
            "smtp_sasl_tls_security_options = noanonymous".into(),
            format!("smtp_sasl_password_maps = hash:{d}/etc/sasl_passwd"),
            "smtp_tls_security_level = secure".into(),
            "smtp_tls_secure_cert_match = nexthop".into(),
            format!("smtp_tls_CAfile = {d}/etc/ca.pem"),
            "smtp_tls_loglevel = 1".into(),
            // Each message logs in anew: the test asks which key it used.
            "smtp_connection_cache_on_demand = no".into(),
        ];
        let postconf = program("postconf");
        run_ok(
            Command::new(&postconf)
                .arg("-c")
                .arg(&etc)
                .arg("-e")
                .args(&settings),
            "postconf -e",
        );
        run_ok(
            Command::new(&postconf)
                .arg("-c")
                .arg(&etc)
                .args(["-F", "*/*/chroot = n"]),
            "postconf -F chroot",
        );
        run_ok(
            Command::new(&postconf)
                .arg("-c")
                .arg(&etc)
                .args(["-M#", "smtp/inet"]),
            "postconf -M# smtp/inet",
        );
        let postfix = Postfix {
            dir,
            etc,
            _temp: temp,
        };
        run_ok(
            Command::new(program("postfix"))
                .arg("-c")
                .arg(&postfix.etc)
                .arg("start"),
            "postfix start",
        );
        postfix
    }

    /// The password map `sync --format postfix` writes.
    pub fn sasl_passwd(&self) -> PathBuf {
        self.etc.join("sasl_passwd")
    }

    /// What `sync --then` runs, as docs/recipes.md has it for this
    /// instance: the map rebuilt, Postfix reloaded.
    pub fn then(&self) -> String {
        format!(
            "{} -c {} hash:{} && {} -c {} reload",
            program("postmap").display(),
            self.etc.display(),
            self.sasl_passwd().display(),
            program("postfix").display(),
            self.etc.display()
        )
    }

    /// Queues a message with Postfix's `sendmail`.
    pub fn send(&self, subject: &str) {
        let message = format!(
            "From: app@e2e.test\r\nTo: someone@example.com\r\nSubject: {subject}\r\n\r\nA test message.\r\n"
        );
        let out = feed(
            Command::new(program("sendmail"))
                .arg("-C")
                .arg(&self.etc)
                .args(["-i", "-f", "app@e2e.test", "someone@example.com"]),
            message.as_bytes(),
        );
        assert!(out.status.success(), "sendmail failed");
    }

    /// `mailq` for this instance.
    pub fn queue(&self) -> String {
        run_ok(
            Command::new(program("postqueue"))
                .arg("-c")
                .arg(&self.etc)
                .arg("-p"),
            "postqueue -p",
        )
    }

    /// The instance's log.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("maillog")).unwrap_or_default()
    }

    /// The processes of this instance still running: those whose
    /// environment names its configuration (the master passes
    /// MAIL_CONFIG to every daemon).
    pub fn processes(&self) -> Vec<u32> {
        let needle = format!("MAIL_CONFIG={}", self.etc.display());
        let mut found = Vec::new();
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let Ok(env) = std::fs::read(entry.path().join("environ")) else {
                continue;
            };
            if env.split(|b| *b == 0).any(|v| v == needle.as_bytes()) {
                found.push(pid);
            }
        }
        found
    }

    fn stop(&self) {
        let _ = output(
            Command::new(program("postfix"))
                .arg("-c")
                .arg(&self.etc)
                .arg("stop"),
        );
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.processes().is_empty() {
            if Instant::now() > deadline {
                let left = format!("Postfix did not stop in 30 s: {:?}", self.processes());
                // Not a second panic while one unwinds.
                assert!(std::thread::panicking(), "{left}");
                eprintln!("{left}");
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Postfix {
    fn drop(&mut self) {
        self.stop();
    }
}
