//! A small static file server for `dist/` on 127.0.0.1 (no directory
//! listing, no paths outside the root). `cargo xtask serve` runs it in the
//! foreground; `cargo xtask test` runs it on a thread on a free port, and
//! the offline test runs one it can stop.

use anyhow::{anyhow, Result};
use std::fs::File;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use tiny_http::{Header, Request, Response, Server};

pub fn serve_forever(dist: &Path, port: u16) -> Result<()> {
    let server = bind(port)?;
    let url = format!("http://127.0.0.1:{}/", local_port(&server));
    println!("==> serving {} at {url}", dist.display());
    println!("    open {url} in a browser; Ctrl-C stops the server");
    handle_requests(&server, dist);
    Ok(())
}

/// Serves `dist` (or any folder) on a free port from a background thread;
/// returns the base URL.
pub fn spawn(dist: &Path) -> Result<(String, JoinHandle<()>)> {
    let server = bind(0)?;
    let url = format!("http://127.0.0.1:{}/", local_port(&server));
    let dist = dist.to_path_buf();
    let handle = std::thread::spawn(move || handle_requests(&server, &dist));
    Ok((url, handle))
}

/// A server on a free port that [`StoppableServer::stop`] shuts down, as
/// a site's host going away would.
pub struct StoppableServer {
    pub url: String,
    server: Arc<Server>,
    thread: Option<JoinHandle<()>>,
}

impl StoppableServer {
    pub fn start(dist: &Path) -> Result<Self> {
        let server = Arc::new(bind(0)?);
        let url = format!("http://127.0.0.1:{}/", local_port(&server));
        let dist = dist.to_path_buf();
        let serving = Arc::clone(&server);
        let thread = std::thread::spawn(move || handle_requests(&serving, &dist));
        Ok(StoppableServer {
            url,
            server,
            thread: Some(thread),
        })
    }

    /// Stops answering: the port refuses connections from now on.
    pub fn stop(mut self) -> Result<()> {
        self.shut_down()
    }

    fn shut_down(&mut self) -> Result<()> {
        self.server.unblock();
        match self.thread.take() {
            Some(thread) => thread
                .join()
                .map_err(|_| anyhow!("the server thread panicked")),
            None => Ok(()),
        }
    }
}

impl Drop for StoppableServer {
    fn drop(&mut self) {
        if let Err(e) = self.shut_down() {
            eprintln!("stopping the test server: {e:#}");
        }
    }
}

fn bind(port: u16) -> Result<Server> {
    Server::http(("127.0.0.1", port)).map_err(|e| anyhow!("cannot listen on 127.0.0.1:{port}: {e}"))
}

fn local_port(server: &Server) -> u16 {
    server.server_addr().to_ip().map(|a| a.port()).unwrap_or(0)
}

/// Answers every request on a thread of its own: a browser that reads a
/// large model slowly (or several test browsers at once) must not hold up
/// the page another one is opening.
fn handle_requests(server: &Server, dist: &Path) {
    for request in server.incoming_requests() {
        let dist = dist.to_path_buf();
        std::thread::spawn(move || respond(request, &dist));
    }
}

fn respond(request: Request, dist: &Path) {
    let url = request.url().to_string();
    let file = resolve(dist, &url).and_then(|p| File::open(&p).ok().map(|f| (p, f)));
    let result = match file {
        // Streamed from disk: a 400 MB model is not read into memory per request.
        Some((path, file)) => request.respond(
            Response::from_file(file)
                .with_header(header("Content-Type", content_type(&path)))
                .with_header(header("Cache-Control", "no-cache"))
                // No kept-alive connections: once stopped, the server must
                // be gone for the browser too (a pooled connection would
                // otherwise take requests that nobody answers).
                .with_header(header("Connection", "close"))
                // The WebGPU test page (another port) fetches the model from here.
                .with_header(header("Access-Control-Allow-Origin", "*")),
        ),
        // A 404 needs the CORS header too: without it the browser reports
        // a network failure instead of "not found", and a page loading a
        // model from this origin cannot tell a missing optional file
        // (manifest.json) from a dead server.
        None => request.respond(
            Response::from_string("not found")
                .with_status_code(404)
                .with_header(header("Connection", "close"))
                .with_header(header("Access-Control-Allow-Origin", "*")),
        ),
    };
    // A browser that navigates away mid-download hangs up; that is routine
    // (the tests do it all the time), so only other failures are reported.
    if let Err(e) = result {
        if !matches!(
            e.kind(),
            ErrorKind::BrokenPipe | ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted
        ) {
            eprintln!("static server: answering {url}: {e}");
        }
    }
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

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("static header is valid")
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
