//! Every child process a test starts: in a process group of its own,
//! waited on within a deadline, and killed with its group after it (or
//! when its [`Running`] guard is dropped), so no test can hang on a tool
//! that does.

use std::process::{Child, Command, Output};
use std::time::Duration;

/// The longest a child a test starts may run: one still running then is
/// killed, with its process group, and the test fails naming it. No test
/// waits forever on a tool that hangs.
pub const CHILD_DEADLINE: Duration = Duration::from_secs(300);

/// Like [`crate::cli::run_with_stdin`], but stdout and stderr go where `cmd` says. The
/// child leads a process group of its own and is waited on within
/// [`CHILD_DEADLINE`] ([`wait_within`]).
pub fn feed(cmd: &mut Command, stdin: &[u8]) -> Output {
    use std::io::Write;
    use std::os::unix::process::CommandExt;
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "could not start {:?} ({e}): the tool under test, or sh, which every Debian system has",
                cmd.get_program()
            )
        });
    // A tool that fails early may close its stdin first; that is fine.
    let _ = child.stdin.take().expect("stdin").write_all(stdin);
    wait_within(child, CHILD_DEADLINE)
}

/// Waits for `child` and reads what it writes to the pipes it was given,
/// for at most `deadline`: past it, kills the child's process group (the
/// child must lead one: `process_group(0)`) and the child, and panics.
pub fn wait_within(mut child: Child, deadline: Duration) -> Output {
    use nix::sys::signal::{Signal, kill, killpg};
    use nix::unistd::Pid;
    use std::io::Read;
    fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    }
    let pid = Pid::from_raw(i32::try_from(child.id()).expect("a pid"));
    let (out, err) = (drain(child.stdout.take()), drain(child.stderr.take()));
    let (ended, wait) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let status = child.wait();
        let _ = ended.send(status);
    });
    match wait.recv_timeout(deadline) {
        Ok(status) => Output {
            status: status.expect("wait"),
            stdout: out.join().expect("stdout"),
            stderr: err.join().expect("stderr"),
        },
        Err(_) => {
            let _ = killpg(pid, Signal::SIGKILL);
            let _ = kill(pid, Signal::SIGKILL);
            panic!(
                "child {pid} did not end within {} s: killed with its process group",
                deadline.as_secs()
            );
        }
    }
}

/// Starts `cmd` as a shell would start it in the foreground: whoever runs
/// the tests may ignore SIGTERM, SIGINT or SIGHUP (nohup), or SIGQUIT and
/// SIGINT (a background job of a non-interactive shell, some CI runners),
/// which children inherit and the tool rightly keeps, so a signal test
/// could not end it: every signal a test sends is reset to its default.
pub fn in_the_foreground(cmd: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: only signal(), async-signal-safe, between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            for sig in [
                libc::SIGTERM,
                libc::SIGINT,
                libc::SIGHUP,
                libc::SIGQUIT,
                libc::SIGUSR1,
            ] {
                libc::signal(sig, libc::SIG_DFL);
            }
            Ok(())
        })
    }
}

/// `cmd` run to its end with no standard input, its output captured,
/// within [`CHILD_DEADLINE`]: `Command::output` that cannot hang.
pub fn output(cmd: &mut Command) -> Output {
    use std::process::Stdio;
    start(
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    )
    .wait()
}

/// `cmd` run to its end with its output where `cmd` says, within
/// [`CHILD_DEADLINE`]: `Command::status` that cannot hang.
pub fn status(cmd: &mut Command) -> std::process::ExitStatus {
    start(cmd).wait().status
}

/// A child a test started ([`start`]): it leads a process group of its
/// own, and the group is killed when this is dropped, so a test that fails
/// (or one that only needs the child while it runs) leaves nothing
/// running.
pub struct Running {
    child: Option<Child>,
}

/// Starts `cmd` in a process group of its own.
pub fn start(cmd: &mut Command) -> Running {
    use std::os::unix::process::CommandExt;
    let child = cmd
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {:?} ({e})", cmd.get_program()));
    Running { child: Some(child) }
}

impl Running {
    /// The child, for its pipes and its ID.
    pub fn child(&mut self) -> &mut Child {
        self.child.as_mut().expect("a running child")
    }

    /// Waits for the child within [`CHILD_DEADLINE`] ([`wait_within`]).
    pub fn wait(self) -> Output {
        self.wait_within(CHILD_DEADLINE)
    }

    /// Waits for the child within `deadline` ([`wait_within`]).
    pub fn wait_within(mut self, deadline: Duration) -> Output {
        self.wait_now(deadline)
    }

    /// [`Running::wait_within`] through a borrow: the child is waited for
    /// (or killed) now, and dropping this does nothing more.
    pub fn wait_now(&mut self, deadline: Duration) -> Output {
        wait_within(self.child.take().expect("a running child"), deadline)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        use nix::sys::signal::{Signal, killpg};
        use nix::unistd::Pid;
        if let Some(mut child) = self.child.take() {
            if let Ok(pid) = i32::try_from(child.id()) {
                let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
