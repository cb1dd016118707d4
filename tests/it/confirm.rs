//! The interactive confirmation of `apply`, driven through a pseudo-terminal
//! (util-linux `script` gives the binary a terminal on stdin).

use std::io::Write;
use std::process::Stdio;

use crate::harness::{AARHUS_ENTRY, Env};

/// Runs `skyform apply o.yaml` on a terminal and types `answer`.
fn apply_answering(env: &Env, answer: &str) -> (i32, String) {
    let bin = env!("CARGO_BIN_EXE_skyform");
    let mut child = std::process::Command::new("script")
        .args(["-q", "-e", "-c", &format!("'{bin}' apply o.yaml"), "/dev/null"])
        .current_dir(env.path())
        .envs(env.command(&[]).get_envs().filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script(1) from util-linux");
    child.stdin.take().unwrap().write_all(format!("{answer}\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn answering_no_changes_nothing_and_yes_applies() {
    assert!(
        std::process::Command::new("script").arg("--version").output().is_ok(),
        "util-linux `script` is needed for the pseudo-terminal test"
    );
    let env = Env::new();
    env.write("o.yaml", &format!("orders:\n{AARHUS_ENTRY}"));
    let (code, screen) = apply_answering(&env, "no");
    assert!(screen.contains("Apply these changes?"), "{screen}");
    assert_eq!(code, 1, "{screen}");
    assert!(screen.contains("apply cancelled"), "{screen}");
    assert!(env.emu.orders().is_empty());
    let (code, screen) = apply_answering(&env, "yes");
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("Apply complete: 1 change made."), "{screen}");
    assert_eq!(env.live().len(), 1);
}
