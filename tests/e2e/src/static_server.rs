//! A small static file server for `dist/` on 127.0.0.1 (no directory
//! listing, no paths outside the root). `cargo xtask serve` runs it in the
//! foreground; `cargo xtask test` runs it on a thread on a free port, and
//! the offline test runs one it can stop.

use anyhow::{anyhow, Context, Result};
use std::fs::File;
use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

pub fn serve_forever(dist: &Path, port: u16) -> Result<()> {
    let listener = bind(port)?;
    let url = format!("http://127.0.0.1:{}/", local_port(&listener)?);
    println!("==> serving {} at {url}", dist.display());
    println!("    open {url} in a browser; Ctrl-C stops the server");
    accept(&listener, dist, &AtomicBool::new(false));
    Ok(())
}

/// Serves `dist` (or any folder) on a free port from a background thread;
/// returns the base URL.
pub fn spawn(dist: &Path) -> Result<(String, JoinHandle<()>)> {
    let listener = bind(0)?;
    let url = format!("http://127.0.0.1:{}/", local_port(&listener)?);
    let dist = dist.to_path_buf();
    let handle = std::thread::spawn(move || accept(&listener, &dist, &AtomicBool::new(false)));
    Ok((url, handle))
}

/// A server on a free port that [`StoppableServer::stop`] shuts down, as
/// a site's host going away would.
pub struct StoppableServer {
    pub url: String,
    port: u16,
    stopping: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl StoppableServer {
    pub fn start(dist: &Path) -> Result<Self> {
        let listener = bind(0)?;
        let port = local_port(&listener)?;
        let stopping = Arc::new(AtomicBool::new(false));
        let dist = dist.to_path_buf();
        let flag = Arc::clone(&stopping);
        let thread = std::thread::spawn(move || accept(&listener, &dist, &flag));
        Ok(StoppableServer {
            url: format!("http://127.0.0.1:{port}/"),
            port,
            stopping,
            thread: Some(thread),
        })
    }

    /// Stops answering: the port refuses connections from now on.
    pub fn stop(mut self) -> Result<()> {
        self.shut_down()
    }

    fn shut_down(&mut self) -> Result<()> {
        let Some(thread) = self.thread.take() else {
            return Ok(());
        };
        self.stopping.store(true, Ordering::SeqCst);
        // Wakes the accept loop, which sees the flag and drops the listener.
        if let Err(e) = TcpStream::connect(("127.0.0.1", self.port)) {
            eprintln!("waking the test server to stop it: {e}");
        }
        thread
            .join()
            .map_err(|_| anyhow!("the server thread panicked"))
    }
}

impl Drop for StoppableServer {
    fn drop(&mut self) {
        if let Err(e) = self.shut_down() {
            eprintln!("stopping the test server: {e:#}");
        }
    }
}

fn bind(port: u16) -> Result<TcpListener> {
    TcpListener::bind(("127.0.0.1", port))
        .with_context(|| format!("cannot listen on 127.0.0.1:{port}"))
}

fn local_port(listener: &TcpListener) -> Result<u16> {
    Ok(listener.local_addr()?.port())
}

/// Answers every connection on a thread of its own, one request each
/// (`Connection: close`). Nothing is shared between connections, so a
/// browser that reads a large model slowly, or a connection it opened and
/// never used, cannot hold up another request; and once stopped, the
/// server is gone for the browser too (no kept-alive connection survives).
fn accept(listener: &TcpListener, dist: &Path, stopping: &AtomicBool) {
    for stream in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            return;
        }
        match stream {
            Ok(stream) => {
                let dist = dist.to_path_buf();
                std::thread::spawn(move || {
                    if let Err(e) = answer(stream, &dist) {
                        if !is_hang_up(&e) {
                            eprintln!("static server: {e}");
                        }
                    }
                });
            }
            Err(e) => eprintln!("static server: accepting a connection: {e}"),
        }
    }
}

/// A browser that navigates away mid-download hangs up; that is routine
/// (the tests do it all the time).
fn is_hang_up(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::BrokenPipe
            | ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::UnexpectedEof
            | ErrorKind::TimedOut
            | ErrorKind::WouldBlock
    )
}

