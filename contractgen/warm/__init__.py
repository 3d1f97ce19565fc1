"""The warm process: `contractgen build` and `check` answered by a process that already has the
libraries imported and the clause library, interviews, rules and house template loaded, so one build
costs about what `import docx` costs instead of five times that (issue 18).

- `client.py` is the `contractgen` command itself. For `build` and `check` it hands the command line,
  folder, environment and its own stdin/stdout/stderr to the warm process over a Unix socket, and
  prints nothing of its own; every other command, or no warm process, runs here as before.
- `server.py` is the warm process. It forks a child per command, which runs `cli.main` exactly as this
  process would (same code, same exit code, writing straight to the caller's terminal or pipe): commands
  running at once never share state. It answers only its own user, and serves nothing stale: before
  every command it re-reads every data file and checks every imported module's file, and if anything
  differs from what it loaded, it declines (the command runs cold, in the caller) and exits.

The first `build` or `check` starts it in the background; it exits after WARM_IDLE_SECONDS without a
command. CONTRACTGEN_WARM=off never uses or starts it.
"""
