//! A private, throwaway PostgreSQL cluster, started once per test process.
//!
//! `initdb` into a fresh temporary directory, then `pg_ctl start` on a free port of
//! 127.0.0.1 with durability switched off (the data is thrown away anyway). When the
//! tests run as root, every PostgreSQL binary runs as the `postgres` system user,
//! because `initdb` and `postgres` refuse to run as root.
//!
//! Rust's test harness never runs the destructors of statics, and a test process can
//! also die from a panic, a signal or `SIGKILL`. So the cleanup is not a destructor: a
//! detached watchdog shell blocks reading a pipe whose only writer is this process.
//! The kernel closes the pipe however the process ends; the watchdog then stops the
//! cluster (as `pg_ctl stop -m immediate` would) and removes the directory, within
//! tens of milliseconds of the test process's exit.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

/// The superuser `initdb` creates; the harness connects as this user.
pub const SUPERUSER: &str = "postgres";

/// Server settings: speed over durability, room for many parallel connections.
const SETTINGS: &[&str] = &[
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
    "listen_addresses=127.0.0.1",
    "max_connections=200",
    "shared_preload_libraries=plpgsql",
];

/// A running private cluster. Dropping it (for instance when its start fails) closes
/// the watchdog's pipe, which stops the cluster and removes its directory.
pub struct Cluster {
    pub port: u16,
    /// The cluster's directory (removed with it), where `start_with` put its files.
    pub dir: PathBuf,
    _watchdog: ChildStdin,
}

impl Cluster {
    /// Starts a cluster, or explains why none can be started.
    pub(super) fn start() -> Result<Cluster, String> {
        Cluster::start_with(&[], &[])
    }

    /// Starts a cluster with `files` written into its directory first (mode 0600, owned
    /// by the server's user, as PostgreSQL wants of a TLS key) and extra `settings`, in
    /// which `{dir}` stands for that directory.
    pub fn start_with(files: &[(&str, &[u8])], settings: &[&str]) -> Result<Cluster, String> {
        let bindir = find_bindir().ok_or_else(super::db::no_server_message)?;
        let run_as = RunAs::detect()?;
        let dir = make_dir(&run_as)?;
        let watchdog = spawn_watchdog(&dir)?;
        for (name, content) in files {
            write_private(&run_as, &dir.join(name), content)?;
        }
        let data = dir.join("data");
        let mut initdb = run_as.command(&bindir.join("initdb"));
        initdb
            .arg("--pgdata")
            .arg(&data)
            .args(["--auth=trust", "--username", SUPERUSER, "--encoding=UTF8"])
            .args(["--no-locale", "--no-sync", "--no-instructions"]);
        run(&mut initdb)?;
        let log = dir.join("postgres.log");
        let mut last_error = String::new();
        for _ in 0..5 {
            let port = free_port()?;
            let mut options = format!("-p {port} -k {}", shell_quote(&dir));
            for setting in SETTINGS {
                options.push_str(" -c ");
                options.push_str(setting);
            }
            for setting in settings {
                options.push_str(" -c ");
                options.push_str(&setting.replace("{dir}", &shell_quote(&dir)));
            }
            let mut pg_ctl = run_as.command(&bindir.join("pg_ctl"));
            pg_ctl
                .args(["start", "--wait", "--timeout=60", "--silent"])
                .arg("--pgdata")
                .arg(&data)
                .arg("--log")
                .arg(&log)
                .arg("-o")
                .arg(&options);
            let _ = std::fs::remove_file(&log);
            let Err(error) = run(&mut pg_ctl) else {
                return Ok(Cluster {
                    port,
                    dir,
                    _watchdog: watchdog,
                });
            };
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            last_error = format!("{error}\nserver log:\n{log}");
            // Another process took the port between our probe and the start: retry.
            if !log.contains("Address already in use") {
                break;
            }
        }
        Err(format!(
            "could not start a private PostgreSQL cluster: {last_error}"
        ))
    }
}

/// The directory of `initdb`, `pg_ctl` and `postgres`: PostgreSQL 15 as Debian
/// installs it, else whatever `pg_config --bindir` names.
fn find_bindir() -> Option<PathBuf> {
    let has_initdb = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    let debian = PathBuf::from("/usr/lib/postgresql/15/bin");
    if has_initdb(&debian) {
        return Some(debian);
    }
    let output = Command::new("pg_config").arg("--bindir").output().ok()?;
    let dir = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim());
    (output.status.success() && has_initdb(&dir)).then_some(dir)
}