fn answer(stream: TcpStream, dist: &Path) -> std::io::Result<()> {
    // A connection opened ahead of time (browsers do) and never used is
    // closed after a while instead of keeping its thread forever.
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line)? == 0 {
        return Ok(()); // opened and closed without a request
    }
    // The headers say nothing this server needs; read up to the blank line.
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let mut out = std::io::BufWriter::with_capacity(64 << 10, stream);
    // The WebGPU test page (another port) fetches the model from here, so
    // every answer carries the CORS header. A 404 needs it too: without it
    // the browser reports a network failure instead of "not found", and a
    // page loading a model from this origin cannot tell a missing optional
    // file (manifest.json) from a dead server.
    // ETag is exposed, as hubs expose it, so pages on other origins can
    // revalidate what they stored.
    let common = "Access-Control-Allow-Origin: *\r\nAccess-Control-Expose-Headers: ETag\r\nConnection: close\r\n";
    let file = resolve(dist, target).and_then(|p| File::open(&p).ok().map(|f| (p, f)));
    match (method, file) {
        ("GET" | "HEAD", Some((path, mut file))) => {
            let metadata = file.metadata()?;
            let bytes = metadata.len();
            write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {bytes}\r\nCache-Control: no-cache\r\nETag: {}\r\n{common}\r\n",
                content_type(&path),
                etag(&metadata)
            )?;
            // Streamed from disk: a 400 MB model is not read into memory.
            if method == "GET" {
                std::io::copy(&mut file, &mut out)?;
            }
        }
        ("GET" | "HEAD", None) => {
            write!(out, "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n{common}\r\nnot found")?;
        }
        _ => {
            write!(
                out,
                "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n{common}\r\n"
            )?;
        }
    }
    let stream = out.into_inner().map_err(|e| e.into_error())?;
    stream.shutdown(Shutdown::Write)
}

/// A tag that changes whenever the file does (its length and modification
/// time), as static hosts make theirs.
fn etag(metadata: &std::fs::Metadata) -> String {
    let modified_ns = metadata
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    format!("\"{:x}-{modified_ns:x}\"", metadata.len())
}

/// Maps a request path to a file under `dist`, refusing anything that would
/// leave it; `/` and directories mean their `index.html`.
fn resolve(dist: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let mut out = dist.to_path_buf();
    for component in Path::new(path.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if out.is_dir() {
        out.push("index.html");
    }
    out.is_file().then_some(out)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_leave_the_root() {
        let dist = std::env::temp_dir();
        assert_eq!(resolve(&dist, "/../etc/passwd"), None);
        assert_eq!(resolve(&dist, "/a/../../b"), None);
    }

    /// One client that does not read its (large) answer must not stop the
    /// server from answering another: the failure behind a page that never
    /// loaded while test browsers were downloading the model.
    #[test]
    fn a_slow_reader_does_not_hold_up_other_requests() {
        use std::io::{Read, Write};
        use std::net::TcpStream;
        use std::time::Duration;

        let dir = std::env::temp_dir().join(format!("attend-server-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // Far more than the kernel buffers between the two sockets.
        std::fs::write(dir.join("big.bin"), vec![7u8; 48 << 20]).unwrap();
        std::fs::write(dir.join("index.html"), "<p>hello</p>").unwrap();
        let server = StoppableServer::start(&dir).unwrap();
        let address = host_and_port(&server.url);

        let mut slow = TcpStream::connect(&address).unwrap();
        slow.write_all(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        std::thread::sleep(Duration::from_millis(300));

        let mut quick = TcpStream::connect(&address).unwrap();
        quick
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        quick
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut answer = String::new();
        quick.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.ends_with("<p>hello</p>"), "{answer}");

        drop(slow);
        server.stop().unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn host_and_port(url: &str) -> String {
        url.trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string()
    }

    #[test]
    fn wasm_is_served_as_wasm() {
        assert_eq!(content_type(Path::new("x_bg.wasm")), "application/wasm");
        assert_eq!(
            content_type(Path::new("index.html")),
            "text/html; charset=utf-8"
        );
    }
}