/// Who runs the PostgreSQL binaries: this process's user, or `postgres` when root.
enum RunAs {
    Me,
    Postgres { uid: u32, gid: u32 },
}

impl RunAs {
    fn detect() -> Result<RunAs, String> {
        if id(&["-u"])? != 0 {
            return Ok(RunAs::Me);
        }
        let uid = id(&["-u", "postgres"]).map_err(|error| {
            format!("the tests run as root, so PostgreSQL must run as the `postgres` user: {error}")
        })?;
        let gid = id(&["-g", "postgres"])?;
        Ok(RunAs::Postgres { uid, gid })
    }

    /// A command that runs `program` as this user.
    fn command(&self, program: &Path) -> Command {
        let mut command = match self {
            RunAs::Me => Command::new(program),
            RunAs::Postgres { .. } => {
                let mut command = Command::new("runuser");
                command.args(["-u", "postgres", "--"]).arg(program);
                command
            }
        };
        command.stdin(Stdio::null());
        command
    }
}

/// Runs `id` with `args` and returns the number it prints.
fn id(args: &[&str]) -> Result<u32, String> {
    let output = Command::new("id")
        .args(args)
        .output()
        .map_err(|error| format!("cannot run `id`: {error}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.trim().parse().map_err(|_| {
        format!(
            "`id {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        )
    })
}

/// A fresh, private temporary directory that the server's user owns.
fn make_dir(run_as: &RunAs) -> Result<PathBuf, String> {
    use std::os::unix::fs::{DirBuilderExt, chown};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos());
    let dir = std::env::temp_dir().join(format!("specqlc-pg-{}-{nanos:08x}", std::process::id()));
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&dir)
        .map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
    if let RunAs::Postgres { uid, gid } = run_as {
        chown(&dir, Some(*uid), Some(*gid))
            .map_err(|error| format!("cannot chown {}: {error}", dir.display()))?;
    }
    Ok(dir)
}

/// Writes a file only the server's user may read.
fn write_private(run_as: &RunAs, path: &Path, content: &[u8]) -> Result<(), String> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, chown};
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|error| format!("cannot create {}: {error}", path.display()))?;
    file.write_all(content)
        .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    if let RunAs::Postgres { uid, gid } = run_as {
        chown(path, Some(*uid), Some(*gid))
            .map_err(|error| format!("cannot chown {}: {error}", path.display()))?;
    }
    Ok(())
}

/// Starts the watchdog described in the module documentation. Its immediate shutdown is
/// what `pg_ctl stop -m immediate` does (`SIGQUIT` to the postmaster, then wait for its
/// pid file to go), polled every 10 ms rather than `pg_ctl`'s 100 ms. It lives in its own process group, so a Ctrl-C that
/// kills the test process does not kill it too.
fn spawn_watchdog(dir: &Path) -> Result<ChildStdin, String> {
    // The postmaster removes its pid file as it exits; waiting for the process itself
    // could take long where PID 1 is slow to reap the orphaned postmaster's zombie.
    const SCRIPT: &str = r#"cat >/dev/null 2>&1
pidfile=$1/data/postmaster.pid
pid=$(head -n 1 "$pidfile" 2>/dev/null)
if [ -n "$pid" ] && kill -QUIT "$pid" 2>/dev/null; then
    while [ -e "$pidfile" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.01; done
fi
rm -rf "$1""#;
    let mut child = Command::new("sh")
        .args(["-c", SCRIPT, "specqlc-pg-watchdog"])
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(|error| format!("cannot start the cleanup watchdog: {error}"))?;
    child
        .stdin
        .take()
        .ok_or_else(|| "the watchdog has no stdin".to_string())
}

/// A port of 127.0.0.1 that was free a moment ago.
fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|error| format!("cannot find a free port: {error}"))
}

/// Runs a command to completion; its output becomes the error when it fails.
fn run(command: &mut Command) -> Result<(), String> {
    let output = command
        .output()
        .map_err(|error| format!("cannot run {command:?}: {error}"))?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "{command:?} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ))
}

/// Quotes a path for the shell that `pg_ctl` passes its `-o` options through.
fn shell_quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}
